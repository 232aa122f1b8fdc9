"""Alt text for a chart: what each series did, in words (Discord's attachment description,
Slack's ``alt_text``), so the picture says the same to someone who cannot see it."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import _, ngettext
from bot.sparklines import MIN_GROUP, Series

STEADY = 0.05  # a change under 5% of the scale reads as "held steady"


def trend_words(series: Series) -> str:
    shown = [
        (label, v) for label, v in zip(series.labels, series.values, strict=True) if v is not None
    ]
    hidden = sum(1 for v in series.values if v is None)
    if not shown:
        return _(
            "{title}: every value withheld (fewer than {min} answers each).",
            title=series.title,
            min=MIN_GROUP,
        )
    (first_label, first), (last_label, last) = shown[0], shown[-1]
    low = series.low if series.low is not None else min(v for _, v in shown)
    high = series.high if series.high is not None else max(v for _, v in shown)
    span = (high - low) or 1.0
    number = series.number
    if len(shown) == 1:
        words = _("{value} ({label})", value=number(first), label=first_label)
    elif abs(last - first) < STEADY * span:
        words = _(
            "held steady around {value} from {first} to {last}",
            value=number(last),
            first=first_label,
            last=last_label,
        )
    else:
        values = {
            "first": number(first),
            "first_label": first_label,
            "last": number(last),
            "last_label": last_label,
        }
        words = (
            _("rose from {first} ({first_label}) to {last} ({last_label})", **values)
            if last > first
            else _("fell from {first} ({first_label}) to {last} ({last_label})", **values)
        )
    if series.style == "bars" and len(shown) > 2:
        peak_label, peak = max(shown, key=lambda item: item[1])
        words = _(
            "{trend}, highest {value} ({label})", trend=words, value=number(peak), label=peak_label
        )
    if hidden:
        words = ngettext(
            "{trend}; {n} withheld (fewer than {min} answers)",
            "{trend}; {n} withheld (fewer than {min} answers)",
            hidden,
            trend=words,
            min=MIN_GROUP,
        )
    return _("{title}: {trend}.", title=series.title, trend=words)


def alt_text(title: str, series: Sequence[Series]) -> str:
    return " ".join([f"{title}.", *(trend_words(s) for s in series)])
