"""A buddy season end to end through ``kith console --script … --json`` as a subprocess.

Nine members, eight weekly rounds: Dee pauses until round 4, Eve skips round 2, Fay pauses over
round 6, Ben avoids Cal, and Gus never answers. The season is played one week per run against
the same ``--db`` (state survives between runs, so message ids carry on), because each week's
clicks name the follow-up messages the previous week produced.
"""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tests.e2e.console_helpers import kith
from tests.scenario.test_buddies import least_repeats_possible, repeats_in

LONDON = ZoneInfo("Europe/London")
MEMBERS = ["ana", "ben", "cal", "dee", "eve", "fay", "gus", "hal", "ivy"]
ROUNDS = 8
BUDDIES = re.compile(r"This round's buddies: (.+)\.")


class Season:
    """Runs the console against one database, a week at a time, keeping everything it printed."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.database = tmp_path / "season.sqlite3"
        self.now = datetime(2026, 3, 2, 8, 0, tzinfo=LONDON)
        self.messages: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        self.runs = 0

    def run(self, lines: Iterable[str], advance: timedelta = timedelta(0)) -> list[dict[str, Any]]:
        self.runs += 1
        script = list(lines)
        if advance:
            script.append(f":advance {int(advance.total_seconds())}s")
        path = self.tmp_path / f"week{self.runs}.txt"
        path.write_text("\n".join(script) + "\n", encoding="utf-8")
        result = kith(
            "console",
            "--db",
            str(self.database),
            "--script",
            str(path),
            "--json",
            "--start",
            self.now.isoformat(),
            "--tz",
            "Europe/London",
        )
        assert result.returncode == 0, result.stderr
        new = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
        self.errors += [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
        self.messages += new
        self.now += advance
        return new


def groups_of(messages: list[dict[str, Any]], number: int) -> list[frozenset[str]]:
    """Round ``number``'s groups, read from the intros each member received."""
    groups: dict[str, frozenset[str]] = {}
    for m in messages:
        if m["private"] and m["text"].startswith(f"👋 Buddy round {number}\n"):
            found = BUDDIES.search(m["text"])
            assert found, m["text"]
            names = frozenset(re.findall(r"@([a-z]+)", found.group(1)))
            assert m["to"][1:] in names  # introduced only to a group they are in
            groups[m["to"][1:]] = names
    return sorted(set(groups.values()), key=sorted)


def received(messages: list[dict[str, Any]], name: str, prefix: str) -> list[dict[str, Any]]:
    return [m for m in messages if m["to"] == f"@{name}" and m["text"].startswith(prefix)]


def eligible(number: int) -> set[str]:
    out = {"gus"} if number >= 4 else set()  # asked whether to stay after three quiet rounds
    if number <= 3:
        out.add("dee")  # paused until round 4's date
    if number == 2:
        out.add("eve")  # skipped just round 2
    if number == 6:
        out.add("fay")  # paused over round 6
    return set(MEMBERS) - out


def answers_for(groups: list[frozenset[str]], number: int) -> dict[str, str]:
    """Who clicks what this round. Gus never answers and his group says they couldn't meet (so
    nobody vouches for him); Hal says "not yet"; Ivy answers only in odd rounds."""
    clicks: dict[str, str] = {}
    for group in groups:
        for name in sorted(group):
            if name == "gus" or (name == "ivy" and number % 2 == 0):
                continue
            if "gus" in group:
                clicks[name] = "couldnt"
            elif name == "hal":
                clicks[name] = "notyet"
            else:
                clicks[name] = "met"
    return clicks


