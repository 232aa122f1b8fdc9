"""Chart images for ``/kith stats``: the same series as the text, as a PNG with alt text."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.charts.describe import alt_text
from bot.charts.raster import render_png
from bot.charts.svg import chart_svg
from bot.messages import Attachment
from bot.sparklines import Series

log = logging.getLogger("kith.charts")

MEDIA_TYPE = "image/png"


async def stats_chart(title: str, series: Sequence[Series]) -> Attachment | None:
    """A PNG of ``series`` with alt text, or None (no series, or the charts extra missing).
    A chart that fails to draw is logged and left out: the text answer is complete anyway."""
    if not series:
        return None
    try:
        png = await render_png(chart_svg(title, series))
    except (RuntimeError, ValueError, OSError):
        log.exception("event=chart_failed series=%d", len(series))
        return None
    if png is None:
        return None
    return Attachment("kith-stats.png", png, MEDIA_TYPE, description=alt_text(title, series))
