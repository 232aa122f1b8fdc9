"""The adapter's first answer to an interaction sends what discord.py's own ``send_message`` and
``defer`` send, through the same webhook adapter, minus ``?with_response=1``; and it leaves the
interaction marked as responded exactly as discord.py does."""

from __future__ import annotations

import io
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import discord
import pytest
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

from adapters.discord import respond
from adapters.discord.views import KithButton

KINDS = discord.InteractionType


class Recorder(AsyncWebhookAdapter):
    """discord.py's webhook adapter with the network replaced by a list of requests."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[dict[str, Any]] = []

    async def request(self, route: Any, session: Any, **kwargs: Any) -> Any:
        files = kwargs.get("files") or []
        self.requests.append(
            {
                "method": route.method,
                "url": route.url,
                "session": session,
                "payload": kwargs.get("payload"),
                "multipart": [
                    {k: v for k, v in part.items() if k != "value"} | {"value": str(part["value"])}
                    for part in kwargs.get("multipart") or []
                    if part["name"] == "payload_json"
                ],
                "files": [f.filename for f in files],
                "params": kwargs.get("params"),
            }
        )
        # What Discord returns with ?with_response=1 when no message is asked back for.
        return {"interaction": {"id": "1", "type": 2}}


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    adapter = Recorder()
    token = async_context.set(adapter)
    try:
        yield adapter
    finally:
        async_context.reset(token)


def interaction(kind: discord.InteractionType) -> Any:
    """The parts of a ``discord.Interaction`` that answering it reads."""
    stored: list[Any] = []
    state = SimpleNamespace(
        http=SimpleNamespace(proxy=None, proxy_auth=None),
        allowed_mentions=discord.AllowedMentions.none(),  # KithClient's default
        store_view=lambda view, message_id=None: stored.append(view),
        stored=stored,
    )
    parent = SimpleNamespace(
        id=123456789012345678, token="tok-en", type=kind, _state=state, _session=object()
    )
    parent.response = discord.InteractionResponse(parent)  # type: ignore[arg-type]
    return parent


def no_query(request: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in request.items() if k not in ("params", "session")}


def view() -> discord.ui.View:
    built = discord.ui.View(timeout=None)
    built.add_item(KithButton("v1:mood:7:5", "Great"))
    return built


MESSAGES: list[dict[str, Any]] = [
    {"ephemeral": True},
    {"ephemeral": False},
    {"ephemeral": True, "allowed_mentions": discord.AllowedMentions(everyone=False, roles=False)},
    {
        "ephemeral": False,
        "allowed_mentions": discord.AllowedMentions(
            everyone=False, roles=False, users=[discord.Object(id=222222222222222222)]
        ),
    },
    {"ephemeral": False, "view": "view"},
    {"ephemeral": True, "file": "file"},
]


@pytest.mark.parametrize("kind", [KINDS.application_command, KINDS.component, KINDS.modal_submit])
@pytest.mark.parametrize("kwargs", MESSAGES)
async def test_send_message_sends_what_discord_py_sends_without_asking_for_the_message(
    recorder: Recorder, kind: discord.InteractionType, kwargs: dict[str, Any]
) -> None:
    def fresh(extra: dict[str, Any]) -> dict[str, Any]:
        made = dict(extra)
        if made.get("view") == "view":
            made["view"] = view()
        if made.get("file") == "file":
            made["file"] = discord.File(io.BytesIO(b"{}"), filename="export.json")
        return made

    theirs, ours = interaction(kind), interaction(kind)
    await theirs.response.send_message("Noted *today* @everyone", **fresh(kwargs))
    await respond.send_message(ours, "Noted *today* @everyone", **fresh(kwargs))
    expected, sent = recorder.requests
    assert expected["params"] == {"with_response": "1"}
    assert sent["params"] is None  # Discord then answers 204 No Content
    assert sent["session"] is ours._session
    assert no_query(sent) == no_query(expected)
    assert ours.response.is_done() and theirs.response.is_done()
    assert ours.response.type is theirs.response.type is discord.InteractionResponseType(4)
    assert not ours._state.stored  # a view of dynamic items needs no view store entry


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("ephemeral", [False, True])
@pytest.mark.parametrize("thinking", [False, True])
async def test_defer_sends_what_discord_py_sends_without_asking_for_the_callback(
    recorder: Recorder, kind: discord.InteractionType, ephemeral: bool, thinking: bool
) -> None:
    theirs, ours = interaction(kind), interaction(kind)
    await theirs.response.defer(ephemeral=ephemeral, thinking=thinking)
    await respond.defer(ours, ephemeral=ephemeral, thinking=thinking)
    assert len(recorder.requests) in (0, 2)  # discord.py sends nothing for a ping or autocomplete
    if recorder.requests:
        expected, sent = recorder.requests
        assert expected["params"] == {"with_response": "1"} and sent["params"] is None
        assert no_query(sent) == no_query(expected)
    assert ours.response.type is theirs.response.type
    assert ours.response.is_done() is theirs.response.is_done()


async def test_an_answered_interaction_is_not_answered_twice(recorder: Recorder) -> None:
    ours = interaction(KINDS.application_command)
    await respond.defer(ours, ephemeral=True, thinking=True)
    with pytest.raises(discord.InteractionResponded):
        await respond.send_message(ours, "late", ephemeral=True)
    with pytest.raises(discord.InteractionResponded):
        await respond.defer(ours)
    with pytest.raises(discord.InteractionResponded):
        await ours.response.send_message("late")  # discord.py sees it as answered too
    assert len(recorder.requests) == 1


async def test_a_view_discord_py_must_track_is_left_to_discord_py(recorder: Recorder) -> None:
    tracked = discord.ui.View(timeout=None)
    tracked.add_item(discord.ui.Button(label="Plain", custom_id="plain"))
    ours = interaction(KINDS.application_command)
    await respond.send_message(ours, "with a plain button", view=tracked)
    (sent,) = recorder.requests
    assert sent["params"] == {"with_response": "1"}
    assert ours._state.stored == [tracked]
    assert not respond.fully_dynamic(tracked) and respond.fully_dynamic(view())
