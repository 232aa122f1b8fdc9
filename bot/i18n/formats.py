"""Dates, times, numbers and lists in the current language's own conventions (Babel's CLDR data).

Times stay on the 24-hour clock in every language, as Kith has always written them and as the
times members type (``time:09:00``) are written; everything else follows the language.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from functools import lru_cache
from typing import Literal

from babel import Locale
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


@lru_cache(maxsize=1024)
def _dated(skeleton: str, day: date, language: str) -> str:
    """A date in a CLDR skeleton, remembered: a /kind reply writes today's date, and Babel
    takes ~20 µs to format one."""
    return str(format_skeleton(skeleton, day, locale=language))


def day_month(day: date | datetime) -> str:
    """``03 Mar`` / ``3 mar`` / ``3 de mar.`` (English keeps the form Kith has always written)."""
    if current_language() == "en":
        return f"{day:%d %b}"
    return _dated("dMMM", _as_date(day), current_language())


def weekday_day_month(day: date | datetime) -> str:
    """``Tue 03 Mar`` / ``mar, 3 mar`` / ``ter., 3 de mar.`` (English as Kith has written it)."""
    if current_language() == "en":
        return f"{day:%a %d %b}"
    return _dated("MMMEd", _as_date(day), current_language())


def _as_date(day: date | datetime) -> date:
    return day.date() if isinstance(day, datetime) else day


def month_year(day: date | datetime) -> str:
    """``March 2026`` / ``marzo de 2026`` / ``março de 2026``."""
    return _dated("yMMMM", _as_date(day), current_language())


def decimal(value: float, places: int = 1) -> str:
    """``2.5`` / ``2,5`` with exactly ``places`` decimals (``2.0``, not ``2``)."""
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return str(format_decimal(value, format=pattern, locale=current_language()))


def date_time(moment: datetime) -> str:
    """``Mon 02 Mar 09:00`` / ``lun, 2 mar 09:00`` / ``seg., 2 de mar. 09:00``."""
    return f"{weekday_day_month(moment)} {clock(moment)}"


def dated(day: date | datetime) -> str:
    """``Mon 02 Mar 2026`` / ``lun, 2 mar 2026`` / ``seg., 2 de mar. de 2026`` (a date with its
    weekday and year, such as the end of a break; English as Kith has written it)."""
    if current_language() == "en":
        return f"{day:%a %d %b %Y}"
    return format_skeleton("yMMMEd", day, locale=current_language())


def or_list(items: Sequence[str]) -> str:
    """``a, b or c`` joined the current language's way."""
    return str(format_list(list(items), style="or", locale=current_language())) if items else ""


def language_name(code: str) -> str:
    """A language's name in the current language: ``es`` is "Spanish" in English, "espanhol" in
    Portuguese; ``pt_BR`` "Portuguese (Brazil)"."""
    return str(Locale.parse(code).get_display_name(current_language()))
