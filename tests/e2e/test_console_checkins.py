"""The console adapter end to end: ``kith console --script … --json`` as a subprocess."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.e2e.console_helpers import KITH, checkin_posts, console, kith

LONDON = ZoneInfo("Europe/London")
SETUP = """\
:admin ada
@ada: /kith setup checkin channel:#general time:09:00 days:mon-fri
"""


def weekdays(start: date, end: date) -> list[date]:
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return [d for d in days if d.weekday() < 5]


def assert_one_post_per_weekday_at_nine(
    posts: list[dict[str, object]], first: date, last: date
) -> None:
    local = [datetime.fromisoformat(str(p["at"])).astimezone(LONDON) for p in posts]
    assert [t.date() for t in local] == weekdays(first, last)
    assert all((t.hour, t.minute) == (9, 0) for t in local)


def test_a_month_across_the_clock_change_posts_once_per_weekday_at_local_nine(
    tmp_path: Path,
) -> None:
    # 16 March to 15 April 2026; London moves to BST on 29 March.
    messages, errors = console(
        SETUP + ":advance 31d\n", tmp_path, "--start", "2026-03-16T07:00", "--tz", "Europe/London"
    )
    assert errors == []
    posts = checkin_posts(messages)
    assert_one_post_per_weekday_at_nine(posts, date(2026, 3, 16), date(2026, 4, 15))
    offsets = {str(p["at"])[-6:] for p in posts}
    assert offsets == {"+00:00", "+01:00"}  # the `at` field carries the local UTC offset
    assert len({p["text"] for p in posts}) == len(posts)  # no prompt repeated


def test_same_script_same_output_and_members_see_only_their_own_answers(tmp_path: Path) -> None:
    script = (
        SETUP
        + """\
:advance 3h
@bo: !click m2 4
@bo: !click m2 5
@cy: !click m2 reflect
@cy: I went for a walk and felt lighter.
"""
    )
    first, _ = console(script, tmp_path, "--start", "2026-03-02T07:00", name="a.txt")
    second, _ = console(script, tmp_path, "--start", "2026-03-02T07:00", name="b.txt")
    assert first == second
    private = [m for m in first if m["private"]]
    assert {m["to"] for m in private} == {"@ada", "@bo", "@cy"}
    assert any("Changed your answer" in m["text"] and m["to"] == "@bo" for m in private)
    saved = next(m for m in private if m["text"].startswith("Saved"))
    assert saved["to"] == "@cy" and [c["value"] for c in saved["choices"]] == [
        "keep",
        "named",
        "anon",
    ]


def test_restart_on_the_same_database_neither_repeats_nor_loses_a_post(tmp_path: Path) -> None:
    db = str(tmp_path / "kith.sqlite3")
    one, _ = console(
        SETUP + ":advance 10d\n",
        tmp_path,
        "--db",
        db,
        "--start",
        "2026-03-02T07:00",
        "--tz",
        "Europe/London",
        name="one.txt",
    )
    two, _ = console(
        ":advance 10d\n",
        tmp_path,
        "--db",
        db,
        "--start",
        "2026-03-12T07:00",
        "--tz",
        "Europe/London",
        name="two.txt",
    )
    assert_one_post_per_weekday_at_nine(
        checkin_posts(one) + checkin_posts(two), date(2026, 3, 2), date(2026, 3, 21)
    )
    assert two[0]["id"] != one[0]["id"]  # message ids continue, they don't restart


def test_killed_mid_schedule_then_restarted_delivers_each_post_exactly_once(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "kith.sqlite3")
    script = tmp_path / "long.txt"
    script.write_text(SETUP + ":advance 60d\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KITH_")}
    process = subprocess.Popen(
        [
            KITH,
            "console",
            "--script",
            str(script),
            "--json",
            "--db",
            db,
            "--start",
            "2026-03-02T07:00",
            "--tz",
            "Europe/London",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    seen: list[dict[str, object]] = []
    for line in process.stdout:
        seen.append(json.loads(line))
        if len(checkin_posts(seen)) == 8:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    # What it printed before the signal landed was shown to members too: read it all.
    seen.extend(json.loads(line) for line in process.stdout if line.strip())
    resume_at = str(checkin_posts(seen)[-1]["at"])
    rest, _ = console(
        ":advance 30d\n",
        tmp_path,
        "--db",
        db,
        "--start",
        resume_at,
        "--tz",
        "Europe/London",
        name="rest.txt",
    )
    first_run = checkin_posts(seen)
    posts = first_run + checkin_posts(rest)
    last = datetime.fromisoformat(resume_at).date() + timedelta(days=30)
    assert_one_post_per_weekday_at_nine(posts, date(2026, 3, 2), last)
    with sqlite3.connect(db) as conn:
        states = dict(
            conn.execute("SELECT state, COUNT(*) FROM occurrences GROUP BY state").fetchall()
        )
        logged = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT delivery_key) FROM console_messages"
            " WHERE delivery_key LIKE 'kith-occ-%'"
        ).fetchone()
    assert states.get("sent") == len(posts) and "claimed" not in states
    assert logged == (len(posts), len(posts))


def test_downtime_beyond_grace_is_missed_and_shown_within_grace_is_late(tmp_path: Path) -> None:
    db = str(tmp_path / "kith.sqlite3")
    console(
        SETUP + ":advance 1h\n", tmp_path, "--db", db, "--start", "2026-03-02T07:00", name="a.txt"
    )
    # Back on Wednesday at 10:00: Monday and Tuesday are past the 2-hour grace, Wednesday is not.
    later, _ = console(
        "@ada: /kith status\n", tmp_path, "--db", db, "--start", "2026-03-04T10:00", name="b.txt"
    )
    posts = checkin_posts(later)
    assert len(posts) == 1 and posts[0]["at"].startswith("2026-03-04T10:00")
    status = next(m for m in later if m["to"] == "@ada")["text"]
    assert status.count("Missed:") == 2 and "Kith was not running" in status


def test_malformed_lines_and_bad_input_get_clear_messages_and_the_run_goes_on(
    tmp_path: Path,
) -> None:
    script = (
        SETUP
        + """\
