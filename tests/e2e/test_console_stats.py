"""/kith stats on the console: the text with its sparklines, and the chart written as a PNG
beside the database, its path and alt text printed."""

from __future__ import annotations

import re
import struct
from pathlib import Path

from tests.e2e.console_helpers import console

SCRIPT = """\
:admin ada
@ada: /kith setup kindness channel:#kindness
@bo: /kind helped a neighbour
@cy: /kind made tea
:advance 1d
@ada: /kith stats window:7d
"""


def test_stats_prints_sparklines_and_writes_the_chart_beside_the_database(tmp_path: Path) -> None:
    db = tmp_path / "data" / "kith.sqlite3"
    db.parent.mkdir()
    messages, errors = console(
        SCRIPT, tmp_path, "--db", str(db), "--start", "2026-03-02T06:00:00+00:00"
    )
    assert errors == []
    stats = messages[-1]
    assert stats["to"] == "@ada" and stats["private"]
    assert "Kind acts by day: ▁▁▁▁▁█▁  (0, 0, 0, 0, 0, 2, 0)" in stats["text"]
    found = re.search(r"\[kith-stats\.png saved to (\S+)\]", stats["text"])
    assert found is not None, stats["text"]
    path = Path(found.group(1))
    assert path.parent == db.parent and path.suffix == ".png"
    png = path.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">I", png[16:20])[0] == 720
    assert "Kith stats, last 7 days. Kind acts by day: " in stats["text"]  # the alt text
