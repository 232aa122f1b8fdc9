"""`kith run` on Slack: mode selection, credential checks, and a real start in both modes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.slack import run
from bot import cli
from bot.settings import Secret, Settings, SettingsError
from bot.store import open_database
from tests.e2e.slack_fake import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    event_callback,
    form_body,
    post_signed,
    slash_command,
)
from tests.e2e.slack_world import ADA, GENERAL, block_text


def settings(path: Path, **kw: object) -> Settings:
    values: dict[str, object] = {
        "platform": "slack",
        "platform_reason": "KITH_PLATFORM",
        "database_url": str(path / "kith.sqlite3"),
        "slack_bot_token": Secret(BOT_TOKEN),
        "slack_app_token": Secret(APP_TOKEN),
    }
    values.update(kw)
    return Settings(**values)  # type: ignore[arg-type]


async def started(task: asyncio.Task[int], ready: list[run.Running]) -> None:
    """Until serve() reports ready (it calls on_ready once everything listens)."""
    async with asyncio.timeout(10):
        while not ready:
            assert not task.done(), task.result()
            await asyncio.sleep(0)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    slack = await FakeSlack().start()
    slack.add_user(ADA, "Ada", is_admin=True)
    slack.add_channel(GENERAL, "general")
    yield slack
    await slack.close()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, run.SOCKET),
        ({"slack_signing_secret": Secret("s"), "http_port": 3000}, run.HTTP),
        ({"slack_signing_secret": Secret("s")}, run.SOCKET),  # no port: Socket Mode
        ({"slack_app_token": Secret(""), "slack_signing_secret": Secret("s")}, "KITH_HTTP_PORT"),
        ({"slack_app_token": Secret(""), "http_port": 3000}, "SLACK_SIGNING_SECRET"),
        ({"slack_app_token": Secret("")}, "needs SLACK_APP_TOKEN"),
        ({"slack_app_token": Secret("xoxb-oops")}, "app-level token, starting with xapp-"),
        ({"slack_bot_token": Secret("xapp-1-A")}, "looks like the app-level token"),
    ],
)
def test_mode_and_token_shapes(tmp_path: Path, changes: dict[str, object], expected: str) -> None:
    chosen = settings(tmp_path, **changes)
    if expected in (run.SOCKET, run.HTTP):
        assert run.choose_mode(chosen) == expected
    else:
        with pytest.raises(SettingsError, match=expected):
            run.choose_mode(chosen)


async def test_a_rejected_bot_token_is_one_clear_error(tmp_path: Path, fake: FakeSlack) -> None:
    bad = settings(tmp_path, slack_bot_token=Secret("xoxb-revoked"))
    with pytest.raises(SettingsError, match=r"Slack rejected SLACK_BOT_TOKEN \(invalid_auth\)"):
        await run.serve(bad, stop=asyncio.Event(), api_url=fake.api_url)
    assert not (tmp_path / "kith.sqlite3").exists()  # nothing was started


async def test_a_rejected_app_token_is_one_clear_error(tmp_path: Path, fake: FakeSlack) -> None:
    bad = settings(tmp_path, slack_app_token=Secret("xapp-revoked"))
    with pytest.raises(SettingsError, match=r"Slack rejected SLACK_APP_TOKEN"):
        await run.serve(bad, stop=asyncio.Event(), api_url=fake.api_url)


def test_kith_run_prints_one_line_for_a_rejected_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_serve = run.serve

    async def serve(config: Settings, *, stop: asyncio.Event) -> int:
        """The real serve, pointed at a fake started inside the CLI's own event loop."""
        slack = await FakeSlack().start()
        try:
            return await real_serve(config, stop=stop, api_url=slack.api_url)
        finally:
            await slack.close()

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("bot.logs.configure", lambda *a: None)
    monkeypatch.setattr(run, "serve", serve)
    for name, value in {
        "KITH_PLATFORM": "slack",
        "SLACK_BOT_TOKEN": "xoxb-not-a-real-token",
        "SLACK_APP_TOKEN": APP_TOKEN,
        "KITH_DATABASE_URL": str(tmp_path / "kith.sqlite3"),
    }.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("kith: Slack rejected SLACK_BOT_TOKEN")
    assert "xoxb-not-a-real-token" not in err[0]


