"""The screen's statistical layer: a linear model over word and character n-grams, in plain Python.

It is consulted only when the rules found nothing, and only flags (as MEDIUM) when its score clears
a threshold chosen so that, together with the rules, everyday messages are rarely flagged. It
catches what people write in ways no rule spelled out ("would anyone even notice"), which the
held-out measurements in bench/README.md show the rules alone miss. Trained by
tests/data/screen/train_model.py (scikit-learn, never needed at run time) and shipped as
``prompts/safety/<language>.model.tsv``: one "feature<TAB>weight" a line.

Features, as scikit-learn's CountVectorizer makes them (binary): ``w:`` word 1- and 2-grams, and
``c:`` character 3- to 5-grams of each word padded with a space on each side.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass

# The corpus kinds (tests/data/screen/): where the writer may be at risk, and worry about others.
CRISIS_KINDS = frozenset(
    {
        "passive",
        "plan",
        "farewell",
        "selfharm",
        "burden",
        "slang",
        "obfuscated",
        "idiom_signal",
        "intensified",
        "direct",
    }
)
CONCERN_KIND = "concern"


def features(text: str) -> set[str]:
    """Word 1-2-grams and in-word character 3-5-grams of normalised words."""
    words = text.split()
    found = {f"w:{w}" for w in words}
    found.update(f"w:{a} {b}" for a, b in itertools.pairwise(words))
    for word in words:
        found.update(_character_grams(word))
    return found


@functools.lru_cache(maxsize=50_000)
def _character_grams(word: str) -> tuple[str, ...]:
    """One word's character grams, once: everyday words come back in nearly every message."""
    padded = f" {word} "
    size = len(padded)
    grams: list[str] = []
    for n in range(3, 6):
        if size <= n:
            grams.append(f"c:{padded}")  # a short word counts once, whole
            break
        grams.extend(f"c:{padded[i : i + n]}" for i in range(size - n + 1))
    return tuple(grams)


@dataclass(frozen=True)
class LinearModel:
    weights: dict[str, float]
    bias: float
    threshold: float  # on the score (log-odds)

    def score(self, text: str) -> float:
        return self.score_features(features(text))

    def score_features(self, found: set[str]) -> float:
        """The score of a text whose ``features`` are ``found`` (made once for every layer)."""
        # Most of a text's features carry no weight: the set intersection finds the few that do.
        return self.bias + sum(map(self.weights.__getitem__, found & self._names))

    @functools.cached_property
    def _names(self) -> frozenset[str]:
        return frozenset(self.weights)

    def probability(self, text: str) -> float:
        return 1.0 / (1.0 + math.exp(-self.score(text)))

    def flags(self, text: str) -> bool:
        return self.score(text) >= self.threshold

    @classmethod
    def parse(cls, data: str, name: str) -> LinearModel:
        weights: dict[str, float] = {}
        settings: dict[str, float] = {}
        for number, line in enumerate(data.splitlines(), start=1):
            if not line or line.startswith("#"):
                continue
            key, _, value = line.partition("\t")
            try:
                number_value = float(value)
            except ValueError as exc:
                raise ValueError(
                    f"{name} line {number}: {line[:60]!r} is not name<TAB>number"
                ) from exc
            if key in {"threshold", "bias"}:
                settings[key] = number_value
            else:
                weights[key] = number_value
        if set(settings) != {"threshold", "bias"}:
            raise ValueError(f"{name}: needs a threshold and a bias line")
        return cls(weights, settings["bias"], settings["threshold"])
