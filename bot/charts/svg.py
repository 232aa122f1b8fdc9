"""A chart of ``/kith stats`` series as a small, self-contained SVG (pure: no I/O).

One panel per series, stacked: bars for counts and rates, a line for a trend. A withheld value
(an aggregate of fewer than five answers) is drawn as nothing at all, with a dash on the axis
where it would be: the picture never shows what the text withholds. Text uses one font family,
shipped with Kith, so the picture looks the same wherever it is rendered.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from bot.sparklines import Series

FONT_FAMILY = "DejaVu Sans"
WIDTH = 720
TITLE_HEIGHT = 44
PANEL_HEIGHT = 150
LEFT, RIGHT = 56, 28  # room for the value axis labels, and a margin
PLOT_TOP, PLOT_BOTTOM = 26, 24  # within a panel: its title above, the period labels below
INK, MUTED, GRID, FILL = "#1f2933", "#616e7c", "#e4e7eb", "#3e7c6b"


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _scale(series: Series) -> tuple[float, float]:
    shown = [v for v in series.values if v is not None]
    low = series.low if series.low is not None else min(shown, default=0.0)
    high = series.high if series.high is not None else max(shown, default=1.0)
    return low, high if high > low else low + 1


def _panel(series: Series, top: float) -> list[str]:
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = PANEL_HEIGHT - PLOT_TOP - PLOT_BOTTOM
    y0 = top + PLOT_TOP
    low, high = _scale(series)
    count = max(len(series.values), 1)
    step = plot_w / count

    def y_of(value: float) -> float:
        share = (min(max(value, low), high) - low) / (high - low)
        return y0 + plot_h * (1 - share)

    out = [
        f'<text x="{LEFT}" y="{_fmt(top + 16)}" font-size="14" fill="{INK}">'
        f"{escape(series.title)}</text>",
        f'<line x1="{LEFT}" y1="{_fmt(y0 + plot_h)}" x2="{WIDTH - RIGHT}" '
        f'y2="{_fmt(y0 + plot_h)}" stroke="{GRID}"/>',
        f'<line x1="{LEFT}" y1="{_fmt(y0)}" x2="{WIDTH - RIGHT}" y2="{_fmt(y0)}" '
        f'stroke="{GRID}" stroke-dasharray="3 3"/>',
        f'<text x="{LEFT - 6}" y="{_fmt(y0 + 4)}" font-size="11" fill="{MUTED}" '
        f'text-anchor="end">{escape(series.number(high))}</text>',
        f'<text x="{LEFT - 6}" y="{_fmt(y0 + plot_h + 4)}" font-size="11" fill="{MUTED}" '
        f'text-anchor="end">{escape(series.number(low))}</text>',
    ]
    points: list[list[tuple[float, float]]] = [[]]
    for index, value in enumerate(series.values):
        x = LEFT + step * index
        centre = x + step / 2
        if value is None:
            # Withheld: no bar, no point, a dash on the axis; the line breaks here.
            out.append(
                f'<text x="{_fmt(centre)}" y="{_fmt(y0 + plot_h - 3)}" font-size="11" '
                f'fill="{MUTED}" text-anchor="middle" class="withheld">–</text>'
            )
            if points[-1]:
                points.append([])
            continue
        if series.style == "line":
            points[-1].append((centre, y_of(value)))
        else:
            bar_top = y_of(value)
            width = max(step * 0.7, 1.0)
            out.append(
                f'<rect x="{_fmt(centre - width / 2)}" y="{_fmt(bar_top)}" '
                f'width="{_fmt(width)}" height="{_fmt(y0 + plot_h - bar_top)}" fill="{FILL}"/>'
            )
    for run in points:
        if len(run) > 1:
            path = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in run)
            out.append(
                f'<polyline points="{path}" fill="none" stroke="{FILL}" stroke-width="2.5"/>'
            )
        out.extend(f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="3.5" fill="{FILL}"/>' for x, y in run)
    if series.labels:
        label_y = _fmt(y0 + plot_h + 16)
        out.append(
            f'<text x="{LEFT}" y="{label_y}" font-size="11" fill="{MUTED}">'
            f"{escape(series.labels[0])}</text>"
        )
        if len(series.labels) > 1:
            out.append(
                f'<text x="{WIDTH - RIGHT}" y="{label_y}" font-size="11" fill="{MUTED}" '
                f'text-anchor="end">{escape(series.labels[-1])}</text>'
            )
    return out


def chart_svg(title: str, series: Sequence[Series]) -> str:
    """The whole picture: a title, then one panel per series."""
    height = TITLE_HEIGHT + PANEL_HEIGHT * len(series)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="{FONT_FAMILY}">',
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="28" font-size="18" fill="{INK}">{escape(title)}</text>',
    ]
    for index, one in enumerate(series):
        parts.extend(_panel(one, TITLE_HEIGHT + PANEL_HEIGHT * index))
    parts.append("</svg>")
    return "\n".join(parts)
