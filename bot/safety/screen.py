"""Screening text for signs of crisis or self-harm: a pure function, in layers.

1. Normalisation (``bot/safety/normalise.py``) undoes what hides or stretches a word: case,
   accents, look-alike characters (``k1ll``, ``k!ll``, ``kiII``, ``$uicide``), letters typed one by
   one (``k i l l  m y s e l f``, ``k-i-l-l``), stretched letters (``diiieee``).
2. A structured matcher (``bot/safety/rules.py``) reads the rules kept as commented data in
   ``prompts/safety/<language>.toml``: a first person (said or implied) x an intent, wish or plan
   x an outcome (death, self-harm, not existing), a method with intent, a farewell with finality,
   passive wishes, burden joined to death, and slang. Idioms, titles and recovery stories cancel
   only the match they overlap ("that cake was to die for" cancels nothing in "I want to die for
   real"). Every language file in the folder is screened, whatever language the member uses
   (people switch mid-sentence), and an exclusion in any of them cancels the words it covers:
   adding a language is adding data.
3. A community's own phrases (``/kith safety phrases add``) are matched on top, as whole words.

Severities: HIGH (intent, a plan, a method, a farewell, self-harm now), MEDIUM (passive wishes,
hopelessness) and CONCERN (worry about someone else, "my friend says she wants to die": the
member gets advice on supporting them, and no moderator alert names the member as at risk).

Screening is a safety net, not a diagnosis: it errs towards a gentle, private check-in, and the
member can say it was a false alarm.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import IntEnum
from functools import cache, cached_property

from bot.prompts import prompts_dir
from bot.safety.model import LinearModel, features
from bot.safety.normalise import forms, normalise
from bot.safety.rules import Exclusion, RuleSet, load_rules, phrase_rules

__all__ = ["PhraseList", "Severity", "Signal", "builtin_phrases", "languages", "normalise"]


class Severity(IntEnum):
    # Ordered by how much it says about the member themself: a concern for someone else is below a
    # medium signal, so a later worry about themself still gets its own caring message.
    CONCERN = 0
    MEDIUM = 1
    HIGH = 2


@dataclass(frozen=True, slots=True)
class Signal:
    severity: Severity
    phrase: str  # the words that matched, normalised (never stored)
    kind: str = ""  # the rule family: intent, passive, farewell, selfharm, burden, slang, ...

    @property
    def about_someone_else(self) -> bool:
        return self.severity == Severity.CONCERN


_SEVERITIES = {"high": Severity.HIGH, "medium": Severity.MEDIUM, "concern": Severity.CONCERN}


@dataclass(frozen=True)
class PhraseList:
    """The maintained rules of every shipped language, plus a community's own phrases."""

    high: tuple[str, ...] = ()  # a community's own phrases, screened as high
    medium: tuple[str, ...] = ()  # ... and as medium (what /kith safety phrases add saves)
    builtin: tuple[RuleSet, ...] = ()
    models: tuple[tuple[RuleSet, LinearModel], ...] = ()  # the statistical layer, per language

    def with_extra(self, high: Iterable[str] = (), medium: Iterable[str] = ()) -> PhraseList:
        return PhraseList(
            self.high + tuple(high), self.medium + tuple(medium), self.builtin, self.models
        )

    def screen(self, text: str) -> Signal | None:
        best: Signal | None = None
        all_forms = forms(text)
        read = False
        spans: dict[tuple[frozenset[int], str], list[tuple[int, int, Exclusion]]] = {}
        for form in all_forms:
            for ruleset in self._rulesets:
                matches, considered = ruleset.scan(form, spans)
                read = read or considered
                for found in matches:
                    severity = _SEVERITIES[found.severity]
                    if best is None or severity > best.severity:
                        best = Signal(severity, found.text, found.rule.kind)
                        if severity == Severity.HIGH:
                            return best
        if best is None and not read:
            # The statistical layer only where the rules read nothing: it adds what they did not
            # spell out, and never undoes their reading (an idiom, a negation, a "you").
            # Each language reads the text its own way (its slips undone), mostly the same way:
            # the features of one reading are made once.
            made: dict[str, set[str]] = {}
            for ruleset, model in self.models:
                words = ruleset.read(all_forms[0])
                margin = ruleset.model_margin(words)
                if margin == math.inf:
                    continue  # no word of the subject in this language: this layer cannot flag
                if words not in made:
                    made[words] = features(words)
                if model.score_features(made[words]) >= model.threshold + margin:
                    return Signal(Severity.MEDIUM, "", "model")
        return best

    @cached_property
    def _rulesets(self) -> tuple[RuleSet, ...]:
        # Built once per list: a community's list is cached by its phrases (care._phrases).
        if not (self.high or self.medium):
            return self.builtin
        exclusions: tuple[Exclusion, ...] = tuple(e for r in self.builtin for e in r.exclusions)
        extra = [("high", p) for p in self.high] + [("medium", p) for p in self.medium]
        return (*self.builtin, phrase_rules("community", extra, exclusions))


def languages() -> tuple[str, ...]:
    return tuple(r.language for r in builtin_phrases().builtin)


@cache
def builtin_phrases() -> PhraseList:
    folder = prompts_dir() / "safety"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    rulesets = tuple(
        load_rules(tomllib.loads(f.read_text(encoding="utf-8")), f"prompts/safety/{f.name}")
        for f in files
    )
    rulesets = sharing_exclusions(rulesets)
    for ruleset in rulesets:
        ruleset.prepare()
    models = []
    for ruleset in rulesets:
        model_file = folder / f"{ruleset.language}.model.tsv"
        if model_file.is_file():
            name = f"prompts/safety/{model_file.name}"
            models.append(
                (ruleset, LinearModel.parse(model_file.read_text(encoding="utf-8"), name))
            )
    return PhraseList(builtin=rulesets, models=tuple(models))


def sharing_exclusions(rulesets: tuple[RuleSet, ...]) -> tuple[RuleSet, ...]:
    """Every language's rules read every text, so an idiom written in any shipped language
    cancels the reading it covers: Spanish "me mato" is also Portuguese, and only the Portuguese
    file knows that "me mato de trabalhar" is hard work."""
    return tuple(
        replace(r, borrowed=tuple(e for o in rulesets if o is not r for e in o.exclusions))
        for r in rulesets
    )
