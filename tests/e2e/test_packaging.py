"""The wheel carries the prompt decks, so an installed Kith finds them from any directory."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_ships_prompts_and_migrations_and_runs_from_elsewhere(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = (tmp_path / "dist").glob("kith_bot-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for deck in ("checkins", "starters", "kindness"):
        assert f"bot/_prompts/{deck}.toml" in names
    assert "bot/store/migrations/0001_foundation.sql" in names
    assert any(n.endswith("entry_points.txt") for n in names)
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = (
        "from bot.prompts import load_catalogue, prompts_dir; "
        "print(prompts_dir()); print(len(load_catalogue().checkins))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(unpacked)},
        timeout=60,
        check=True,
    )
    folder, count = result.stdout.split()
    assert Path(folder) == unpacked / "bot" / "_prompts" and int(count) >= 60
