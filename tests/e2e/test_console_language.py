"""``:locale NAME LANG`` on the console: a member's platform language, as Discord's interaction
locale or Slack's user locale carries it, read by the core for that member's next events."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.e2e.console_helpers import console, kith

UNKNOWN_ES = "No conozco el comando /kith nonsense. Prueba con /kith help."
UNKNOWN_PT = "Não conheço"
UNKNOWN_EN = "I don't know the command /kith nonsense. Try /kith help."


def _texts(messages: list[dict[str, object]], to: str) -> list[str]:
    return [str(m["text"]) for m in messages if m["to"] == to]


def test_each_member_is_answered_in_their_platform_language(tmp_path: Path) -> None:
    script = "\n".join(
        [
            ":locale ana es",
            ":locale bia pt-BR",
            ":locale cy fr",
            "@ana: /kith nonsense",
            "@bia: /kith nonsense",
            "@cy: /kith nonsense",  # Kith has no French: the community's language, English
            "@dee: /kith nonsense",  # no platform language at all
            ":locale ana pt_BR",  # she switched her app to Portuguese
            "@ana: /kith nonsense",
        ]
    )
    messages, errors = console(script, tmp_path)
    assert errors == []
    assert _texts(messages, "@ana")[0] == UNKNOWN_ES
    assert UNKNOWN_PT in _texts(messages, "@ana")[1]
    assert UNKNOWN_PT in _texts(messages, "@bia")[0]
    assert _texts(messages, "@cy") == [UNKNOWN_EN]
    assert _texts(messages, "@dee") == [UNKNOWN_EN]


def test_an_unsupported_platform_language_follows_the_community(tmp_path: Path) -> None:
    script = "\n".join(
        [
            ":admin ada",
            ":locale cy fr",
            "@ada: /kith setup language:es",
            "@cy: /kith nonsense",
        ]
    )
    messages, errors = console(script, tmp_path)
    assert errors == []
    assert _texts(messages, "@cy") == [UNKNOWN_ES]


def test_bad_locale_lines_are_refused_and_change_nothing(tmp_path: Path) -> None:
    script = "\n".join(
        [
            ":locale ana es",
            ":locale ana",
            ":locale ana   ",
            ":locale",
            ":locale b@d es",
            ":locale ana es ES",
            "@ana: /kith nonsense",
        ]
    )
    messages, errors = console(script, tmp_path)
    assert [e["line"] for e in errors] == [2, 3, 4, 5, 6]
    assert (
        errors[0]["error"] == ":locale ana needs a language, like es or pt-BR; nothing was changed"
    )
    assert errors[1]["error"] == errors[0]["error"]
    assert "takes a member name and a language" in errors[2]["error"]
    assert "“b@d” is not a member name" in errors[3]["error"]
    assert "“es ES” is not a language tag like es or pt-BR" in errors[4]["error"]
    assert _texts(messages, "@ana") == [UNKNOWN_ES]  # still Spanish: nothing was changed


def test_a_log_from_before_locales_gets_the_column(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    with sqlite3.connect(db) as old:
        old.execute(
            "CREATE TABLE console_members ("
            " name TEXT PRIMARY KEY, is_admin INTEGER NOT NULL DEFAULT 0, tz TEXT)"
        )
        old.execute("INSERT INTO console_members (name, tz) VALUES ('ana', 'Europe/Madrid')")
    script = ":locale ana es\n@ana: /kith nonsense\n"
    result = kith("console", "--db", str(db), stdin=script, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert UNKNOWN_ES in result.stdout
    again = kith("console", "--db", str(db), stdin="@ana: /kith nonsense\n", cwd=tmp_path)
    assert UNKNOWN_ES in again.stdout  # kept in the log with her other platform settings
