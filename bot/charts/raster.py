"""SVG to PNG with resvg (the optional ``kith-bot[charts]`` extra), off the event loop.

resvg needs no system libraries and draws text only with the fonts it is given: Kith passes its
own font file and no system fonts, so a slim image draws the same picture as a desktop (without
a font file the text would silently disappear). Without resvg installed there is no image, and
``/kith stats`` answers in text alone, which is complete by itself.
"""

from __future__ import annotations

import importlib
from importlib import resources
from pathlib import Path
from types import ModuleType

from bot.charts.svg import FONT_FAMILY
from bot.workers import in_worker


def _resvg() -> ModuleType | None:
    """resvg-py if the charts extra is installed (the text answer does not need it)."""
    try:
        return importlib.import_module("resvg_py")
    except ImportError:
        return None


resvg_py = _resvg()

FONT_FILE = "DejaVuSans.ttf"


def font_path() -> Path:
    return Path(str(resources.files("bot.charts").joinpath("fonts", FONT_FILE)))


def available() -> bool:
    return resvg_py is not None


def rasterise(svg: str) -> bytes:
    """PNG bytes for ``svg`` (blocking: a few tens of milliseconds of CPU)."""
    if resvg_py is None:
        raise RuntimeError("charts need the kith-bot[charts] extra (resvg-py)")
    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=svg,
            skip_system_fonts=True,
            font_files=[str(font_path())],
            font_family=FONT_FAMILY,
            sans_serif_family=FONT_FAMILY,
            background="#ffffff",
        )
    )


async def render_png(svg: str) -> bytes | None:
    """The PNG, drawn in the worker process: resvg keeps the interpreter lock while it draws,
    so a thread would still stall the event loop (measured with bench/charts.py)."""
    if resvg_py is None:
        return None
    return await in_worker(rasterise, svg)
