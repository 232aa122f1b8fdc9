"""Time-zone names: validation with helpful suggestions, and local dates."""

from __future__ import annotations

import difflib
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.i18n import _


@cache
def _names() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones() if "/" in name or name == "UTC"}


class UnknownTimeZone(ValueError):
    def __init__(self, given: str, suggestions: list[str]) -> None:
        self.given = given[:60]
        self.suggestions = suggestions
        super().__init__(self.member_text())

    def member_text(self) -> str:
        """What the member reads, in the current language (made again where it is shown)."""
        if self.suggestions:
            return _(
                "I don't know the time zone “{given}”. Did you mean {suggestions}? "
                "Use an IANA name like Europe/London or America/New_York.",
                given=self.given,
                suggestions=", ".join(self.suggestions),
            )
        return _(
            "I don't know the time zone “{given}”. "
            "Use an IANA name like Europe/London or America/New_York.",
            given=self.given,
        )


def canonical_zone(name: str) -> str:
    """Return the IANA spelling of ``name`` (case-insensitive) or raise with suggestions."""
    cleaned = name.strip().replace(" ", "_")
    found = _names().get(cleaned.lower())
    if found:
        return found
    raise UnknownTimeZone(name, suggest_zones(cleaned))


def suggest_zones(partial: str, limit: int = 3) -> list[str]:
    lowered = partial.lower()
    names = _names()
    city_matches = [real for low, real in names.items() if lowered and lowered in low]
    if city_matches:
        return sorted(city_matches, key=len)[:limit]
    close = difflib.get_close_matches(lowered, list(names), n=limit, cutoff=0.6)
    if not close:  # try the city part alone ("londn" → Europe/London)
        cities = {low.rsplit("/", 1)[-1]: real for low, real in names.items()}
        close_cities = difflib.get_close_matches(
            lowered.rsplit("/", 1)[-1], list(cities), n=limit, cutoff=0.6
        )
        return [cities[c] for c in close_cities]
    return [names[c] for c in close]


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_date(instant: datetime, tz_name: str) -> date:
    return instant.astimezone(zone(tz_name)).date()


def utc_offset_minutes(name: str, instant: datetime) -> int | None:
    """The zone's offset from UTC at ``instant``, in minutes; None for a name that is no zone
    (a stored name is trusted only as far as the zone database knows it)."""
    if name.lower() not in _names():
        return None
    offset = instant.astimezone(ZoneInfo(name)).utcoffset()
    assert offset is not None
    return int(offset.total_seconds()) // 60
