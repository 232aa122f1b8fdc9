"""Members' display names as the core keeps them: shown to others, so they must not be able to
reorder or hide text around them."""

from __future__ import annotations

import pytest

from bot.events import Actor, CommandEvent
from bot.identity import CommunityRef, UserRef
from tests.fakes import COMMUNITY, Harness

USER = UserRef(CommunityRef("console", "local"), "eve")


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Eve", "Eve"),
        ("\u202eEve", "Eve"),  # right-to-left override: would reverse the rest of the line
        ("E\u200bve\u2066", "Eve"),  # zero-width space, an isolate
        ("Eve\nSmith\tJr ", "Eve Smith Jr"),  # one line
        ("Ève 🌻", "Ève 🌻"),
    ],
)
def test_display_names_lose_invisible_and_direction_characters(given: str, kept: str) -> None:
    assert Actor(USER, given).display_name == kept


async def test_a_stored_name_is_the_cleaned_one(harness: Harness) -> None:
    actor = Actor(UserRef(COMMUNITY, "eve"), "\u202eEve\u200b")
    await harness.kith.handle(CommandEvent(actor, "/kith timezone Europe/Paris"), harness.chat)
    names = await harness.db.fetchall("SELECT display_name FROM members")
    assert names == [{"display_name": "Eve"}]
