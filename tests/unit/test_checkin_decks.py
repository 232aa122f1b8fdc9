"""The check-in deck in every shipped language: each English prompt and theme has its adapted
text, and a stored prompt reads in whoever's language shows it."""

from __future__ import annotations

import re

import pytest

from bot.checkins.post import checkin_message, prompt_words
from bot.i18n import use_language
from bot.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES
from bot.prompts import MAX_PROMPT_LENGTH, Prompt, load_catalogue

TRANSLATED = [lang.code for lang in LANGUAGES if lang.code != DEFAULT_LANGUAGE]


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_checkin_prompt_and_theme_is_adapted(code: str) -> None:
    deck = load_catalogue()
    texts = deck.texts.get(code, {})
    missing = [p.key for p in deck.checkins if not texts.get(p.key)]
    assert not missing, f"prompts/{code}/checkins.toml lacks {missing}"
    same = [p.key for p in deck.checkins if texts[p.key].casefold() == p.text.casefold()]
    assert not same, f"left in English: {same}"
    assert all(len(texts[p.key]) <= MAX_PROMPT_LENGTH for p in deck.checkins)
    titles = deck.theme_titles.get(code, {})
    assert set(titles) == set(deck.themes)
    assert not [t for t, title in titles.items() if title == deck.themes[t]]
    # Two prompts with the same words would read as a repeat to a member.
    assert len({texts[p.key] for p in deck.checkins}) == len(deck.checkins)


def test_a_stored_prompt_reads_in_the_current_language() -> None:
    deck = load_catalogue()
    prompt = deck.checkins[0]
    stored = {"prompt_key": prompt.key, "theme": prompt.theme, "prompt_text": prompt.text}
    assert prompt_words(deck, stored) == prompt.text
    with use_language("es"):
        assert prompt_words(deck, stored) == deck.texts["es"][prompt.key]
        assert deck.theme(prompt.theme) == deck.theme_titles["es"][prompt.theme]
        post = checkin_message(7, prompt, deck).plain_text
        assert deck.texts["es"][prompt.key] in post and prompt.text not in post
    with use_language("pt_BR"):
        assert prompt_words(deck, stored) == deck.texts["pt_BR"][prompt.key]
    # A community's own prompt is shown as its admins wrote it, in every language.
    own = Prompt("custom:3", "community", "¿Qué canción te acompaña hoy?")
    with use_language("pt_BR"):
        assert own.text in checkin_message(7, own, deck).plain_text
    assert prompt_words(deck, {}) == ""


# The English deck's lint (tests/unit/test_prompts.py) in each language's own words.
CLINICAL = {
    "es": r"\b(trastorno|s[ií]ntoma|diagn[oó]stic\w*|paciente|terapia|patolog\w*|deber[ií]as)\b",
    "pt_BR": r"\b(transtorno|sintoma|diagn[oó]stic\w*|paciente|terapia|patolog\w*|deveria)\b",
}
ASSUMES = {
    "es": r"\b(amig[oa]s?|famil\w*|mam[aá]|pap[aá]|padres|pareja|dinero|compr\w*|gast\w*|pag\w*"
    r"|llam\w*|tel[eé]fono)\b",
    "pt_BR": r"\b(amig[oa]s?|fam[ií]li\w*|m[aã]e|pai|pais|parceir\w*|dinheiro|compr\w*|gast\w*"
    r"|pag\w*|liga\w*|telefone)\b",
}


@pytest.mark.parametrize("code", TRANSLATED)
def test_adapted_prompts_are_short_plain_gentle_and_assume_nothing(code: str) -> None:
    deck = load_catalogue()
    for prompt in deck.checkins:
        text = deck.texts[code][prompt.key]
        assert 10 <= len(text) <= 220, prompt.key
        assert "@" not in text and "http" not in text, prompt.key
        assert not re.search(r"[*_`~<>#]", text), prompt.key  # no markup to escape
        assert not re.search(CLINICAL[code], text, re.IGNORECASE), prompt.key
        assert not re.search(ASSUMES[code], text, re.IGNORECASE), prompt.key
    # The prompts that need buddy pairing still speak of the buddy.
    for prompt in deck.checkins:
        if prompt.needs == "buddies":
            assert "buddy" in deck.texts[code][prompt.key], prompt.key
