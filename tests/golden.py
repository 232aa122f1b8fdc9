"""Golden files: a rendered payload compared with the JSON file that holds what it should be.

Run with ``KITH_UPDATE_GOLDEN=1`` to write the files after an intended change, then review the
diff like any other change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).parent / "unit" / "golden"


def assert_golden(name: str, value: Any) -> None:
    """``value`` as indented, key-sorted JSON must equal ``tests/unit/golden/NAME.json``."""
    path = GOLDEN / f"{name}.json"
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("KITH_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path.name}; run with KITH_UPDATE_GOLDEN=1"
    assert path.read_text(encoding="utf-8") == text, f"{name} changed; review and update"
