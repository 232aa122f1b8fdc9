"""Alt text for a chart: what each series did, in words (Discord's attachment description,
Slack's ``alt_text``), so the picture says the same to someone who cannot see it."""

from __future__ import annotations

from collections.abc import Sequence

from bot.sparklines import Series

STEADY = 0.05  # a change under 5% of the scale reads as "held steady"


def trend_words(series: Series) -> str:
    shown = [
        (label, v) for label, v in zip(series.labels, series.values, strict=True) if v is not None
    ]
    hidden = sum(1 for v in series.values if v is None)
    if not shown:
        return f"{series.title}: every value withheld (fewer than 5 answers each)."
    (first_label, first), (last_label, last) = shown[0], shown[-1]
    low = series.low if series.low is not None else min(v for _, v in shown)
    high = series.high if series.high is not None else max(v for _, v in shown)
    span = (high - low) or 1.0
    if len(shown) == 1:
        words = f"{series.number(first)} ({first_label})"
    elif abs(last - first) < STEADY * span:
        words = f"held steady around {series.number(last)} from {first_label} to {last_label}"
    else:
        verb = "rose" if last > first else "fell"
        words = (
            f"{verb} from {series.number(first)} ({first_label}) "
            f"to {series.number(last)} ({last_label})"
        )
    if series.style == "bars" and len(shown) > 2:
        peak_label, peak = max(shown, key=lambda item: item[1])
        words += f", highest {series.number(peak)} ({peak_label})"
    if hidden:
        words += f"; {hidden} withheld (fewer than 5 answers)"
    return f"{series.title}: {words}."


def alt_text(title: str, series: Sequence[Series]) -> str:
    return " ".join([f"{title}.", *(trend_words(s) for s in series)])
