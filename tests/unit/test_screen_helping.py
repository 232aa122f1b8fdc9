"""General talk about helping people at risk (questions, course notes, moderator reminders,
awareness) is everyday: nobody in it is named, so it must not be flagged, not even as concern.
Worry about a person the writer names stays concern, and the writer's own words stay a signal,
however much helping talk surrounds them."""

from __future__ import annotations

import pytest

from bot.safety.screen import PhraseList, Severity, builtin_phrases
from tests.screening import read_as_concern


@pytest.fixture(scope="module")
def rules_only() -> PhraseList:
    return PhraseList(builtin=builtin_phrases().builtin)  # no statistical layer


@pytest.mark.parametrize(
    "text",
    [
        # A person in general, who says it.
        "what do you do when somebody says they want to die?",
        "if a patient tells you they want to kill themselves, you stay with them",
        "how should a counsellor answer a caller who says they want to end it",
        "how do you handle a teen who says they're going to kill themselves",
        "what to tell a mate who wants to die",
        "a pupil who writes about wanting to die should be referred the same day",
        "how should parents react if their teen says they want to die",
        "why do so many teens joke about wanting to die online",
        "how do you answer someone who tells me they want to kill themselves",
        "what if a person says they're a burden and want to die",
        # Training and awareness that name the signal in general.
        "we were taught to ask people calmly if they're having thoughts of suicide",
        "the course says: ask if they're thinking of suicide, in those words",
        "please treat every i want to die post as real, even with a lol",
        "giving things away can be a sign of suicidal thoughts",
        "suicide is preventable, and talking about it helps",
    ],
)
def test_general_helping_talk_is_not_flagged(rules_only: PhraseList, text: str) -> None:
    assert rules_only.screen(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "how do i help my friend who wants to die",
        "my friend says she wants to die",
        "a friend tells me she's suicidal",
        "my students who are cutting themselves need help",
        "my mum says everyone would be better off without her",
        "a guy i know says he wants to kill himself, what do i say",
    ],
)
def test_a_named_person_stays_concern(rules_only: PhraseList, text: str) -> None:
    assert read_as_concern(rules_only, text)


@pytest.mark.parametrize(
    "text",
    [
        "I want to die, how do people get help",
        "someone please help i want to die",
        "is there anyone who can talk, i want to end it tonight",
        "i'm someone who wants to die every single day",
        "I am a person who self harms",
        "anyone i want to die",
        "people who know me think im fine but i want to kill myself",
        "I keep wishing I could trade places with someone who wants to live",
    ],
)
def test_the_writers_own_words_stay_a_signal(rules_only: PhraseList, text: str) -> None:
    signal = rules_only.screen(text)
    assert signal is not None and signal.severity >= Severity.MEDIUM