def test_a_season_of_eight_rounds(tmp_path: Path) -> None:
    season = Season(tmp_path)
    setup = [
        ":admin ada",
        "@ada: /kith setup buddies channel:#buddies every:1w day:mon time:09:00",
        *(f"@{name}: /buddy join" for name in MEMBERS),
        "@ben: /buddy avoid @cal",
        "@dee: /buddy pause until:2026-03-23",
    ]
    # To Sunday 10:00: round 1's intro (Mon 09:00), nudge (Thu) and follow-up (Sun 09:00).
    week = season.run(setup, timedelta(days=6, hours=2))
    expected_stats: dict[int, tuple[int, int, int, int]] = {}
    all_groups: dict[int, list[frozenset[str]]] = {}
    for number in range(1, ROUNDS + 1):
        groups = groups_of(week, number)
        all_groups[number] = groups
        placed = sorted(itertools.chain.from_iterable(groups))
        # Every round complete, nobody left out: each eligible member in exactly one group.
        assert placed == sorted(eligible(number)), number
        assert sorted(len(g) for g in groups)[0] >= 2
        for group in groups:
            assert not {"ben", "cal"} <= group
            for name in group:
                assert len(received(week, name, f"👋 Buddy round {number}\n")) == 1
                assert len(received(week, name, f"🌱 Halfway through buddy round {number}")) == 1
                assert len(received(week, name, f"🤝 Buddy round {number}: did you connect?")) == 1
        # No avoidable repeat: no grouping of this pool had fewer (or less recent) repeats.
        earlier = [all_groups[n] for n in range(number - 1, 0, -1)]
        assert repeats_in(groups, earlier) == least_repeats_possible(
            placed, earlier, avoid=(("ben", "cal"),)
        ), number
        clicks = answers_for(groups, number)
        lines = []
        for name, value in clicks.items():
            [question] = received(week, name, f"🤝 Buddy round {number}: did you connect?")
            lines.append(f"@{name}: !click {question['id']} {value}")
        met_groups = sum(1 for g in groups if any(clicks.get(n) == "met" for n in g))
        expected_stats[number] = (len(groups), len(placed), len(clicks), met_groups)
        if number == 1:
            lines.append("@eve: /buddy skip")
        if number == 5:
            lines.append("@fay: /buddy pause until:2026-04-13")
        if number == 3:
            # Follow-ups are only clickable by the group's own members.
            [question] = received(week, "ana", "🤝 Buddy round 3: did you connect?")
            outsider = next(n for n in eligible(3) if not any({n, "ana"} <= g for g in groups))
            lines.append(f"@{outsider}: !click {question['id']} met")
        advance = timedelta(days=7) if number < ROUNDS else timedelta(0)
        week = season.run(lines, advance)

    # The one ghost was asked once, kindly, at round 4, and never again.
    asks = received(season.messages, "gus", "Buddy pairing: still up for it?")
    assert len(asks) == 1 and "2026-03-23T09:00" in asks[0]["at"]
    assert [c["value"] for c in asks[0]["choices"]] == ["stay", "pause", "leave"]
    # The outsider's click on someone else's follow-up was refused by the console.
    refused = [e for e in season.errors if "is private to @ana" in e["error"]]
    assert len(refused) == 1 and len(season.errors) == 1

    # Stats match the clicks, round by round.
    final = season.run(
        ["@ada: /kith stats window:90d", "@ada: /kith status", "@ivy: /buddy status"]
    )
    stats = next(
        m["text"] for m in final if m["to"] == "@ada" and "Buddy pairing, last" in m["text"]
    )
    for number, (groups, paired, answered, met) in expected_stats.items():
        assert (
            f"Round {number} (" in stats
            and f"{groups} groups · {paired} members paired · {answered} of {paired} answered · "
            f"met in {met} of {groups} groups"
            in stats
        ), (number, stats)
    status = next(m["text"] for m in final if m["to"] == "@ada" and "Buddy pairing ·" in m["text"])
    assert "Pool: 9 members (1 not yet answered whether to stay)." in status
    assert "Couldn't reach" not in status
    mine = next(m["text"] for m in final if m["to"] == "@ivy")
    ivy_group = next(g for g in all_groups[ROUNDS] if "ivy" in g)
    for other in ivy_group - {"ivy"}:
        assert f"@{other}" in mine
    assert "Next round: Mon 27 Apr 09:00 BST." in mine

    with sqlite3.connect(season.database) as db:
        states = db.execute(
            "SELECT kind, state, COUNT(*) FROM occurrences WHERE kind LIKE 'buddies.%'"
            " AND due_at <= ? GROUP BY kind, state",
            (int(season.now.timestamp()),),
        ).fetchall()
    assert sorted(states) == [
        ("buddies.followup", "sent", ROUNDS),
        ("buddies.nudge", "sent", ROUNDS),
        ("buddies.round", "sent", ROUNDS),
    ]
