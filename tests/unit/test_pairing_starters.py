"""Conversation starters for buddy intros: dealt without repeats, in each community's own order."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.buddies.rounds import starter_for
from bot.identity import ChannelRef, CommunityRef
from bot.programmes import Programme
from bot.prompts import load_catalogue


def programme(community: str, ident: int = 1) -> Programme:
    ref = CommunityRef("test", community)
    start = datetime(2026, 3, 2, tzinfo=UTC)
    return Programme(
        ident, ref.key, "buddies", ChannelRef(ref, "b"), "UTC", {}, False, start, start
    )


def test_the_deck_has_at_least_forty_starters_and_none_repeats_until_it_is_used_up() -> None:
    catalogue = load_catalogue()
    deck = len(catalogue.starters)
    assert deck >= 40
    dealt = [starter_for(catalogue, programme("c1"), n).key for n in range(1, 2 * deck + 1)]
    assert len(set(dealt[:deck])) == deck
    assert dealt[deck:] == dealt[:deck]  # then the same order again


def test_communities_get_their_own_order() -> None:
    catalogue = load_catalogue()
    first = [starter_for(catalogue, programme("c1"), n).key for n in range(1, 6)]
    other = [starter_for(catalogue, programme("c2"), n).key for n in range(1, 6)]
    assert first != other
    assert first == [starter_for(catalogue, programme("c1"), n).key for n in range(1, 6)]
