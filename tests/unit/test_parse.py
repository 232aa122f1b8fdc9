from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands.parse import CommandSyntaxError, bind, clean_text, normalise, split_words
from bot.features import build_registry


def test_declared_options_are_options_and_other_colons_stay_text() -> None:
    words = split_words(normalise("/kith setup checkin channel:#c time:09:00 note:hi"))
    inv = bind(words, 3, frozenset({"channel", "time"}))
    assert inv.path == ("kith", "setup", "checkin")
    assert inv.options == {"channel": "#c", "time": "09:00"}
    assert inv.args == ("note:hi",)


def test_quotes_group_words_and_control_characters_are_dropped() -> None:
    assert split_words('add "two words" three') == ["add", "two words", "three"]
    assert clean_text("a\u200bb\x00c\u202e d\te") == "abc d e"


def test_commands_must_start_with_a_slash_and_not_be_huge() -> None:
    with pytest.raises(CommandSyntaxError):
        normalise("kith help")
    with pytest.raises(CommandSyntaxError):
        normalise("/kind " + "x" * 3000)


def test_registry_finds_the_longest_command() -> None:
    registry = build_registry()
    command, length = registry.find(["kith", "setup", "checkin", "time:09:00"])
    assert command is not None and command.path == ("kith", "setup", "checkin") and length == 3
    assert registry.find(["kith", "nothing"]) == (None, 0)


@given(st.text(max_size=200))
def test_parsing_never_fails_unexpectedly(text: str) -> None:
    try:
        words = split_words(normalise("/" + text))
    except CommandSyntaxError:
        return
    bind(words, min(len(words), 2), frozenset({"time"}))
