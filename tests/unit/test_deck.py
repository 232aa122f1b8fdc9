from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.checkins.deck import next_prompt
from bot.prompts import Prompt, load_catalogue


def deal(deck: list[Prompt], posts: int, seed: str = "s") -> list[Prompt]:
    used: set[str] = set()
    dealt: list[Prompt] = []
    for _ in range(posts):
        result = next_prompt(deck, used, [p.theme for p in reversed(dealt)], seed)
        if result.new_cycle:
            used = set()
        used.add(result.prompt.key)
        dealt.append(result.prompt)
    return dealt


def test_no_repeats_until_the_deck_is_exhausted_then_a_new_pass() -> None:
    deck = list(load_catalogue().checkins)
    dealt = deal(deck, len(deck) + 5)
    assert len({p.key for p in dealt[: len(deck)]}) == len(deck)
    assert {p.key for p in dealt[len(deck) :]} <= {p.key for p in deck}


def test_themes_are_mixed_across_the_week() -> None:
    deck = list(load_catalogue().checkins)
    dealt = deal(deck, len(deck))
    for start in range(len(deck) - 5):
        week = [p.theme for p in dealt[start : start + 5]]
        assert len(set(week)) == 5, (start, week)


def test_deterministic_per_seed_and_different_across_seeds() -> None:
    deck = list(load_catalogue().checkins)
    assert deal(deck, 10, "a") == deal(deck, 10, "a")
    assert deal(deck, 10, "a") != deal(deck, 10, "b")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from("abcde"), min_size=1, max_size=30), st.text(max_size=5))
def test_any_deck_is_dealt_completely_before_any_repeat(themes: list[str], seed: str) -> None:
    deck = [Prompt(f"k{i}", theme, f"prompt {i}") for i, theme in enumerate(themes)]
    dealt = deal(deck, len(deck), seed)
    assert Counter(p.key for p in dealt) == Counter(p.key for p in deck)
