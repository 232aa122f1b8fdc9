"""Member text that Kith accepts and shows again later, fuzzed: it never pings.

Some input is fine to accept and is echoed much later, to other people: a kind act, a thank-you
note, a custom prompt, a shared reflection, a quoted safety alert, and every display name in buddy
intros and leaderboards. Each example stores hostile text and names through the core (every
answer checked by ``exchange``), then lets the scheduler run the next morning's posts, and checks
everything sent on every platform's rendering, and that no scheduled delivery failed on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.events import DirectTextEvent
from bot.messages import Mention
from tests.fakes import COMMUNITY
from tests.fuzzing import (
    ADMIN,
    DISPLAY_NAME,
    LONG,
    WORD,
    World,
    actor,
    assert_cannot_ping,
    click,
    command,
    exchange,
    fuzz_settings,
    open_world,
    shared_world,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield shared_world(tmp_path_factory)


TEXT = st.one_of(WORD, LONG, st.lists(WORD, min_size=1, max_size=5).map(" ".join))


@fuzz_settings(10)
@given(text=TEXT, name=DISPLAY_NAME)
async def test_stored_member_text_and_names_never_ping_when_shown_later(
    world: World, tmp_path: Path, text: str, name: str
) -> None:
    h = await open_world(world, tmp_path)
    try:
        admin, zed = actor(COMMUNITY, ADMIN, name), actor(COMMUNITY, "zed", name)
        bo, dee = actor(COMMUNITY, "bo", name), actor(COMMUNITY, "dee", name)
        await exchange(h, command(admin, "/kith setup safety quote:on"))
        await exchange(h, command(admin, f"/kith prompts add {text}"))
        await exchange(h, command(zed, "/buddy join"))
        await exchange(h, command(zed, "/leaderboard join"))
        await exchange(h, command(zed, f"/kind {text}"))
        await exchange(h, command(bo, f"/thanks @cy {text}"))
        await exchange(h, DirectTextEvent(bo, f"i want to kill myself {text}"))
        # Kith is waiting for dee's reflection: it is saved, then shared with dee's name.
        saved = await exchange(h, DirectTextEvent(dee, text))
        named = [c.id for c in saved.reply.message.choices if c.value == "named"]  # type: ignore[union-attr]
        if named:
            await exchange(h, click(dee, named[0]))
        before = len(h.chat.sent)
        # Sunday evening → Monday after 09:00 London: a check-in, a buddy round, a challenge day.
        await h.advance(timedelta(hours=16))
        for sent in h.chat.sent:
            assert_cannot_ping(sent.message)
        # The hostile name (as the core keeps it: without invisible or direction characters)
        # really was shown to others: zed is in someone's buddy intro.
        named_zed = [
            inline
            for sent in h.chat.sent[before:]
            for para in sent.message.paragraphs
            for inline in para
            if isinstance(inline, Mention) and inline.user == zed.user
        ]
        shown = zed.display_name[:80] or "zed"
        assert named_zed and all(m.name == shown for m in named_zed)
        # And the alert quoted the member's words to the moderators.
        assert any("They wrote" in s.text for s in h.chat.to("#mods"))
        troubled = await h.db.fetchall(
            "SELECT kind, state, detail FROM occurrences WHERE state = 'failed' OR attempts > 1"
        )
        assert not troubled, troubled
    finally:
        await h.db.close()
