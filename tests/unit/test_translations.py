"""The catalogues: every marked text translated in every shipped language, placeholders kept,
and the runtime reading them the way members will."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import _, ngettext, pgettext, use_language
from bot.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES, match_language
from bot.i18n.messages import domain_of, extract, po_path

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [lang.code for lang in LANGUAGES if lang.code != DEFAULT_LANGUAGE]


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


@pytest.fixture(scope="module")
def templates() -> dict[str, object]:
    return extract(ROOT)  # type: ignore[return-value]


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_marked_text_has_a_reviewed_translation(code: str, templates: dict) -> None:
    missing: list[str] = []
    for domain, template in templates.items():
        path = po_path(ROOT, code, domain)
        assert path.exists(), f"{path.relative_to(ROOT)} is missing: run make messages"
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale=code, domain=domain)
        for message in template:
            if not message.id:
                continue
            found = catalogue.get(message.id, context=message.context)
            strings = (
                found.string
                if found is not None and isinstance(found.string, tuple)
                else (found.string,)
                if found is not None
                else ("",)
            )
            if found is None or found.fuzzy or not all(strings):
                missing.append(f"{domain}: {message.id!r}")
    assert not missing, f"{len(missing)} untranslated in {code}:\n" + "\n".join(missing)


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_every_placeholder_and_add_none(code: str, templates: dict) -> None:
    wrong: list[str] = []
    for domain in templates:
        with po_path(ROOT, code, domain).open("rb") as handle:
            catalogue = read_po(handle, locale=code, domain=domain)
        for message in catalogue:
            if not message.id or not message.string:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            expected = set().union(*(_fields(i) for i in ids))
            for text in strings:
                got = _fields(text)
                # A plural form may say "one" instead of "{n}" (es "un día"); nothing else may
                # go missing, and nothing may appear that the code does not fill.
                if got - expected or (expected - got) - {"n"}:
                    wrong.append(f"{domain}: {ids[0]!r} -> {text!r}")
    assert not wrong, "\n".join(wrong)


def test_domains_follow_where_the_text_lives() -> None:
    assert domain_of("bot/checkins/post.py") == "checkins"
    assert domain_of("bot/core.py") == "kith"
    assert domain_of("bot/scheduling/scheduler.py") == "kith"
    assert domain_of("adapters/slack/app.py") == "slack"


def test_the_runtime_reads_each_language_and_falls_back_to_english() -> None:
    assert _("chosen here") == "chosen here"
    with use_language("es"):
        assert _("chosen here") == "elegido aquí"
        assert _("I speak {language} to you here.", language="español") == (
            "Aquí te hablo en español."
        )
        assert _("a text nobody marked") == "a text nobody marked"
    with use_language("pt_BR"):
        assert _("chosen here") == "escolhido aqui"
    assert _("chosen here") == "chosen here"  # the language ends with its block


def test_plural_and_context_forms_use_the_language_rules() -> None:
    # English has no catalogue: the message ids' own forms, with {n} filled.
    assert ngettext("{n} day", "{n} days", 1) == "1 day"
    assert ngettext("{n} day", "{n} days", 3) == "3 days"
    assert pgettext("command", "help") == "help"


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("es-ES", "es"),
        ("es-419", "es"),
        ("es_MX", "es"),
        ("ES", "es"),
        ("Español", "es"),
        ("spanish", "es"),
        ("pt-BR", "pt_BR"),
        ("pt-PT", "pt_BR"),
        ("pt", "pt_BR"),
        ("Português", "pt_BR"),
        ("portugues", "pt_BR"),
        ("en-GB", "en"),
        ("en-US", "en"),
        ("English", "en"),
    ],
)
def test_platform_tags_and_names_match_a_shipped_language(tag: str, code: str) -> None:
    assert match_language(tag) == code


@pytest.mark.parametrize("tag", ["", None, "fr", "de-DE", "zh-CN", "klingon", "e"])
def test_languages_kith_does_not_speak_match_nothing(tag: str | None) -> None:
    assert match_language(tag) is None
