"""Graceful shutdown: SIGTERM or SIGINT during a burst of member actions, on real processes.

Every action is either acknowledged and in the database, or not acknowledged (and then not in
the database either: what was accepted finished, what came later was never started). The
process exits promptly with 0, the database passes its integrity check, and a restart on it
carries on.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e import discord_process
from tests.e2e.console_helpers import KITH
from tests.e2e.discord_fake import FakeDiscord, Interaction
from tests.e2e.slack_fake import APP_TOKEN, BOT_TOKEN, FakeSlack, slash_command
from tests.e2e.slack_world import ADA, GENERAL, block_text

LIMIT = 30.0


def integrity(database: Path) -> str:
    with sqlite3.connect(database) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def acts(database: Path) -> list[str]:
    with sqlite3.connect(database) as conn:
        return [r[0] for r in conn.execute("SELECT text FROM kind_acts ORDER BY id")]


class Home:
    """One server with #general and a few members, and the bot processes run against it."""

    def __init__(self, fake: FakeDiscord, database: Path) -> None:
        self.fake, self.database = fake, database
        self.guild = fake.add_guild("Home", ("general",))
        self.general = fake.channel(self.guild["id"], "general")
        self.members = [fake.add_user(name) for name in ("Ada", "Bo", "Cy", "Di")]
        self.processes: list[asyncio.subprocess.Process] = []

    async def start(self, **extra: str) -> asyncio.subprocess.Process:
        sessions = len(self.fake.sessions)
        process = await discord_process.start(
            self.fake.api_base, self.fake.gateway_url, self.database, **extra
        )
        self.processes.append(process)
        # Connected (READY and the server sent) and the slash commands registered.
        await self.fake.until(
            lambda: len(self.fake.sessions) > sessions and bool(self.fake.commands), LIMIT
        )
        return process

    async def setup_kindness(self) -> None:
        ada, general = self.members[0], self.general["id"]
        record = await self.fake.slash(
            self.guild["id"], ada, general, "kith setup kindness", {"channel": general}, admin=True
        )
        assert "set up" in (await self.fake.answer(record, LIMIT)).text

    async def kind(self, n: int, text: str) -> Interaction:
        member = self.members[n % len(self.members)]
        return await self.fake.slash(
            self.guild["id"], member, self.general["id"], "kind", {"what_i_did": text}
        )


@pytest.fixture
async def home(tmp_path: Path) -> AsyncIterator[Home]:
    fake = await FakeDiscord().start()
    home = Home(fake, tmp_path / "kith.sqlite3")
    try:
        yield home
    finally:
        for process in home.processes:  # only if a test failed: a bot process still running
            if process.returncode is None:
                process.kill()
                await process.wait()
        await fake.stop()


def logged(record: Interaction) -> bool:
    return record.answered and "Logged" in record.text


async def test_discord_sigterm_during_a_burst_answers_what_it_took_and_nothing_else(
    home: Home,
) -> None:
    fake = home.fake
    process = await home.start()
    await home.setup_kindness()
    sent: list[Interaction] = []
    for n in range(40):
        sent.append(await home.kind(n, f"burst act {n}"))
        if n == 15:
            await fake.until(lambda: logged(sent[0]), LIMIT)
            process.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.005)
    assert await asyncio.wait_for(process.wait(), LIMIT) == 0
    answered = {r.payload["data"]["options"][0]["value"] for r in sent if logged(r)}
    stored = acts(home.database)
    # Acknowledged ⇔ stored: accepted work finished and answered, later work never started.
    assert set(stored) == answered and len(stored) == len(answered)
    assert 0 < len(answered) < len(sent)
    assert all(r.answered == logged(r) for r in sent)  # nothing half-answered
    assert integrity(home.database) == "ok"

    # A restart on the same database carries on; SIGINT (Ctrl-C) stops it the same way.
    process = await home.start()
    again = await fake.answer(await home.kind(0, "after the restart"), LIMIT)
    assert "Logged" in again.text and "after the restart" in acts(home.database)
    process.send_signal(signal.SIGINT)
    assert await asyncio.wait_for(process.wait(), LIMIT) == 0


