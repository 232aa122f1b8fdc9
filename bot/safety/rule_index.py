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
from collections.abc import Iterable, Iterator, Sequence
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

    __slots__ = ("_starts", "anchored", "lit", "text", "tokens", "words")

    def __init__(self, words: str, needs: NeededWords, *, anchored: bool = True) -> None:
        self.anchored = anchored  # False: every expression searches the whole text (tests)
        self.text = " " + words
        self.tokens = words.split(" ")
        self.words = set(self.tokens)
        self.lit = needs.lit(self.words)
        self._starts: dict[str, list[int]] = {}

    def starts(self, word: str) -> list[int]:
        """Where ``word`` stands in the text: the offset of the space before each occurrence."""
        found = self._starts.get(word)
        if found is None:
            found = self._starts[word] = []
            padded, needle = self.text + " ", f" {word} "
            at = padded.find(needle)
            while at >= 0:
                found.append(at)
                at = padded.find(needle, at + 1)
        return found

    def finditer(self, pattern: Pattern) -> Iterator[re.Match[str]]:
        """What ``pattern.regex.finditer(text)`` finds, trying only where a match can begin."""
        first = pattern.first_words
        if first is None or not self.anchored:
            yield from pattern.regex.finditer(self.text)
            return
        present = first & self.words
        if len(present) == 1:
            starts: Iterable[int] = self.starts(next(iter(present)))
        else:
            starts = sorted(at for word in present for at in self.starts(word))
        end = 0
        match = pattern.regex.match
        for at in starts:
            # Matches do not overlap, as with finditer: the next is sought from the last one's end.
            if at >= end and (found := match(self.text, at)) is not None:
                yield found
                end = found.end()

    def search(self, pattern: Pattern) -> bool:
        return next(self.finditer(pattern), None) is not None


class WordIndex(Generic[P]):
    """Patterns filed under the words they can begin with (those that can begin with any word
    apart), each with the bits of the groups it needs."""

    def __init__(self, patterns: Sequence[P], needs: NeededWords, *, plain: bool = False) -> None:
        # plain: every pattern is a candidate for every text, in order (what the tests compare
        # the index with).
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

    def candidates(self, reading: Reading) -> list[P]:
        """The patterns whose needed words the text holds: those that can begin anywhere first,
        then those filed under the text's words, in the order the words come (so which of two
        equal signals is reported does not depend on how a set happens to be ordered)."""
        lit = reading.lit
        out = [p for p, mask in self._anywhere if mask & lit == mask]
        firsts = reading.words & self._firsts
        if not firsts:
            return out
        ordered = sorted(firsts, key=reading.tokens.index) if len(firsts) > 1 else firsts
        seen: set[int] = set()
        for word in ordered:
            for pattern, mask in self._by_first[word]:
                if mask & lit == mask and id(pattern) not in seen:
                    seen.add(id(pattern))
                    out.append(pattern)
        return out
