"""Clocks. The core never calls ``datetime.now``: a clock is injected, so tests and the console
move time by hand and everything that falls due fires in order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class SimulatedClock:
    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a simulated clock needs a timezone-aware start")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        instant = instant.astimezone(UTC)
        if instant < self._now:
            raise ValueError("a simulated clock never goes backwards")
        self._now = instant

    def advance(self, delta: timedelta) -> None:
        self.set(self._now + delta)


# The instants Kith schedules: from the Unix epoch (times are stored as epoch seconds) up to the
# year 3000, far from datetime's year-9999 edge where a week's date arithmetic overflows. One
# place for the range, so a simulated clock and a date a member gives agree on it.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)


class OutOfRange(ValueError):
    pass


def schedulable(instant: datetime) -> datetime:
    """``instant`` in UTC if Kith can schedule around it; OutOfRange (with why) otherwise."""
    try:
        utc = instant.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+14:00 is before the first instant datetime has
        utc = None
    if utc is None or not EARLIEST <= utc < LATEST:
        raise OutOfRange(
            f"{instant.isoformat()[:40]} is outside the dates Kith can schedule "
            f"({EARLIEST.year} to {LATEST.year - 1})"
        )
    return utc


def to_epoch(instant: datetime) -> int:
    return int(instant.timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
