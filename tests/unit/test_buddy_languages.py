"""The buddy texts that are not in the gettext catalogues: the conversation starter decks in each
language, and the choices the round makes about which language a group reads."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.buddies.commands import SETUP_OPTIONS
from bot.buddies.intros import group_language, names
from bot.buddies.rounds import Person, Round, starter_text
from bot.buddies.rule import MAX_WINDOW
from bot.i18n import use_language
from bot.identity import CommunityRef, UserRef
from bot.messages import Mention, Text
from bot.prompts import load_catalogue

ROOT = Path(__file__).resolve().parents[2]


def _ids(path: Path) -> list[str]:
    return [entry["id"] for entry in tomllib.loads(path.read_text("utf-8"))["starter"]]


@pytest.mark.parametrize("code", ["es", "pt_BR"])
def test_every_english_starter_is_in_each_language_with_its_own_text(code: str) -> None:
    english = _ids(ROOT / "prompts" / "starters.toml")
    translated = _ids(ROOT / "prompts" / code / "starters.toml")
    assert sorted(translated) == sorted(english)
    catalogue = load_catalogue()
    assert len(catalogue.starters) == len(english) >= 40
    with use_language(code):
        texts = {p.key: catalogue.text(p) for p in catalogue.starters}
    assert all(texts[p.key] != p.text for p in catalogue.starters)
    assert len(set(texts.values())) == len(texts)


def _round(key: str) -> Round:
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    return Round(1, 1, "2026-03-02", 1, now, now, key, "As it was dealt?", 2, 2, (), 0, 0, None)


def test_the_starter_is_read_in_the_current_language_by_its_key() -> None:
    catalogue = load_catalogue()
    prompt = catalogue.starters[0]
    dealt = _round(prompt.key)
    assert starter_text(catalogue, dealt) == prompt.text
    with use_language("pt_BR"):
        assert starter_text(catalogue, dealt) == catalogue.text(prompt) != prompt.text
        # A starter since taken out of the deck reads as it was dealt.
        assert starter_text(catalogue, _round("builtin:gone-now")) == "As it was dealt?"


def _people(*names_: str) -> list[Person]:
    community = CommunityRef("console", "c")
    return [Person(i, UserRef(community, n), n.capitalize(), True) for i, n in enumerate(names_)]


def test_a_group_reads_its_shared_language_else_the_community_one() -> None:
    ana, eva, bia = _people("ana", "eva", "bia")
    languages = {ana.user.key: "es", eva.user.key: "es", bia.user.key: "pt_BR"}
    assert group_language([ana, eva], languages, "en") == "es"
    assert group_language([ana, bia], languages, "en") == "en"
    assert group_language([ana, eva, bia], languages, "pt_BR") == "pt_BR"


def test_names_are_joined_the_language_s_way() -> None:
    people = _people("ana", "eva", "bia")

    def words(inlines: tuple[object, ...]) -> str:
        return "".join(
            i.text if isinstance(i, Text) else f"@{i.name}" if isinstance(i, Mention) else "?"
            for i in inlines
        )

    assert words(names(people)) == "@Ana, @Eva and @Bia"
    with use_language("es"):
        assert words(names(people)) == "@Ana, @Eva y @Bia"
        assert words(names(people[:1])) == "@Ana"
    with use_language("pt_BR"):
        assert words(names(people[:2])) == "@Ana e @Eva"


def test_the_window_help_names_the_longest_window() -> None:
    # The help text is a whole catalogue text, so the number is written in it.
    [window] = [o for o in SETUP_OPTIONS if o.name == "window"]
    assert window.help.endswith(f"1-{MAX_WINDOW}")