async def test_serve_in_socket_mode_answers_a_command_then_stops(
    tmp_path: Path, fake: FakeSlack
) -> None:
    stop = asyncio.Event()
    ready: list[run.Running] = []
    task = asyncio.create_task(
        run.serve(settings(tmp_path), stop=stop, api_url=fake.api_url, on_ready=ready.append)
    )
    await started(task, ready)
    assert fake.sockets
    assert ready[0].mode == run.SOCKET and ready[0].team_id == "T0KITH"
    fields = slash_command(fake, user=ADA, text="help")
    await fake.send_envelope("slash_commands", fields)
    await fake.wait_for(lambda: any(r["_url"] == fields["response_url"] for r in fake.responses))
    assert "Kith helps" in block_text(fake.responses[-1]["blocks"])
    stop.set()
    assert await asyncio.wait_for(task, 10) == 0


async def test_serve_in_http_mode_verifies_signatures(tmp_path: Path, fake: FakeSlack) -> None:
    stop = asyncio.Event()
    ready: list[run.Running] = []
    config = settings(
        tmp_path,
        slack_app_token=Secret(""),
        slack_signing_secret=Secret(SIGNING_SECRET),
        http_port=0,
    )
    task = asyncio.create_task(
        run.serve(config, stop=stop, api_url=fake.api_url, host="127.0.0.1", on_ready=ready.append)
    )
    await started(task, ready)
    assert ready[0].mode == run.HTTP and ready[0].port
    url = f"http://127.0.0.1:{ready[0].port}{run.HTTP_PATH}"
    fields = slash_command(fake, user=ADA, text="help")
    assert (await post_signed(url, form_body(fields), secret="wrong"))[0] == 401
    assert (await post_signed(url, form_body(fields)))[0] == 200
    await fake.wait_for(lambda: any(r["_url"] == fields["response_url"] for r in fake.responses))
    stop.set()
    assert await asyncio.wait_for(task, 10) == 0


async def test_reinstalling_resumes_what_uninstalling_paused(
    tmp_path: Path, fake: FakeSlack
) -> None:
    async def session(*steps: tuple[str, dict[str, object]]) -> None:
        stop = asyncio.Event()
        ready: list[run.Running] = []
        task = asyncio.create_task(
            run.serve(settings(tmp_path), stop=stop, api_url=fake.api_url, on_ready=ready.append)
        )
        await started(task, ready)
        for kind, payload in steps:
            await fake.send_envelope(kind, payload)
            if kind == "slash_commands":
                url = payload["response_url"]
                await fake.wait_for(lambda u=url: any(r["_url"] == u for r in fake.responses))
        stop.set()
        assert await asyncio.wait_for(task, 10) == 0

    setup = slash_command(fake, user=ADA, text="setup checkin channel:<#C0GENERAL|g> time:09:00")
    gone = event_callback({"type": "app_uninstalled", "event_ts": "1.1"}, event_id="Ev0GONE")
    later = slash_command(fake, user=ADA, text="help")  # handled after the uninstall event
    await session(("slash_commands", setup), ("events_api", gone), ("slash_commands", later))
    db = await open_database(str(tmp_path / "kith.sqlite3"))
    try:
        assert await db.fetchval("SELECT paused FROM programmes") == 1
    finally:
        await db.close()
    await session()
    db = await open_database(str(tmp_path / "kith.sqlite3"))
    try:
        assert await db.fetchval("SELECT paused FROM programmes") == 0
        assert await db.fetchval("SELECT active FROM communities") == 1
    finally:
        await db.close()
