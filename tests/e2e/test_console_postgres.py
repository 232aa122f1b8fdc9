"""The console community on PostgreSQL: ``kith console --db postgresql://…`` and ``kith run``
with a PostgreSQL URL, the way to try a multi-process deployment locally."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.console_helpers import kith
from tests.pg import scratch_database

SETUP = ":admin ada\n@ada: /kith setup checkin channel:#general time:09:00 days:mon-fri\n"


def _messages(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


async def test_kith_console_runs_on_postgresql_and_keeps_state_between_runs(
    tmp_path: Path,
) -> None:
    async with scratch_database() as url:
        first = kith(
            "console", "--db", url, "--json", "--start", "2026-03-02T08:00",
            stdin=SETUP + ":advance 2h\n@bo: !click m2 3\n",
            cwd=tmp_path,
        )  # fmt: skip
        assert first.returncode == 0, first.stderr
        assert first.stderr == ""
        sent = _messages(first.stdout)
        assert [m["id"] for m in sent] == ["m1", "m2", "m3"]
        assert str(sent[2]["text"]).startswith("Thanks for checking in")
        # A second run on the same database: the next post continues the ids, the first one is
        # neither repeated nor lost.
        second = kith(
            "console", "--db", url, "--json", "--start", "2026-03-03T08:30",
            stdin=":advance 1h\n@bo: !click m4 4\n",
            cwd=tmp_path,
        )  # fmt: skip
        assert second.returncode == 0, second.stderr
        assert [m["id"] for m in _messages(second.stdout)] == ["m4", "m5"]


async def test_kith_run_on_the_console_platform_with_a_postgresql_url(tmp_path: Path) -> None:
    async with scratch_database() as url:
        result = kith(
            "run",
            stdin=SETUP,
            env={"KITH_PLATFORM": "console", "KITH_DATABASE_URL": url},
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert "Daily check-ins are set up" in result.stdout
