"""Screening text for signs of crisis or self-harm: a pure function over a phrase list.

Text and phrases are normalised the same way (case, accents, look-alike characters such as
``k1ll``, letters spaced out like ``k i l l``, stretched letters like ``kiiill``, punctuation), then
phrases are matched as whole words. Idioms and titles that contain a phrase but mean something
else ("dying of laughter", "killing it", "Suicide Squad") are blanked out before matching.

Screening is a safety net, not a diagnosis: it errs towards a gentle, private check-in, and the
member can say it was a false alarm.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from functools import cache, cached_property

from bot.prompts import prompts_dir

_LOOKALIKES = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "|": "i",
        "€": "e",
    }
)
_APOSTROPHES = re.compile(r"['’`´]")
_NON_LETTERS = re.compile(r"[^a-z]+")
_REPEATS = re.compile(r"([a-z])\1+")
_SPACED = re.compile(r"\b(?:[a-z] ){2,}[a-z]\b")
_REFLEXIVE = re.compile(r"\b(my|your|him|her|them|our) (self|selves)\b")


class Severity(IntEnum):
    MEDIUM = 1
    HIGH = 2


@dataclass(frozen=True, slots=True)
class Signal:
    severity: Severity
    phrase: str


def _words(text: str) -> str:
    if text.isascii():  # most text: nothing to decompose, and casefold() is lower() (faster)
        plain = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = _APOSTROPHES.sub("", plain.translate(_LOOKALIKES))
    words = _NON_LETTERS.sub(" ", plain).strip()
    return _REFLEXIVE.sub(r"\1\2", words)  # "my self" → "myself"


def _squeeze(words: str) -> str:
    return _squeeze_and_runs(words)[0]


def _runs(words: str) -> list[str]:
    return _squeeze_and_runs(words)[1]


def _squeeze_and_runs(words: str) -> tuple[str, list[str]]:
    """``words`` with spaced-out letters joined ("k i l l" → "kill") and stretched letters cut
    ("kiiill" → "kil": phrases get the same treatment), and the joined runs on their own.

    One pass finds the spaced runs for both; most text has none and skips the joining."""
    found = list(_SPACED.finditer(words))
    if not found:
        return _REPEATS.sub(r"\1", words), []
    parts: list[str] = []
    runs: list[str] = []
    end = 0
    for match in found:
        run = match.group(0).replace(" ", "")
        parts += (words[end : match.start()], run)
        runs.append(_REPEATS.sub(r"\1", run))
        end = match.end()
    parts.append(words[end:])
    return _REPEATS.sub(r"\1", "".join(parts)), runs


def normalise(text: str) -> str:
    return _squeeze(_words(text))


def spaced_runs(text: str) -> list[str]:
    """Letters typed one by one ("k i l l m y s e l f"), joined: their word breaks are lost."""
    return _runs(_words(text))


def _pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    normalised = sorted({normalise(p) for p in phrases if normalise(p)}, key=len, reverse=True)
    if not normalised:
        return None
    return re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, normalised)) + r")(?![a-z])")


def _squashed(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """Phrases without spaces, found anywhere inside a spaced-out run of letters."""
    squashed = sorted(
        {normalise(p).replace(" ", "") for p in phrases} - {""}, key=len, reverse=True
    )
    return re.compile("|".join(map(re.escape, squashed))) if squashed else None


@dataclass(frozen=True)
class PhraseList:
    high: tuple[str, ...]
    medium: tuple[str, ...]
    exclusions: tuple[str, ...]

    def with_extra(self, high: Iterable[str] = (), medium: Iterable[str] = ()) -> PhraseList:
        return PhraseList(self.high + tuple(high), self.medium + tuple(medium), self.exclusions)

    def screen(self, text: str) -> Signal | None:
        return self._compiled.screen(text)

    @cached_property
    def _compiled(self) -> _Compiled:
        # Compiled once per list: hashing the list to find it in a cache would cost about as much
        # as a screening, since a tuple does not remember its hash.
        return _Compiled(
            _pattern(self.high),
            _pattern(self.medium),
            _pattern(self.exclusions),
            _squashed(self.high),
            _squashed(self.medium),
        )


@dataclass(frozen=True)
class _Compiled:
    high: re.Pattern[str] | None
    medium: re.Pattern[str] | None
    exclusions: re.Pattern[str] | None
    high_squashed: re.Pattern[str] | None
    medium_squashed: re.Pattern[str] | None

    def screen(self, text: str) -> Signal | None:
        normalised, spaced = _squeeze_and_runs(_words(text))
        if self.exclusions is not None:
            normalised = self.exclusions.sub(" | ", normalised)
        runs = " | ".join(spaced)
        checks = (
            (Severity.HIGH, self.high, self.high_squashed),
            (Severity.MEDIUM, self.medium, self.medium_squashed),
        )
        for severity, words, squashed in checks:
            match = (words.search(normalised) if words else None) or (
                squashed.search(runs) if squashed and runs else None
            )
            if match:
                return Signal(severity, match.group(0))
        return None


@cache
def builtin_phrases() -> PhraseList:
    data = tomllib.loads((prompts_dir() / "safety.toml").read_text(encoding="utf-8"))
    return PhraseList(
        tuple(data["phrases"]["high"]),
        tuple(data["phrases"]["medium"]),
        tuple(data["exclusions"]["idioms"]),
    )
