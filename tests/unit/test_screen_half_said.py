"""Rules for what people write when they half-say it: ambivalence ("I don't want to kill myself
but I keep thinking about it"), quiet wishes no other rule spells out, and indirect farewells.
Each case names the rule that must read it, so removing a rule fails its own case."""

from __future__ import annotations

import pytest

from bot.safety.normalise import forms
from bot.safety.screen import PhraseList, Severity, builtin_phrases


@pytest.fixture(scope="module")
def rules_only() -> PhraseList:
    return PhraseList(builtin=builtin_phrases().builtin)  # no statistical layer


def rule_ids(phrases: PhraseList, text: str) -> set[str]:
    return {
        found.rule.ident
        for ruleset in phrases.builtin
        for form in forms(text)
        for found in ruleset.find(form)
    }


@pytest.mark.parametrize(
    ("rule", "severity", "text"),
    [
        ("ambivalent", Severity.MEDIUM, "I don't want to kill myself but I keep thinking about it"),
        (
            "ambivalent",
            Severity.MEDIUM,
            "im not gonna do anything but i think about being dead a lot",
        ),
        ("ambivalent", Severity.MEDIUM, "i wouldnt do it, but i dream about not existing"),
        ("not-make-it", Severity.MEDIUM, "kinda hoping i just don't make it through the night"),
        ("not-make-it", Severity.MEDIUM, "I pray I don't survive the operation"),
        ("death-appeals", Severity.MEDIUM, "being dead sounds peaceful honestly"),
        ("death-appeals", Severity.MEDIUM, "never waking up seems like a relief tbh"),
        ("envy-the-dead", Severity.MEDIUM, "I envy people who get to die"),
        ("fire-water", Severity.HIGH, "im gonna set myself on fire"),
        ("walk-into-water", Severity.HIGH, "I'm going to walk into the river tonight"),
        ("walk-into-water", Severity.HIGH, "gonna walk into the sea and keep walking"),
        ("after-tonight", Severity.HIGH, "after tonight none of you will have to put up with me"),
        ("reads-this-gone", Severity.HIGH, "by the time anyone reads this i'll be gone"),
        ("goodbye-while-i-can", Severity.HIGH, "I'm saying goodbye to everyone while I still can"),
        (
            "no-word-again",
            Severity.HIGH,
            "if you don't hear from me again, thank you for everything",
        ),
        ("date-to-end", Severity.HIGH, "i've decided on a date to end it"),
    ],
)
def test_half_said_signals_are_read_by_their_rule(
    rules_only: PhraseList, rule: str, severity: Severity, text: str
) -> None:
    assert rule in rule_ids(rules_only, text)
    signal = rules_only.screen(text)
    assert signal is not None and signal.severity == severity


@pytest.mark.parametrize(
    "text",
    [
        "I hope I don't wake up late tomorrow",
        "hope I don't wake up with a hangover",
        "I hope I don't wake up too early, it's my day off",
        "going to walk into the sea at Brighton, so warm",
        "I don't want to die my hair but I keep thinking about it",  # no outcome after "about"
        "dying my hair sounds nice",
        "I hope I don't make it through this exam week haha",
    ],
)
def test_their_everyday_neighbours_are_not_flagged_by_the_rules(
    rules_only: PhraseList, text: str
) -> None:
    assert rules_only.screen(text) is None


def test_waking_up_late_cancels_only_its_own_wish(rules_only: PhraseList) -> None:
    text = "hope I don't wake up late tomorrow. honestly I hope I don't wake up at all"
    signal = rules_only.screen(text)
    assert signal is not None and signal.severity >= Severity.MEDIUM
