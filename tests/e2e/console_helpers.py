"""Running ``kith`` as a subprocess, the way a user or a script would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

KITH = str(Path(sys.executable).parent / "kith")


def kith(
    *args: str,
    stdin: str = "",
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    full_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("KITH_", "DISCORD_", "SLACK_"))
    }
    full_env.update(env or {})
    return subprocess.run(
        [KITH, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


def console(
    script: str,
    tmp_path: Path,
    *extra: str,
    name: str = "script.txt",
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run a console script with --json; return (bot messages, errors)."""
    path = tmp_path / name
    path.write_text(script, encoding="utf-8")
    result = kith("console", "--script", str(path), "--json", *extra)
    assert result.returncode == 0, result.stderr
    messages = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    errors = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    return messages, errors


def checkin_posts(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        m
        for m in messages
        if m["to"] == "#general"
        and m["thread"] is None
        and m["text"].startswith("☀️ Daily check-in")
    ]
