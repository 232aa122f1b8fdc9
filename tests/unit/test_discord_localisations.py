"""Discord command localisations: every command and option name has a name Discord accepts in
every shipped language, descriptions come from the catalogue, and a translation Discord would
refuse is left out (one bad name would fail the whole sync) instead of being sent."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.discord import commands
from adapters.discord.command_names import choice_names, command_names
from adapters.discord.commands import build_tree, shipped_locales, valid_name
from bot.features import build_registry
from bot.i18n import _, current_language, use_language
from bot.i18n.languages import LANGUAGES

# Discord's documented rule for CHAT_INPUT names: ^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$,
# in lower case where the letter has one.
ASCII_NAME = re.compile(r"^[-_a-z0-9]{1,32}$")
LOCALES = [locale for found in shipped_locales().values() for locale in found]


def nodes(level: list[dict[str, Any]], depth: int = 0) -> Iterator[tuple[list, dict[str, Any]]]:
    """Every command, subcommand, group and option, with the list of its siblings."""
    for node in level:
        yield level, node
        yield from nodes(node.get("options", []), depth + 1)


@pytest.fixture(scope="module")
def tree() -> commands.CommandTree:
    return build_tree(build_registry())


def test_the_shipped_languages_map_to_discords_locales() -> None:
    assert shipped_locales() == {"es": ["es-ES", "es-419"], "pt_BR": ["pt-BR"]}


def test_every_command_word_and_option_name_is_listed_for_translators(tree: Any) -> None:
    listed = set(command_names())
    used = {node["name"] for _siblings, node in nodes(tree.payload)}
    missing = sorted(used - listed)
    assert not missing, f"add these to adapters/discord/command_names.py: {missing}"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_name_is_a_valid_unique_discord_name_in_each_locale(tree: Any, locale: str) -> None:
    assert tree.skipped == ()
    for siblings, node in nodes(tree.payload):
        name = node.get("name_localizations", {}).get(locale, node["name"])
        assert valid_name(name), (locale, node["name"], name)
        assert ASCII_NAME.match(node["name"]), node["name"]  # the default stays English
        shown = [s.get("name_localizations", {}).get(locale, s["name"]) for s in siblings]
        assert shown.count(name) == 1, (locale, name, shown)
        description = node.get("description_localizations", {}).get(locale, node["description"])
        assert 0 < len(description) <= 100, (locale, description)
        assert set(node.get("name_localizations", {})) <= set(LOCALES)


@pytest.mark.parametrize(
    "name", ["ayuda", "zona_horaria", "estadísticas", "fuso_horário", "o_que_fiz", "kith"]
)
def test_valid_names_include_accented_letters(name: str) -> None:
    assert valid_name(name)


@pytest.mark.parametrize("name", ["", "Ayuda", "zona horaria", "a" * 33, "ayuda!", "ZONA"])
def test_names_discord_refuses(name: str) -> None:
    assert not valid_name(name)


def _find(level: list[dict[str, Any]], *path: str) -> dict[str, Any]:
    node: dict[str, Any] = {"options": level}
    for word in path:
        node = next(n for n in node["options"] if n["name"] == word)
    return node


def test_names_and_descriptions_come_from_the_catalogue(tree: Any) -> None:
    kith = _find(tree.payload, "kith")
    assert "name_localizations" not in kith  # "kith" is Kith's name in every language
    assert kith["description_localizations"]["es-ES"].startswith("kith: admins, exportar,")
    help_ = _find(tree.payload, "kith", "help")
    assert help_["name_localizations"] == {"es-ES": "ayuda", "es-419": "ayuda", "pt-BR": "ajuda"}
    language = _find(tree.payload, "kith", "language")
    assert language["description_localizations"] == {
        "es-ES": "ver o elegir el idioma en que Kith me habla",
        "es-419": "ver o elegir el idioma en que Kith me habla",
        "pt-BR": "ver ou escolher o idioma em que o Kith fala comigo",
    }
    option = _find(tree.payload, "kith", "setup", "language", "language")
    assert option["name_localizations"]["es-ES"] == "idioma"
    assert option["description_localizations"]["es-ES"] == "un idioma, o auto"
    zone = _find(tree.payload, "kith", "timezone", "zone")
    assert zone["name_localizations"]["pt-BR"] == "fuso"
    with use_language("es"):
        assert zone["description_localizations"]["es-419"] == _("time zone, like Europe/London")
    # A usage word nobody wrote a description for is described by its name in the language.
    did = _find(tree.payload, "kind", "what_i_did")
    assert did["description"] == "what I did"
    assert did["name_localizations"]["es-ES"] == "lo_que_hice"
    assert did["description_localizations"]["es-ES"] == "lo que hice"
    # Choices keep their values (what the core reads) and are shown in the member's language.
    window = _find(tree.payload, "leaderboard", "show", "window")
    assert [c["value"] for c in window["choices"]] == ["week", "month", "all", "challenge"]
    assert [c["name"] for c in window["choices"]] == ["week", "month", "all", "challenge"]
    assert [c["name_localizations"]["es-419"] for c in window["choices"]] == [
        "semana",
        "mes",
        "todo",
        "reto",
    ]
    assert window["choices"][1]["name_localizations"]["pt-BR"] == "mês"


def test_every_word_choice_is_listed_and_fits(tree: Any) -> None:
    listed = set(choice_names())
    codes = {lang.tag for lang in LANGUAGES}
    words = set()
    for _siblings, node in nodes(tree.payload):
        for choice in node.get("choices", []):
            for locale, shown in choice.get("name_localizations", {}).items():
                assert locale in LOCALES and 0 < len(shown) <= 100, (locale, shown)
            value = choice["value"]
            if len(value) > 2 and value not in codes and not value.isdigit():
                words.add(value)  # a word, not a code (es, uk) or a number
    missing = sorted(words - listed)
    assert not missing, f"add these to choice_names in adapters/discord/command_names.py: {missing}"


def test_the_english_payload_is_the_same_with_or_without_translations(
    tree: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(commands, "shipped_locales", dict)
    bare = build_tree(build_registry())

    def strip(level: list[dict[str, Any]]) -> None:
        for node in level:
            node.pop("name_localizations", None)
            node.pop("description_localizations", None)
            strip(node.get("options", []))
            strip(node.get("choices", []))

    payload = copy.deepcopy(tree.payload)
    strip(payload)
    assert payload == bare.payload
    assert tree.digest != bare.digest  # the localisations are synced too


def test_a_name_discord_would_refuse_is_left_out_and_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = command_names

    def names() -> dict[str, str]:
        found = real()
        if current_language() == "es":
            found["help"] = "Ayuda Ya"  # upper case and a space
            found["export"] = "olvidar"  # the same as "forget" beside it
        return found

    monkeypatch.setattr(commands, "command_names", names)
    tree = build_tree(build_registry())
    help_ = _find(tree.payload, "kith", "help")
    assert "es-ES" not in help_["name_localizations"]
    assert help_["name_localizations"]["pt-BR"] == "ajuda"
    for word in ("export", "forget"):
        assert "es-419" not in _find(tree.payload, "kith", word)["name_localizations"]
    assert "es-ES name 'Ayuda Ya' for 'help' is not a Discord name" in tree.skipped
    assert "es-ES name 'olvidar' is given to two commands or options at once" in tree.skipped
