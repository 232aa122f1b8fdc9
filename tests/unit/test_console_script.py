from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.console.render import ConsoleMessage, json_line, plain_line
from adapters.console.script import (
    Advance,
    At,
    Click,
    MakeAdmin,
    Say,
    ScriptError,
    SetLocale,
    SetZone,
    parse_duration,
    parse_line,
)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("@alice: /kind helped a neighbour", Say("alice", "/kind helped a neighbour")),
        ("@bo.b-1: !click m12 4", Click("bo.b-1", "m12", "4")),
        (":admin alice", MakeAdmin("alice")),
        (":tz bob America/New_York", SetZone("bob", "America/New_York")),
        (":locale ana es", SetLocale("ana", "es")),
        (":locale @bo pt_BR", SetLocale("bo", "pt-BR")),
        (":locale cy es-419", SetLocale("cy", "es-419")),
        (":locale dee fr", SetLocale("dee", "fr")),  # a platform language Kith lacks is kept
        (":advance 90s", Advance(timedelta(seconds=90))),
        (":advance 1w", Advance(timedelta(weeks=1))),
        (":at 2026-03-02T09:00+00:00", At(datetime(2026, 3, 2, 9, tzinfo=UTC))),
        ("# a comment", None),
        ("   ", None),
    ],
)
def test_lines(line: str, expected: object) -> None:
    assert parse_line(line, UTC) == expected


@pytest.mark.parametrize(
    "line",
    [
        "hello",
        "@: hi",
        "@alice hi",
        "@alice:",
        ":advance soon",
        ":advance 5y",
        ":at yesterday",
        ":admin",
        ":tz alice",
        ":reboot",
        "@alice: !click m1",
    ],
)
def test_malformed_lines(line: str) -> None:
    with pytest.raises(ScriptError):
        parse_line(line, UTC)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        (":locale", ":locale takes a member name and a language, like :locale ana es"),
        (":locale   ", ":locale takes a member name and a language"),
        (":locale ana", ":locale ana needs a language, like es or pt-BR; nothing was changed"),
        (":locale a!na es", "“a!na” is not a member name (letters, digits, _ . -, up to 32)"),
        (":locale ana español", "“español” is not a language tag like es or pt-BR"),
        (":locale ana es ES", "“es ES” is not a language tag"),
        (":locale ana 42", "“42” is not a language tag"),
    ],
)
def test_bad_locale_lines_say_what_is_wrong(line: str, says: str) -> None:
    with pytest.raises(ScriptError) as caught:
        parse_line(line, UTC)
    assert says in str(caught.value)


def test_durations() -> None:
    assert parse_duration("15m") == timedelta(minutes=15)
    assert parse_duration("3h") == timedelta(hours=3)


def test_render_plain_and_json() -> None:
    message = ConsoleMessage(
        "m3",
        datetime(2026, 3, 2, 9, tzinfo=UTC),
        "#general",
        False,
        "Hello\nWorld",
        (("1", "😞 1"),),
        "m1",
    )
    assert plain_line(message) == "[m3 → #general] Hello | World (choices: 1=😞 1)"
    assert json_line(message) == (
        '{"id": "m3", "at": "2026-03-02T09:00:00+00:00", "to": "#general", "private": false, '
        '"text": "Hello\\nWorld", "choices": [{"value": "1", "label": "😞 1"}], "thread": "m1"}'
    )
