"""The documents a newcomer reads name files and modules that exist: a move or a rename that
forgets them fails here, instead of sending the next contributor to a file that is gone."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ("README.md", "CONTRIBUTING.md", "SECURITY.md", "CHANGELOG.md", "bench/README.md")
TOPS = "bot|adapters|tests|prompts|bench"
# `bot/scheduling/scheduler.py`, `tests/scenario/test_fuzz_*.py`, `prompts/safety/`
PATH = re.compile(rf"`((?:{TOPS})/[\w./*-]*)`")
# `bot.shutdown.stop_on_signals`, `adapters.slack.manifest`
MODULE = re.compile(r"`((?:bot|adapters)(?:\.\w+)+)`")


def dangling(text: str) -> list[str]:
    found = []
    for path in PATH.findall(text):
        if not (any(ROOT.glob(path.rstrip("/"))) if "*" in path else (ROOT / path).exists()):
            found.append(path)
    for dotted in MODULE.findall(text):
        parts = dotted.split(".")
        # The module is the longest prefix that is a file or package; the rest are its names.
        known = any(
            (ROOT / Path(*parts[:n])).with_suffix(".py").is_file()
            or (ROOT / Path(*parts[:n]) / "__init__.py").is_file()
            for n in range(2, len(parts) + 1)
        )
        if not known:
            found.append(dotted)
    return found


def test_every_file_and_module_the_documents_name_exists() -> None:
    read = {
        name: (ROOT / name).read_text(encoding="utf-8") for name in DOCS if (ROOT / name).exists()
    }
    assert {"README.md", "SECURITY.md", "CHANGELOG.md"} <= set(read)
    missing = {name: dangling(text) for name, text in read.items()}
    assert {name: paths for name, paths in missing.items() if paths} == {}


def test_a_renamed_file_or_module_is_caught() -> None:
    assert dangling("see `bot/no_such_module.py` and `bot.no_such_module.thing`") == [
        "bot/no_such_module.py",
        "bot.no_such_module.thing",
    ]
    assert dangling("see `bot/core.py`, `tests/unit/test_*.py` and `bot.core.Kith`") == []
