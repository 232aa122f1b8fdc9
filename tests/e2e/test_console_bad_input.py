"""Bad input through the console, as a user types it: one clear error line each, nothing
changed, and the run goes on. Dates Kith cannot schedule, clock moves too long to run, message
ids that overflow, lines that are not UTF-8 (in a script and on standard input alike)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bot.core import SORRY
from tests.e2e.console_helpers import KITH, console, kith

START = "2026-03-02T08:00"


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("start", ["9999-12-31T23:59", "0001-01-01T00:00+14:00", "1969-12-31"])
def test_a_start_kith_cannot_schedule_is_one_line_and_exit_2(tmp_path: Path, start: str) -> None:
    result = kith("console", "--start", start, stdin="@ada: /kith help\n", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    [line] = _lines(result.stderr)
    assert line.startswith("kith console: --start: ")
    assert "outside the dates Kith can schedule (1970 to 2999)" in line
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_clock_moves_out_of_range_or_too_long_are_refused_and_the_run_goes_on(
    tmp_path: Path,
) -> None:
    script = "\n".join(
        [
            ":advance 999999w",
            ":advance 99999d",
            ":at 9999-12-31T23:59",
            ":at 2030-01-01T00:00",  # within range, but years in one line
            ":advance 367d",
            ":advance 2d",  # fine: the run went on and the clock moved
            "@ada: /kith help",
        ]
    )
    messages, errors = console(script, tmp_path, "--start", START)
    assert [e["line"] for e in errors] == [1, 2, 3, 4, 5]
    assert all("366 days" in e["error"] for e in errors if e["line"] != 3), errors
    assert "outside the dates Kith can schedule" in errors[2]["error"]
    assert len(messages) == 1 and messages[0]["at"].startswith("2026-03-04T08:00")


def test_a_message_id_that_overflows_is_a_clear_refusal(tmp_path: Path) -> None:
    script = "\n".join(
        [
            "@ada: /kith help",
            "@ada: !click m999999999999999999999 3",
            "@ada: !click m99999999999999999999 3",
            "@ada: !click m1 3",
        ]
    )
    messages, errors = console(script, tmp_path, "--start", START)
    assert [e["line"] for e in errors] == [2, 3, 4]
    assert "there is no message m9999999999999999999" in errors[0]["error"]
    assert "there is no message" in errors[1]["error"]
    assert "has no choice" in errors[2]["error"]
    assert all(SORRY not in m["text"] for m in messages)


BAD_UTF8 = b"@ada: /kith help\n@ada: caf\xe9 au lait\n@ada: /kith help\n"


def test_a_script_line_that_is_not_utf8_is_reported_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "script.txt"
    path.write_bytes(BAD_UTF8)
    result = kith("console", "--script", str(path), "--json", "--start", START)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line) for line in _lines(result.stderr)] == [
        {"error": "not valid UTF-8 text (byte 10); the line was skipped", "line": 2}
    ]
    assert len(_lines(result.stdout)) == 2  # both help replies, nothing for line 2


def test_the_same_bytes_on_standard_input_are_reported_the_same_way(tmp_path: Path) -> None:
    result = subprocess.run(
        [KITH, "console", "--json", "--start", START],
        input=BAD_UTF8,
        capture_output=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    errors = [json.loads(line) for line in result.stderr.decode().splitlines() if line.strip()]
    assert errors == [{"error": "not valid UTF-8 text (byte 10); the line was skipped", "line": 2}]
    assert len(_lines(result.stdout.decode())) == 2


def test_time_24_00_is_refused_clearly_and_changes_nothing(tmp_path: Path) -> None:
    script = "\n".join(
        [
            ":admin ada",
            "@ada: /kith setup checkin channel:#general time:24:00 days:mon-fri",
            "@ada: /kith setup buddies channel:#general every:1w day:mon time:24:00",
            "@ada: /kith setup kindness channel:#general leaderboard:off time:24:00",
            "@ada: /kith status",
        ]
    )
    messages, errors = console(script, tmp_path, "--start", START)
    assert errors == []
    refusals = [m["text"] for m in messages[:3]]
    assert all(t.startswith("“24:00” is not a time of day") for t in refusals), refusals
    assert "Nothing was changed" in refusals[0]
    assert messages[3]["text"].startswith("Nothing is set up yet")
