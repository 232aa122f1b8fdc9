"""Stats charts: the SVG's structure (withheld values drawn as nothing), the PNG (size, content,
the shipped font's text really drawn) and the alt text in words."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET

from bot.charts import stats_chart
from bot.charts.describe import alt_text, trend_words
from bot.charts.raster import font_path, rasterise
from bot.charts.svg import PANEL_HEIGHT, TITLE_HEIGHT, WIDTH, chart_svg
from bot.sparklines import Series

SVG = "{http://www.w3.org/2000/svg}"
ANSWERS = Series("Answers by day", ("01 Mar", "02 Mar", "03 Mar", "04 Mar"), (2, 0, 9, 4), low=0)
MOOD = Series(
    "Mood by week",
    ("week of 02 Mar", "week of 09 Mar", "week of 16 Mar", "week of 23 Mar"),
    (3.2, None, 3.6, 4.1),
    low=1,
    high=5,
    number=lambda v: f"{v:.1f}",
    style="line",
)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_one_panel_per_series_with_a_bar_per_value_and_the_titles() -> None:
    root = parse(chart_svg("Kith stats, last 30 days", [ANSWERS, MOOD]))
    assert root.get("width") == str(WIDTH)
    assert root.get("height") == str(TITLE_HEIGHT + 2 * PANEL_HEIGHT)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"Kith stats, last 30 days", "Answers by day", "Mood by week"} <= set(texts)
    bars = root.findall(f"{SVG}rect")[1:]  # the first is the background
    assert len(bars) == 4
    heights = [float(b.get("height", "0")) for b in bars]
    assert heights[1] == 0 and heights[2] == max(heights)  # 0 is no bar, 9 the tallest


def test_a_withheld_week_is_a_gap_in_the_line_and_shows_no_value() -> None:
    root = parse(chart_svg("t", [MOOD]))
    runs = root.findall(f"{SVG}polyline")
    points = [len(r.get("points", "").split()) for r in runs]
    assert points == [2]  # 3.6 → 4.1; 3.2 stands alone before the gap
    assert len(root.findall(f"{SVG}circle")) == 3  # three weeks shown, not four
    withheld = [t for t in root.iter(f"{SVG}text") if t.get("class") == "withheld"]
    assert len(withheld) == 1 and withheld[0].text == "–"
    # No number for the hidden week anywhere (its value was never given to the chart).
    assert not any(
        t.text and re.fullmatch(r"\d\.\d", t.text) and t.text not in {"5.0", "1.0"}
        for t in root.iter(f"{SVG}text")
    )


def test_member_text_in_titles_is_escaped() -> None:
    series = Series("<b>&", ("a",), (1.0,))
    assert "<b>&" not in chart_svg("x", [series]) and "&lt;b&gt;&amp;" in chart_svg("x", [series])


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_png_has_the_charts_size_and_the_shipped_fonts_text() -> None:
    svg = chart_svg("Kith stats, last 30 days", [ANSWERS, MOOD])
    png = rasterise(svg)
    assert png_size(png) == (WIDTH, TITLE_HEIGHT + 2 * PANEL_HEIGHT)
    assert len(png) > 2000
    # The same picture with its text removed is a different image: the text is really drawn
    # (resvg draws nothing for text whose font it lacks, and Kith gives it only its own font).
    no_text = re.sub(r"<text[^>]*>.*?</text>", "", svg)
    assert rasterise(no_text) != png
    assert font_path().is_file() and font_path().stat().st_size > 100_000


async def test_stats_chart_carries_png_bytes_and_alt_text() -> None:
    chart = await stats_chart("Kith stats, last 30 days", [ANSWERS, MOOD])
    assert chart is not None and chart.media_type == "image/png" and chart.is_image
    assert isinstance(chart.content, bytes) and png_size(chart.data)[0] == WIDTH
    assert chart.description == alt_text("Kith stats, last 30 days", [ANSWERS, MOOD])
    assert await stats_chart("nothing", []) is None


def test_alt_text_states_the_trend_in_words() -> None:
    assert trend_words(MOOD) == (
        "Mood by week: rose from 3.2 (week of 02 Mar) to 4.1 (week of 23 Mar); "
        "1 withheld (fewer than 5 answers)."
    )
    assert trend_words(ANSWERS) == (
        "Answers by day: rose from 2 (01 Mar) to 4 (04 Mar), highest 9 (03 Mar)."
    )
    falling = Series(
        "Met rate by round", ("round 1", "round 2"), (80.0, 40.0), 0, 100, lambda v: f"{v:.0f}%"
    )
    assert trend_words(falling) == "Met rate by round: fell from 80% (round 1) to 40% (round 2)."
    flat = Series("Kind acts by day", ("a", "b", "c"), (3.0, 4.0, 3.0), low=0)
    assert trend_words(flat).startswith("Kind acts by day: held steady around 3")
    hidden = Series("Mood by week", ("a", "b"), (None, None), 1, 5)
    assert trend_words(hidden) == "Mood by week: every value withheld (fewer than 5 answers each)."
