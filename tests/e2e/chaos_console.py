"""A simulated month of the console community, SIGKILLed at seeded random points.

The month is a plan of member actions at fixed instants (``/kind``, ``/thanks``, mood clicks on
the day's check-in, ✅ on the day's challenge). It is played by ``kith console --script --json``
subprocesses on one database, a window of a day or two per run. Most runs are killed with
SIGKILL: after a chosen number of printed lines, at a chosen scheduled post, or after a chosen
delay (so during start-up, an action, a post or an advance). Each restart resumes the simulated
clock where the database says the dead process got to, plus a downtime gap (some within the
grace window, some beyond it); actions planned for the downtime never happen, like messages sent
to a bot that is down.

Everything a process printed before it died is kept: a line on stdout is an acknowledgement the
member saw, so the checks hold the database to it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.scheduling.scheduler import LEASE
from tests.e2e.console_helpers import KITH

TZ = ZoneInfo("Europe/London")
START = datetime(2026, 3, 2, 7, 0, tzinfo=TZ)  # a Monday
SETTLE = timedelta(hours=3)  # the last run goes this far past the month: every grace has ended
MEMBERS = ("ana", "ben", "cal", "dee")
SETUP = [
    ":admin ada",
    "@ada: /kith setup checkin channel:#general time:09:00 days:mon-sun",
    "@ada: /kith setup buddies channel:#buddies every:1w day:mon time:10:00",
    "@ada: /kith setup kindness channel:#kindness challenge:31-day time:12:00",
    *(f"@{m}: /buddy join" for m in MEMBERS),
]


@dataclass(frozen=True)
class Step:
    at: datetime
    member: str
    kind: str  # kind | thanks | mood | done
    value: str  # the act's text, the thanked member, the mood


@dataclass
class Run:
    number: int
    start: datetime
    end: datetime  # how far the database says this run got (the window's end if it finished)
    kill: str | None  # how it was killed, None if it finished its window
    killed: bool = False
    printed: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def plan(rng: random.Random, days: int) -> list[Step]:
    """The month's member actions, at most one mood click per member per day."""
    steps: list[Step] = []
    acts = 0
    for offset in range(days):
        day = START.date() + timedelta(days=offset)

        def at(first: int, last: int, day: date = day) -> datetime:
            minute = rng.randrange(first * 60, last * 60)
            return datetime.combine(day, time(minute // 60, minute % 60), TZ)

        for member in MEMBERS:
            if rng.random() < 0.7:
                acts += 1
                steps.append(Step(at(7, 23), member, "kind", f"chaos act {acts}"))
            if rng.random() < 0.35:
                steps.append(Step(at(9, 21), member, "mood", str(rng.randint(1, 5))))
        if rng.random() < 0.5:
            steps.append(Step(at(12, 22), rng.choice(MEMBERS), "done", ""))
        if rng.random() < 0.3:
            giver, thanked = rng.sample(MEMBERS, 2)
            steps.append(Step(at(8, 22), giver, "thanks", thanked))
    return sorted(steps, key=lambda s: s.at)


class ChaosMonth:
    def __init__(self, tmp_path: Path, seed: int, days: int = 31) -> None:
        self.tmp_path = tmp_path
        self.db = tmp_path / "chaos.sqlite3"
        self.rng = random.Random(seed)
        self.end = datetime.combine(START.date() + timedelta(days=days), time(0, 0), TZ)
        self.steps = plan(self.rng, days)
        self.runs: list[Run] = []

    # -- one process -------------------------------------------------------------------------

    def _process(self, run: Run, script: list[str]) -> None:
        path = self.tmp_path / f"run{run.number}.txt"
        path.write_text("\n".join(script) + "\n", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("KITH_")}
        where = ["--db", str(self.db), "--start", run.start.isoformat(), "--tz", "Europe/London"]
        process = subprocess.Popen(
            [KITH, "console", "--script", str(path), "--json", *where],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert process.stdout is not None and process.stderr is not None
        how, _, amount = (run.kill or "none:0").partition(":")
        timer = None
        if how == "delay":
            timer = threading.Timer(float(amount), process.send_signal, (signal.SIGKILL,))
            timer.start()
        posts = 0
        for line in process.stdout:
            if not line.endswith("\n"):
                break  # cut off by the kill: never shown in full, so never promised
            message = json.loads(line)
            run.printed.append(message)
            posts += message["to"] in ("#general", "#kindness", "#buddies")
            if (how == "line" and len(run.printed) == int(amount)) or (
                how == "post" and posts == int(amount)
            ):
                process.send_signal(signal.SIGKILL)
        # Lines already in the pipe when the kill landed are read above: printed is promised.
        stderr = process.stderr.read()
        process.wait(timeout=60)
        if timer is not None:
            timer.cancel()
        run.killed = process.returncode == -signal.SIGKILL
        assert run.killed or process.returncode == 0, stderr
        run.errors = [json.loads(x) for x in stderr.splitlines() if x.startswith("{")]

    # -- the month ---------------------------------------------------------------------------

    def play(self, kills: int) -> None:
        """Play the month with at least ``kills`` SIGKILLs (more when a trigger lands early)."""
        setup = Run(0, START, START, None)
        self._process(setup, SETUP)
        self.runs.append(setup)
        now = START
        end = self.end
        while now < end + SETTLE:
            last = now >= end
            window_end = end + SETTLE if last else min(now + self._window(), end)
            done = sum(run.killed for run in self.runs)
            # Behind schedule for the kills asked for: a trigger that cannot miss.
            behind = done < kills + 2 and (now - START) / (end - START) >= done / (kills + 2)
            run = Run(len(self.runs), now, now, None if last else self._kill(behind))
            self._process(run, self._script(now, window_end))
            self.runs.append(run)
            reached = self.database_now()
            run.end = reached if run.killed else max(reached, window_end)
            if run.killed:
                now = max(now, reached) + self._downtime()
                now = min(now, end)
            else:
                now = window_end

    def _window(self) -> timedelta:
        return timedelta(minutes=self.rng.randrange(40 * 60, 72 * 60))

    def _kill(self, behind: bool) -> str:
        roll = self.rng.random()
        if roll < 0.45:
            return f"line:{self.rng.randint(1, 3 if behind else 20)}"
        if roll < 0.85 or behind:
            return f"post:{self.rng.randint(1, 1 if behind else 5)}"
        return f"delay:{self.rng.uniform(0.3, 1.0):.2f}"

    def _downtime(self) -> timedelta:
        roll = self.rng.random()
        if roll < 0.35:
            return timedelta(minutes=self.rng.randrange(0, 20))
        if roll < 0.65:
            return timedelta(minutes=self.rng.randrange(20, 100))  # still inside a 2 h grace
        return timedelta(minutes=self.rng.randrange(150, 600))  # past it

    def _script(self, start: datetime, end: datetime) -> list[str]:
        lines: list[str] = []
        for step in self.steps:
            if not start < step.at <= end:
                continue
            line = self._line(step)
            if line is not None:
                lines += [f":at {step.at.isoformat()}", line]
        return [*lines, f":at {end.isoformat()}"]

    def _line(self, step: Step) -> str | None:
        if step.kind == "kind":
            return f"@{step.member}: /kind {step.value}"
        if step.kind == "thanks":
            return f"@{step.member}: /thanks @{step.value} for chaos thanks at {step.at:%d %H:%M}"
        # Clicks name a message id, which only the database knows once the post went out.
        kind = "checkin.post" if step.kind == "mood" else "kindness.challenge"
        message = self.posted(kind, step.at.date())
        if message is None:
            return None  # missed (or not yet posted): nothing to click
        value = step.value if step.kind == "mood" else "done"
        return f"@{step.member}: !click m{message} {value}"

    # -- reading the database ----------------------------------------------------------------

    def query(self, sql: str, *args: object) -> list[sqlite3.Row]:
        with sqlite3.connect(self.db) as conn:
            conn.row_factory = sqlite3.Row
            return conn.execute(sql, args).fetchall()

    def posted(self, kind: str, day: date) -> int | None:
        rows = self.query(
            "SELECT m.id FROM occurrences o JOIN console_messages m"
            " ON m.delivery_key = 'kith-occ-' || o.id WHERE o.kind = ? AND o.slot = ?",
            kind,
            day.isoformat(),
        )
        return int(rows[0]["id"]) if rows else None

    def database_now(self) -> datetime:
        """The latest moment anything was written at: where the dead process had got to."""
        latest = self.query(
            "SELECT MAX(t) AS t FROM ("
            " SELECT MAX(at) AS t FROM console_messages"
            " UNION ALL SELECT MAX(finished_at) FROM occurrences"
            f" UNION ALL SELECT MAX(lease_until) - {int(LEASE.total_seconds())} FROM occurrences"
            " UNION ALL SELECT MAX(created_at) FROM kind_acts"
            " UNION ALL SELECT MAX(created_at) FROM kind_thanks"
            " UNION ALL SELECT MAX(answered_at) FROM moods"
            " UNION ALL SELECT MAX(started_at) FROM maintenance_runs)"
        )[0]["t"]
        return datetime.fromtimestamp(latest, UTC).astimezone(TZ)

    @property
    def printed(self) -> list[dict[str, Any]]:
        return [m for run in self.runs for m in run.printed]
