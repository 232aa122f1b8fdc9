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
