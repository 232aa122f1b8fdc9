"""The 31-day kindness challenge in every shipped language: the same days, each one adapted."""

from __future__ import annotations

import tomllib

import pytest

from bot.i18n import use_language
from bot.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES
from bot.prompts import load_catalogue, prompts_dir

TRANSLATED = [lang.code for lang in LANGUAGES if lang.code != DEFAULT_LANGUAGE]


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_challenge_day_is_adapted(code: str) -> None:
    catalogue = load_catalogue()
    assert len(catalogue.challenge) == 31
    texts = catalogue.texts.get(code, {})
    missing = [p.key for p in catalogue.challenge if p.key not in texts]
    assert not missing, f"prompts/{code}/kindness.toml lacks {missing}"
    same = [p.key for p in catalogue.challenge if texts[p.key] == p.text]
    assert not same, f"left in English in prompts/{code}/kindness.toml: {same}"
    with use_language(code):
        shown = [catalogue.text(p) for p in catalogue.challenge]
    assert shown == [texts[p.key] for p in catalogue.challenge]


@pytest.mark.parametrize("code", TRANSLATED)
def test_each_language_keeps_the_days_in_the_english_order(code: str) -> None:
    english = tomllib.loads((prompts_dir() / "kindness.toml").read_text(encoding="utf-8"))
    adapted = tomllib.loads((prompts_dir() / code / "kindness.toml").read_text(encoding="utf-8"))
    assert [(d["day"], d["id"]) for d in adapted["day"]] == [
        (d["day"], d["id"]) for d in english["day"]
    ]
