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
