"""Lint of the shipped prompt catalogue: enough prompts, well formed, warm and safe to post."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from bot.prompts import Catalogue, load_catalogue

CLINICAL = re.compile(
    r"\b(disorder|symptom|diagnos\w*|patient|therapy|patholog\w*|you should)\b", re.IGNORECASE
)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def test_checkin_deck_has_at_least_60_prompts_across_6_themes(catalogue: Catalogue) -> None:
    themes = Counter(p.theme for p in catalogue.checkins)
    assert len(catalogue.checkins) >= 60
    assert len(themes) >= 6 and min(themes.values()) >= 5
    assert set(themes) <= set(catalogue.themes)


def test_other_decks(catalogue: Catalogue) -> None:
    assert len(catalogue.starters) >= 40
    assert len(catalogue.challenge) == 31


def test_every_prompt_is_short_plain_unique_and_never_clinical(catalogue: Catalogue) -> None:
    everything = [*catalogue.checkins, *catalogue.starters, *catalogue.challenge]
    assert len({p.key for p in everything}) == len(everything)
    assert len({p.text.casefold() for p in everything}) == len(everything)
    for prompt in everything:
        assert 10 <= len(prompt.text) <= 220, prompt.key
        assert "@" not in prompt.text and "http" not in prompt.text, prompt.key
        assert not re.search(r"[*_`~<>#]", prompt.text), prompt.key  # no markup to escape
        assert not CLINICAL.search(prompt.text), prompt.key


ASSUMES = re.compile(
    r"\b(friends?|family|mum|mom|dad|parents?|partner|money|buy|spend|pay|calls?|phone|voice)\b",
    re.IGNORECASE,
)


def test_no_check_in_prompt_assumes_a_close_friend_family_money_or_a_voice_call(
    catalogue: Catalogue,
) -> None:
    assumed = [p.key for p in catalogue.checkins if ASSUMES.search(p.text)]
    assert assumed == []


def test_the_deck_covers_volunteering_depth_over_number_and_professional_help(
    catalogue: Catalogue,
) -> None:
    texts = " ".join(p.text for p in catalogue.checkins).lower()
    assert "volunteer" in texts
    assert "how many people you know" in texts
    assert "counsellor" in texts and "never a last resort" in texts


def test_buddy_prompts_are_marked_as_needing_buddy_pairing(catalogue: Catalogue) -> None:
    buddy = [p for p in catalogue.checkins if "buddy" in p.text.lower()]
    assert buddy and all(p.needs == "buddies" for p in buddy)
