"""The first answer to an interaction, on the wire: Kith does not ask Discord for the created
message back (no ``?with_response``), Discord answers 204 No Content, and every later step —
an edit after a deferral, a follow-up, a modal — still works by the interaction token."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.discord_fake import EPHEMERAL, Call, Interaction
from tests.e2e.discord_helpers import World, discord_world

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # Monday 06:00 UTC
CALLBACK = r"/interactions/\d+/[^/]+/callback"
ORIGINAL = r"/webhooks/\d+/[^/]+/messages/@original"
NO_PINGS = {"parse": []}  # what discord.py sends for AllowedMentions.none()


@pytest.fixture
async def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[World]:
    async with discord_world(tmp_path, monkeypatch, START) as w:
        yield w


def callback_of(world: World, record: Interaction) -> Call:
    (call,) = [
        c for c in world.fake.calls_to("POST", CALLBACK) if c.path.split("/")[2] == record.id
    ]
    return call


async def checkin_post(world: World) -> dict[str, object]:
    reply = await world.slash(
        world.ada,
        "kith setup checkin",
        {"channel": world.general["id"], "time": "09:00", "days": "daily", "tz": "UTC"},
    )
    assert "set up" in reply.text, reply.text
    await world.advance(timedelta(hours=4))
    (post,) = world.fake.posts(world.general["id"])
    return post


async def test_answers_ask_for_nothing_back_and_keep_flags_and_mentions(world: World) -> None:
    post = await checkin_post(world)
    kindness = world.fake.channel(world.gid, "kindness")
    setup = await world.slash(world.ada, "kith setup kindness", {"channel": kindness["id"]})
    assert "set up" in setup.text, setup.text
    private = await world.slash(world.bo, "kith help")
    click = await world.click(world.bo, post, "4")
    act = await world.slash(world.bo, "kind", {"what_i_did": "thanked @everyone"}, channel=kindness)
    for record in (private, click, act):
        call = callback_of(world, record)
        assert "with_response" not in call.query, call.query
        assert call.status == 204  # Discord's answer to a callback nobody asked back for
        assert record.type == 4 and record.answered
        data = record.callbacks[0]["data"]
        assert data["allowed_mentions"] == NO_PINGS
        assert record.original is not None and record.original["allowed_mentions"] == NO_PINGS
    assert private.ephemeral and private.callbacks[0]["data"]["flags"] == EPHEMERAL
    assert click.ephemeral and "4" in click.text
    assert "@\u200beveryone" in act.text  # escaped, and no ping allowed either


async def test_a_deferred_answer_is_finished_by_token(world: World) -> None:
    post = await checkin_post(world)
    await world.restart(ack_budget=0.0)  # always defer, then edit the "thinking…" message
    edits_before = len(world.fake.calls_to("PATCH", ORIGINAL))
    reply = await world.slash(world.bo, "kith help")
    click = await world.click(world.bo, post, "2")
    for record in (reply, click):
        call = callback_of(world, record)
        assert "with_response" not in call.query and call.status == 204
        assert record.type == 5 and record.callbacks[0]["data"] == {"flags": EPHEMERAL}
        assert record.original is not None and not record.original.get("_loading")
        assert record.ephemeral and record.text.strip()
    assert "2" in click.text
    assert len(world.fake.calls_to("PATCH", ORIGINAL)) == edits_before + 2
    assert not [c for c in world.fake.calls if c.status >= 400]


async def test_a_modal_still_gets_discord_pys_callback_object(world: World) -> None:
    post = await checkin_post(world)
    opened = await world.click(world.bo, post, "Reflect")
    assert opened.modal is not None
    call = callback_of(world, opened)
    # discord.py's send_modal asks for the callback object and keeps the modal by its id.
    assert call.query == {"with_response": "1"} and call.status == 200