:advance 3h
this is not a valid line
:advance soon
@bo: /kith setup checkin time:10:00
@ada: /kith setup checkin time:25:00
@ada: /kith setup checkin tz:Europe/Londn
@bo: /kith frobnicate
@bo: !click m2 9
@bo: !click m99 1
:tz bo Atlantis/Lost
@bo: !click m2 3
"""
    )
    messages, errors = console(script, tmp_path, "--start", "2026-03-02T07:00")
    assert [e["line"] for e in errors] == [4, 5, 10, 11, 12]
    assert "no choice '9'" in errors[2]["error"] and "no message m99" in errors[3]["error"]
    texts = [m["text"] for m in messages if m["private"]]
    assert any("for this community's admins" in t for t in texts)
    assert any("not a time of day" in t for t in texts)
    assert any("Did you mean Europe/London" in t for t in texts)
    assert any("don't know the command /kith frobnicate" in t for t in texts)
    assert "3/5" in texts[-1]  # the run went on after every error
    posts = checkin_posts(messages)
    assert len(posts) == 1 and posts[0]["at"].startswith("2026-03-02T09:00")  # unchanged


def test_kith_run_without_credentials_runs_the_console_and_says_so(tmp_path: Path) -> None:
    result = kith(
        "run",
        stdin="@ada: /kith help\n",
        env={"KITH_DATABASE_URL": str(tmp_path / "run.sqlite3")},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "no platform credentials are configured" in result.stderr
    assert result.stderr.count("\n") == 1
    assert "not a therapy or crisis service" in result.stdout
    assert (tmp_path / "run.sqlite3").exists()


def test_a_chosen_platform_without_credentials_is_one_clear_error(tmp_path: Path) -> None:
    result = kith("run", env={"KITH_PLATFORM": "discord"}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "kith: KITH_PLATFORM=discord needs DISCORD_TOKEN (the bot token)."
    )


def test_migrate_and_help(tmp_path: Path) -> None:
    target = str(tmp_path / "m.sqlite3")
    first = kith("migrate", "--database", target, cwd=tmp_path)
    assert first.returncode == 0 and "applied 1" in first.stdout
    again = kith("migrate", "--database", target, cwd=tmp_path)
    assert "nothing to apply" in again.stdout
    assert kith("--help").returncode == 0 and "console" in kith("--help").stdout


def test_sharing_a_reflection_posts_it_in_the_check_in_thread(tmp_path: Path) -> None:
    """Regression: sharing always failed in the console (its message references were not the
    core's channel keys)."""
    db = str(tmp_path / "kith.sqlite3")
    start = ("--db", db, "--start", "2026-03-16T07:00", "--tz", "Europe/London")
    messages, errors = console(SETUP + ":advance 3h\n", tmp_path, *start, name="one.txt")
    [post] = checkin_posts(messages)
    script = f"@bo: !click {post['id']} reflect\n@bo: A good walk cleared my head today.\n"
    messages, errors = console(script, tmp_path, *start, name="two.txt")
    assert errors == []
    saved = next(m for m in messages if m["text"].startswith("Saved, privately"))
    messages, errors = console(
        f"@bo: !click {saved['id']} named\n", tmp_path, *start, name="three.txt"
    )
    assert errors == []
    shared = [m for m in messages if "shared a reflection" in m["text"]]
    assert [(m["to"], m["thread"]) for m in shared] == [("#general", post["id"])]
    assert "A good walk cleared my head today." in shared[0]["text"]
    assert any(
        m["to"] == "@bo" and m["text"].startswith("Shared in the check-in thread") for m in messages
    )