CONSOLE_RUNS = {
    # kith console, simulated clock, stopped like a service manager stops it
    "console-SIGTERM": (["console", "--json", "--start", "2026-03-02T09:00"], signal.SIGTERM),
    # kith run without credentials (the console community, real clock), stopped with Ctrl-C
    "run-SIGINT": (["run"], signal.SIGINT),
}


@pytest.mark.parametrize("case", list(CONSOLE_RUNS))
def test_console_stop_during_a_burst_finishes_the_line_in_progress_and_exits_0(
    tmp_path: Path, case: str
) -> None:
    args, sig = CONSOLE_RUNS[case]
    database = tmp_path / "kith.sqlite3"
    setup = ":admin ada\n@ada: /kith setup kindness channel:#general\n"
    # Three acts each for a hundred members: every reply quotes its act (a fourth would not).
    burst = "".join(f"@m{n % 100}: /kind burst act {n}\n" for n in range(300))
    process = start_console(args, database)
    watchdog = threading.Timer(LIMIT, process.kill)  # a stop that never comes fails, not hangs
    watchdog.start()
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(setup + burst)
    process.stdin.flush()  # stdin stays open: the stop must not wait for the end of input
    acked: list[str] = []
    for line in process.stdout:
        text = json.loads(line)["text"] if line.startswith("{") else line
        if found := re.search(r"💛 Logged: .(burst act \d+)", text):
            acked.append(found.group(1))
            if len(acked) == 20:
                process.send_signal(sig)
    watchdog.cancel()
    assert process.wait(timeout=LIMIT) == 0, process.stderr.read() if process.stderr else ""
    stored = acts(database)
    assert stored == acked  # each acknowledged act stored, none stored unacknowledged
    assert 20 <= len(acked) < 300
    assert integrity(database) == "ok"
    process.stdin.close()

    # A restart on the same database carries on where the stop left off.
    again = start_console(args, database)
    out, _ = again.communicate("@bo: /kind after the restart\n", timeout=LIMIT)
    assert again.returncode == 0 and "after the restart" in out
    assert acts(database) == [*acked, "after the restart"]


def start_console(args: list[str], database: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KITH_", "DISCORD_", "SLACK_"))}
    env["KITH_DATABASE_URL"] = str(database)
    extra = ["--db", str(database)] if args[0] == "console" else []
    return subprocess.Popen(
        [KITH, *args, *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=database.parent,
    )


async def test_slack_sigterm_during_a_burst_replies_to_what_it_took_and_exits_0(
    tmp_path: Path,
) -> None:
    fake = await FakeSlack().start()
    fake.add_user(ADA, "Ada", is_admin=True)
    fake.add_channel(GENERAL, "general")
    members = [fake.add_user(f"U0M{n:03d}", f"M{n}").id for n in range(40)]
    database = tmp_path / "kith.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KITH_", "DISCORD_", "SLACK_"))}
    env |= {
        "KITH_PLATFORM": "slack",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "KITH_DATABASE_URL": str(database),
        "KITH_LOG_LEVEL": "WARNING",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.e2e.slack_process",
        fake.api_url,
        env=env,
        cwd=discord_process.ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        await asyncio.wait_for(fake.wait_for(lambda: bool(fake.sockets)), LIMIT)
        setup = slash_command(fake, user=ADA, text="setup kindness channel:<#C0GENERAL|general>")
        await fake.send_envelope("slash_commands", setup)
        await fake.wait_for(lambda: any(r["_url"] == setup["response_url"] for r in fake.responses))
        commands: dict[str, str] = {}  # response_url → the act
        for n, member in enumerate(members):
            act = f"burst act {n}"
            fields = slash_command(fake, user=member, text=act, command="/kind")
            commands[fields["response_url"]] = act
            try:  # once stopping, Kith acknowledges nothing new: do not wait long for it
                await asyncio.wait_for(fake.send_envelope("slash_commands", fields), 1.0)
            except (AssertionError, TimeoutError, ConnectionError):
                break  # the connection is closed: Kith takes nothing more
            if n == 10:
                process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), LIMIT) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await fake.close()
    answered = {
        commands[r["_url"]]
        for r in fake.responses
        if r["_url"] in commands and "Logged" in block_text(r.get("blocks") or [])
    }
    assert set(acts(database)) == answered and len(acts(database)) == len(answered)
    assert 10 < len(answered) < len(members)
    assert integrity(database) == "ok"
