"""Dates, times, numbers and lists in the current language's own conventions (Babel's CLDR data).

Times stay on the 24-hour clock in every language, as Kith has always written them and as the
times members type (``time:09:00``) are written; everything else follows the language.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Literal

from babel.dates import format_skeleton, get_day_names
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

from bot.i18n.translate import current_language


def clock(moment: time | datetime) -> str:
    """``09:05`` (a clock time in the 24-hour style every shipped language reads)."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def short_date(day: date | datetime) -> str:
    """``Mon, Dec 7`` / ``lun, 7 dic`` / ``seg., 7 de dez.``"""
    return format_skeleton("MMMEd", day, locale=current_language())


def weekday(index: int, width: Literal["abbreviated", "wide"] = "wide") -> str:
    """The name of a weekday, Monday = 0 (``wide`` "Monday", ``abbreviated`` "Mon")."""
    return str(get_day_names(width, locale=current_language())[index])


def number(value: float) -> str:
    return str(format_decimal(value, locale=current_language()))


def percent(fraction: float) -> str:
    """``0.42`` → ``42%`` (``42 %`` where the language spaces it)."""
    return str(format_percent(fraction, locale=current_language()))


def and_list(items: Sequence[str]) -> str:
    """``a, b and c`` joined the current language's way."""
    return str(format_list(list(items), locale=current_language())) if items else ""
