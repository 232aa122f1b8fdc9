"""Words typed together without a space, read apart: "iwanttodie", "ikms", "i wantto die".

A word the rules do not know is split into words they do know, the fewest pieces first. The
text is normalised (repeated letters cut to one), so a letter doubled where two words meet is one
letter shared by both: "wantto" reads "wanto", which is "want" and "to".

Splitting a real word can make a signal of everyday text ("indie" is "in die", "suit" is
"sui t"), so a split is kept only where it cannot be read that way:

- the pieces alone hold a whole signal ("ikms", "killmyself", "quieromorir"), which a real word
  almost never does; or
- one of the two pieces is a word the language lists as glue (``[typos] glue``: English "to"),
  which joins the words around it to the next one when the space is missed ("wantto", "todie").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

_MIN_JOINED = 4  # "ikms": shorter runs are words or typos
_MAX_JOINED = 40  # a longer run is not a sentence typed without spaces (a link, a hash)
_MAX_PIECE = 16
_KEPT = 50_000  # distinct words whose split is remembered (a bound, as for typos)
_ONE_LETTER_WORDS = frozenset("aeiouy")  # a lone letter is a word only as a vowel ("i", "a", "y")

Pieces = tuple[str, ...]


@dataclass(frozen=True)
class Joined:
    vocabulary: frozenset[str]  # every word the rules use, normalised
    glue: frozenset[str] = frozenset()
    # Each word's reading, once: the same everyday words recur in nearly every message, so most
    # messages hold no word not seen before and cost two set look-ups a word.
    _splits: dict[str, Pieces] = field(default_factory=dict, compare=False, repr=False)
    _whole: set[str] = field(default_factory=set, compare=False, repr=False)

    def split(
        self, words: str, holds_signal: Callable[[str], bool]
    ) -> tuple[str, list[tuple[int, int]]] | None:
        """``words`` with each run of known words read apart, and where the pieces stand in it
        (searched with a leading space), or None if there is none.
        ``holds_signal`` says whether the rules find a signal in a run's pieces alone; it is
        asked once per distinct word."""
        tokens = words.split(" ")
        known, whole = self.vocabulary, self._whole
        unknown = [t for t in tokens if t not in known and t not in whole]
        if not unknown:
            return None
        apart: dict[str, str] = {}
        for word in unknown:
            pieces = self._splits.get(word)
            if pieces is None:
                pieces = self._kept(word, holds_signal)
                if not pieces:
                    if len(self._whole) >= _KEPT:
                        self._whole.clear()  # a bound, not an eviction policy: rare and cheap
                    self._whole.add(word)
                    continue
                if len(self._splits) >= _KEPT:
                    self._splits.clear()
                self._splits[word] = pieces
            apart[word] = " ".join(pieces)
        if not apart:
            return None
        out, spans, at = [], [], 1  # the rules search the text with a leading space
        for token in tokens:
            read = apart.get(token, token)
            if token in apart:
                spans.append((at, at + len(read)))
            out.append(read)
            at += len(read) + 1
        return " ".join(out), spans

    def _kept(self, word: str, holds_signal: Callable[[str], bool]) -> Pieces:
        if not _MIN_JOINED <= len(word) <= _MAX_JOINED or word in self.vocabulary:
            return ()
        pieces = self._split(word) if word.isalpha() else ()
        if not pieces:
            return ()
        if len(pieces) == 2 and (pieces[0] in self.glue or self._glue_after(pieces[1])):
            return pieces
        return pieces if holds_signal(" ".join(pieces)) else ()

    def _glue_after(self, piece: str) -> bool:
        # A lone letter at a word's end is more often an ending ("suicidei") than a word.
        return len(piece) > 1 and piece in self.glue

    def _split(self, word: str) -> Pieces:
        """The fewest known words that make ``word``, a letter shared between two of them only
        where nothing else fits; () if none, or if ``word`` is one word."""
        n = len(word)
        # best[i]: (pieces, shared letters, -sum of squared lengths: longer words first, words)
        best: list[tuple[int, int, int, Pieces] | None] = [None] * (n + 1)
        best[0] = (0, 0, 0, ())
        for i in range(n):
            here = best[i]
            if here is None:
                continue
            for start, shared in ((i, 0), (i - 1, 1)):
                if shared and not here[3]:
                    continue
                for stop in range(i + 1, min(n, start + _MAX_PIECE) + 1):
                    piece = word[start:stop]
                    if piece not in self.vocabulary:
                        continue
                    if len(piece) == 1 and piece not in _ONE_LETTER_WORDS:
                        continue
                    option = (
                        here[0] + 1,
                        here[1] + shared,
                        here[2] - len(piece) ** 2,
                        (*here[3], piece),
                    )
                    now = best[stop]
                    if now is None or option[:3] < now[:3]:
                        best[stop] = option
        found = best[n]
        return found[3] if found is not None and found[0] >= 2 else ()
