"""Which rules (or exclusions) a text can match, and where a match can begin, found from the words
each one needs, without running the expressions that cannot match.

A compiled pattern names, for each word or group it must hold, the words that group can begin with
(``required``), and the words a match of it can begin with (``first_words``; None when it may begin
with anything, after an optional word or a gap). A text lacking one word of every required group
cannot match, and a match can only begin where one of the first words stands in the text, since
every token of a pattern consumes its own leading space.

The index is built once per language, when its rules load: every distinct required group is
numbered, each word knows the groups it belongs to as bits, and each rule knows the bits it needs.
For a text, the bits its words light up are gathered once, and a rule is tried only when it was
filed under one of the text's words and all its bits are lit; its expression is then tried only at
the places where one of its first words stands, instead of at every space of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Generic, Protocol, TypeVar


class Pattern(Protocol):
    """What the index reads of a rule or an exclusion."""

    @property
    def regex(self) -> re.Pattern[str]: ...

    @property
    def required(self) -> tuple[frozenset[str], ...]: ...

    @property
    def first_words(self) -> frozenset[str] | None: ...


P = TypeVar("P", bound=Pattern)


class NeededWords:
    """Every group of words some pattern needs, numbered: a word lights the bits of its groups."""

    def __init__(self, groups: Iterable[frozenset[str]]) -> None:
        self._numbers: dict[frozenset[str], int] = {}
        for group in groups:
            self._numbers.setdefault(group, len(self._numbers))
        self._bits: dict[str, int] = {}
        for group, number in self._numbers.items():
            for word in group:
                self._bits[word] = self._bits.get(word, 0) | 1 << number
        self._words = frozenset(self._bits)

    def mask(self, required: Iterable[frozenset[str]]) -> int:
        mask = 0
        for group in required:
            mask |= 1 << self._numbers[group]
        return mask

    def lit(self, words: set[str]) -> int:
        """The groups ``words`` hold a word of, as bits."""
        lit = 0
        bits = self._bits
        for word in words & self._words:  # most of a text's words are in no group
            lit |= bits[word]
        return lit


class Reading:
    """One text as the index reads it: searched as " " + words (see ``rules._regex``)."""

    __slots__ = ("_starts", "anchored", "lit", "text", "words")

    def __init__(self, words: str, needs: NeededWords, *, anchored: bool = True) -> None:
        self.anchored = anchored  # False: every expression searches the whole text (tests)
        self.text = " " + words
        self.words = set(words.split(" "))
        self.lit = needs.lit(self.words)
        self._starts: dict[str, tuple[int, bool]] = {}

    def start(self, word: str) -> tuple[int, bool]:
        """Where ``word`` first stands in the text (the offset of the space before it), and
        whether it stands there only."""
        found = self._starts.get(word)
        if found is None:
            padded, needle = self.text + " ", f" {word} "
            at = padded.find(needle)
            found = self._starts[word] = (at, padded.find(needle, at + 1) < 0)
        return found

    def finditer(self, pattern: Pattern) -> Iterable[re.Match[str]]:
        """What ``pattern.regex.finditer(text)`` finds, sought from where a match can begin."""
        first = pattern.first_words
        if first is None or not self.anchored:
            return pattern.regex.finditer(self.text)
        present = first & self.words
        if len(present) == 1:
            at, only = self.start(next(iter(present)))
            if only:  # one place to try: no search
                found = pattern.regex.match(self.text, at)
                return () if found is None else (found,)
        elif present:
            at = min(self.start(word)[0] for word in present)
        else:
            return ()
        # No match begins before the first of its first words: the search starts there.
        return pattern.regex.finditer(self.text, at)

    def search(self, pattern: Pattern) -> bool:
        return next(iter(self.finditer(pattern)), None) is not None


class WordIndex(Generic[P]):
    """Patterns filed under the words they can begin with (those that can begin with any word
    apart), each with the bits of the groups it needs."""

    def __init__(self, patterns: Sequence[P], needs: NeededWords, *, plain: bool = False) -> None:
        # plain: every pattern is a candidate for every text (what the tests compare the index
        # with).
        self._anywhere: tuple[tuple[P, int], ...] = tuple(
            (p, 0 if plain else needs.mask(p.required))
            for p in patterns
            if plain or p.first_words is None
        )
        by_first: dict[str, list[tuple[P, int]]] = {}
        for pattern in patterns:
            if pattern.first_words is not None and not plain:
                mask = needs.mask(pattern.required)
                for word in pattern.first_words:
                    by_first.setdefault(word, []).append((pattern, mask))
        self._by_first = {w: tuple(ps) for w, ps in by_first.items()}
        self._firsts = frozenset(by_first)
        self._number = {id(p): n for n, p in enumerate(patterns)}

    def candidates(self, reading: Reading) -> Iterable[P]:
        """The patterns whose needed words the text holds, in no particular order (see
        ``order``)."""
        lit = reading.lit
        found = {id(p): p for p, mask in self._anywhere if mask & lit == mask}
        by_first = self._by_first
        found.update(
            (id(p), p)
            for word in reading.words & self._firsts
            for p, mask in by_first[word]
            if mask & lit == mask
        )
        return found.values()

    def order(self, pattern: P, reading: Reading) -> tuple[int, int]:
        """Which of two patterns' matches comes first in a report: those that can begin
        anywhere, then by where the first of their first words stands in the text, then as
        listed. So which of two equal signals is reported follows the text, not the order a set
        of words happens to iterate in."""
        first = pattern.first_words
        number = self._number[id(pattern)]
        if first is None or not reading.anchored:
            return (-1, number)
        return (min(reading.start(w)[0] for w in first & reading.words), number)
