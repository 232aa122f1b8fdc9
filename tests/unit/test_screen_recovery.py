"""Recovery stories: a crisis told in the past from a present that is better is not a signal, in
any language; a story that turns back to now ("but now", "tonight", "again") or whose crisis
returns ("the urges came back") still is. The past frame cancels only what comes before the turn."""

from __future__ import annotations

import pytest

from bot.safety.screen import PhraseList, builtin_phrases


@pytest.fixture(scope="module")
def rules_only() -> PhraseList:
    return PhraseList(builtin=builtin_phrases().builtin)  # no statistical layer


@pytest.mark.parametrize(
    "text",
    [
        # Ages, years, seasons and eras of one's life.
        "16 year old me wanted to die. 26 year old me wants to tell her it gets better",
        "i tried to end it at 14, im 19 now and i'm glad it didn't work",
        "my twenties were full of suicidal thoughts but my thirties have been kind",
        "i was suicidal for most of uni, meds and therapy got me out of it",
        "last spring I was ready to end it, this spring I'm planting tomatoes",
        "during the pandemic I seriously considered suicide. I'm in a much better place today",
        "the me from 2021 wanted to jump off a bridge, the me of now walks over it to work",
        # Before help, streaks, and a thought that has stopped.
        "before treatment I wished I was dead all the time, now that thought rarely comes",
        "one year sh free today, the scars are fading",
        "I haven't wanted to kill myself in a long time and that feels like a miracle",
        "when I got sober I stopped wanting to die too",
        "for years I thought my family would be better without me, today they threw me a party",
        # Spanish and Portuguese.
        "a los 15 intenté quitarme la vida, ahora tengo 25 y estudio psicología",
        "hace diez años intenté suicidarme. hoy soy consejera",
        "durante años pensé que mi familia estaría mejor sin mí, hoy me hicieron una fiesta",
        "en la pandemia pensé seriamente en suicidarme, hoy estoy mucho mejor",
        "no meu pior momento eu tinha a corda pronta. isso foi há cinco anos e hoje sou feliz",
        "há três anos hoje eu tentei suicídio, hoje comemoro estar viva",
        "eu achava que todo mundo ficaria melhor sem mim; a terapia mudou isso",
        "por anos pensei que minha família ficaria melhor sem mim, hoje fizeram uma festa pra mim",
    ],
)
def test_recovery_story_is_not_flagged(rules_only: PhraseList, text: str) -> None:
    assert rules_only.screen(text) is None


@pytest.mark.parametrize(
    "text",
    [
        # The story turns back to now: what follows the turn is read.
        "I used to be ok but now I want to die",
        "therapy used to help but now I just want to end it",
        "I used to have hope, tonight I'm writing my goodbye letters",
        "years ago I wanted to die, now I want to kill myself again",
        "antes estaba bien pero ahora me quiero morir",
        "me cortaba de chica y volví a cortarme anoche",
        "eu tava bem no ano passado mas agora quero morrer",
        # The crisis returns: nothing in the sentence is cancelled.
        "a los 15 intenté quitarme la vida y las ganas volvieron esta noche",
        "when I was 15 I tried to kill myself and the thoughts came back",
        # A relapse after a streak is still spared by the exclusion.
        "two years clean and tonight I cut again",
    ],
)
def test_story_that_turns_back_to_now_is_flagged(rules_only: PhraseList, text: str) -> None:
    signal = rules_only.screen(text)
    assert signal is not None and not signal.about_someone_else


@pytest.mark.parametrize(
    "text",
    [
        # The writer's present wish or intent is itself a turn back to now.
        "back then I was fine, I want to die",
        "I used to cut, I need to cut tonight",
        "hace años estaba bien, me quiero morir",
        "antigamente eu era feliz, quero morrer",
    ],
)
def test_present_wish_after_a_past_frame_is_flagged(rules_only: PhraseList, text: str) -> None:
    signal = rules_only.screen(text)
    assert signal is not None and not signal.about_someone_else


def test_an_age_dropped_by_normalising_still_frames_the_past(rules_only: PhraseList) -> None:
    text = "I tried to hang myself when I was 20 and the rope broke. I'm 40 now, married"
    assert rules_only.screen(text) is None
