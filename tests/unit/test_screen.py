"""Screening: what must be caught, what must not, and obfuscations."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.safety.screen import PhraseList, Severity, builtin_phrases, normalise

CAUGHT_HIGH = [
    "I want to kill myself",
    "honestly i just wanna die",
    "I've been thinking about suicide",
    "I keep wanting to hurt myself",
    "everyone would be better off dead without me, I'm better off dead",
    "K I L L   m y s e l f",
    "kiiiill myseeeelf",
    "k1ll mys3lf",
    "KILL. MY. SELF.",
    "I don’t want to be alive anymore",
    "Thinking about ending my life tonight",
    "self-harm again today",
    "Sometimes I think about suicide, but killing it at work otherwise",
]
CAUGHT_MEDIUM = [
    "I can't do this anymore",
    "feeling totally hopeless",
    "nobody would miss me",
    "I'm a burden to everyone",
]
NOT_CAUGHT = [
    "I was dying of laughter at that meme",
    "you're killing it!",
    "this game is killing me",
    "my feet are killing me after the hike",
    "we watched Suicide Squad last night",
    "that cake was to die for",
    "I'm dead tired",
    "I need to upskill myself at work",
    "helped a neighbour carry shopping",
    "killing time before the train",
    "went to a suicide prevention training, really moving",
    "hopeless romantic here",
    "the skills I learned myself",
    "",
]


@pytest.fixture(scope="module")
def phrases() -> PhraseList:
    return builtin_phrases()


@pytest.mark.parametrize("text", CAUGHT_HIGH)
def test_high_risk_texts_are_caught(phrases: PhraseList, text: str) -> None:
    signal = phrases.screen(text)
    assert signal is not None and signal.severity == Severity.HIGH, text


@pytest.mark.parametrize("text", CAUGHT_MEDIUM)
def test_hopelessness_is_caught_as_medium(phrases: PhraseList, text: str) -> None:
    signal = phrases.screen(text)
    assert signal is not None and signal.severity == Severity.MEDIUM, text


@pytest.mark.parametrize("text", NOT_CAUGHT)
def test_idioms_titles_and_ordinary_text_are_not_flagged(phrases: PhraseList, text: str) -> None:
    assert phrases.screen(text) is None, text


def test_a_community_can_add_phrases(phrases: PhraseList) -> None:
    assert phrases.screen("feeling like a ghost lately") is None
    extended = phrases.with_extra(medium=["like a ghost"])
    signal = extended.screen("Feeling like a GHOST lately")
    assert signal is not None and signal.severity == Severity.MEDIUM


def test_normalisation() -> None:
    assert normalise("Ünïcödé  K.I.L.L   me!!!") == "unicode kil me"
    assert normalise("can’t") == normalise("can't") == "cant"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_screening_any_text_never_fails(text: str) -> None:
    builtin_phrases().screen(text)
