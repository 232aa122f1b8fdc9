"""Choosing the next check-in prompt: a pure function.

The deck (built-in prompts plus the community's own) is dealt without repeats until it runs out,
then a new pass begins. Within a pass, themes are mixed: a prompt whose theme appeared in the last
few posts is chosen only when nothing else is left, and among the rest the theme with the most
prompts remaining goes first, so the mix lasts to the end of the pass. Ties are broken by a stable
hash of a seed, so two communities don't see the same order and a retry picks the same prompt.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from bot.prompts import Prompt

RECENT_WINDOW = 4


@dataclass(frozen=True)
class Deal:
    prompt: Prompt
    new_cycle: bool


def _tiebreak(seed: str, key: str) -> str:
    return hashlib.sha256(f"{seed}|{key}".encode()).hexdigest()


def next_prompt(
    deck: Sequence[Prompt], used_this_cycle: set[str], recent_themes: Sequence[str], seed: str
) -> Deal:
    """``recent_themes`` lists the themes of the latest posts, most recent first."""
    if not deck:
        raise ValueError("the prompt deck is empty")
    remaining = [p for p in deck if p.key not in used_this_cycle]
    new_cycle = not remaining
    if new_cycle:
        remaining = list(deck)
    themes_left = Counter(p.theme for p in remaining)
    window = min(RECENT_WINDOW, max(len(themes_left) - 1, 0))
    recent = list(recent_themes[:window])

    def rank(prompt: Prompt) -> tuple[int, int]:
        # 0 if the theme is not recent; otherwise higher the more recently it was used.
        recency = window - recent.index(prompt.theme) if prompt.theme in recent else 0
        return (recency, -themes_left[prompt.theme])

    best = min(rank(p) for p in remaining)
    tied = [p for p in remaining if rank(p) == best]  # hash only the ties: it's the costly part
    return Deal(min(tied, key=lambda p: _tiebreak(seed, p.key)), new_cycle)


@lru_cache(maxsize=256)
def _member_order(seed: str, keys: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(sorted(range(len(keys)), key=lambda i: _tiebreak(seed, keys[i])))


def prompt_for_day(deck: Sequence[Prompt], seed: str, day: date) -> Prompt:
    """A member's own check-in prompt for a local date, without any stored history.

    The deck is put in a stable order of its own per ``seed`` (the member), which mixes the
    themes, and walked one step per calendar day: no prompt comes back until the deck has gone
    round, whatever days the member chose, and a retry or a reminder shows the same words.
    """
    if not deck:
        raise ValueError("the prompt deck is empty")
    order = _member_order(seed, tuple(p.key for p in deck))
    return deck[order[day.toordinal() % len(deck)]]
