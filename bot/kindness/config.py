"""The kindness programme's configuration, as stored in ``programmes.config`` (JSON)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.kindness.prefs import DEFAULT_MODE, MODES
from bot.programmes import Programme
from bot.settings import DEFAULT_GRACE_MINUTES

KIND = "kindness"
CHALLENGE_POST = "kindness.challenge"
MILESTONE_POST = "kindness.milestone"
DIGEST_POST = "kindness.digest"
DIGEST_DAY = 4  # Friday: the week's kindness, looked back on before the weekend
DIGEST_TIME = "16:00"
CHALLENGE_DAYS = 31
DEFAULT_TIME = "09:00"


@dataclass(frozen=True, slots=True)
class KindnessConfig:
    leaderboard: str = DEFAULT_MODE
    time: str = DEFAULT_TIME  # when the day's challenge suggestion is posted, programme-local
    challenge_start: date | None = None  # the latest challenge's day 1, kept after it ends
    challenge_on: bool = False
    grace_minutes: int = DEFAULT_GRACE_MINUTES
    digest_on: bool = False  # the weekly digest in the kindness channel

    @classmethod
    def of(cls, programme: Programme) -> KindnessConfig:
        config = programme.derived.get(KIND)
        if not isinstance(config, KindnessConfig):
            config = programme.derived[KIND] = cls.from_dict(programme.config)
        return config

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KindnessConfig:
        start = data.get("challenge_start")
        mode = str(data.get("leaderboard", DEFAULT_MODE))
        return cls(
            leaderboard=mode if mode in MODES else DEFAULT_MODE,
            time=str(data.get("time", DEFAULT_TIME)),
            challenge_start=date.fromisoformat(start) if start else None,
            challenge_on=bool(data.get("challenge_on", False)),
            grace_minutes=int(data.get("grace_minutes", DEFAULT_GRACE_MINUTES)),
            digest_on=bool(data.get("digest_on", False)),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "leaderboard": self.leaderboard,
            "time": self.time,
            "challenge_start": self.challenge_start.isoformat() if self.challenge_start else None,
            "challenge_on": self.challenge_on,
            "grace_minutes": self.grace_minutes,
            "digest_on": self.digest_on,
        }

    @property
    def challenge_end(self) -> date | None:
        if self.challenge_start is None:
            return None
        return self.challenge_start + timedelta(days=CHALLENGE_DAYS - 1)

    def challenge_day(self, day: date) -> int | None:
        """Day 1..31 of a running challenge that ``day`` falls in, else None."""
        if not self.challenge_on or self.challenge_start is None:
            return None
        number = (day - self.challenge_start).days + 1
        return number if 1 <= number <= CHALLENGE_DAYS else None
