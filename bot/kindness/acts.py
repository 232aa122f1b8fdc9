"""Recording a kind act: anti-gaming, the O(1) streak update, totals and milestones.

``record_act`` is the one entry point, and runs inside the caller's transaction so another feature
(a buddy meeting that counts as a kind act) commits the act together with its own writes.

Per act the store sees four statements, whatever the member's history: one read of the member's
state (streak, today's counters and text hashes, preferences, time zone and the programme, in one
join), the act, the member's state, and one multi-row upsert of their totals for the periods the
act falls in. Each statement is a round trip to the database, and round trips, not SQLite, are
what an act costs (see bench/kindness.py), so nothing here reads what it already has.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from typing import Any

from bot.day_counts import count_kindness
from bot.identity import UserRef
from bot.kindness.config import MILESTONE_POST, KindnessConfig
from bot.kindness.periods import ALL_TIME, challenge_key, month_key, week_key
from bot.kindness.prefs import BoardChoice
from bot.kindness.streaks import (
    MILESTONES,
    ONE_DAY,
    Streak,
    advance,
    alive_through,
    current_on,
    day_start,
    stamp,
)
from bot.programmes import COLUMNS as PROGRAMME_COLUMNS
from bot.programmes import Programme
from bot.scheduling.clock import to_epoch
from bot.store.base import Database, Row, Tx

MAX_COUNTED_PER_DAY = 3
MAX_LOGGED_PER_DAY = 20  # past this a day's journal is full: spam, not kindness
MIN_ACT_LENGTH = 3
MAX_ACT_LENGTH = 300

_LOAD = (
    "SELECT c.tz AS community_tz, m.user_key AS member_key, m.tz AS member_tz, m.platform_tz,"
    " m.display_name,"
    " mp.leaderboard AS pref_leaderboard, mp.public_mentions,"
    " k.last_date, k.run_start, k.current_len, k.rest_date, k.current_at, k.longest,"
    " k.longest_at, k.active_days, k.day_date, k.day_counted, k.day_keys, k.noticed, "
    + ", ".join(f"p.{c} AS p_{c}" for c in PROGRAMME_COLUMNS)
    + " FROM communities c"
    " LEFT JOIN members m ON m.community_id = c.id AND m.user_key = ?"
    " LEFT JOIN member_prefs mp ON mp.community_id = c.id AND mp.user_key = ?"
    " LEFT JOIN kind_members k ON k.community_id = c.id AND k.user_key = ?"
    " LEFT JOIN programmes p ON p.community_id = c.id AND p.kind = 'kindness'"
    " WHERE c.id = ?"
)


class Outcome(Enum):
    COUNTED = "counted"
    OVER_CAP = "over_cap"  # logged, but past the day's counted acts
    DUPLICATE = "duplicate"  # the same text already logged today: nothing stored
    DAY_FULL = "day_full"  # MAX_LOGGED_PER_DAY already logged today: nothing stored


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True, slots=True)
class MemberState:
    """Everything about one member's kindness that an act or ``/streak`` needs, read at once."""

    community_key: str
    user_key: str
    display_name: str
    tz: str
    streak: Streak
    current_at: int
    longest_at: int
    day_date: date | None
    day_counted: int
    day_keys: tuple[str, ...]  # hashes of the texts logged on day_date
    noticed: int
    pref: str
    public_mentions: bool
    programme: Programme | None
    member_row: bool  # whether the member has a members row
    platform_tz: str | None

    @property
    def config(self) -> KindnessConfig:
        return KindnessConfig.of(self.programme) if self.programme else KindnessConfig()

    def today(self, now: datetime) -> date:
        """The member's local date now (never before a day they already logged)."""
        return stamp(now, self.tz, self.streak.last)

    def counted_on(self, day: date) -> int:
        return self.day_counted if self.day_date == day else 0

    @classmethod
    def from_row(cls, row: Row, community_key: str, user_key: str, tz: str | None) -> MemberState:
        streak = Streak(
            last=_date(row["last_date"]),
            start=_date(row["run_start"]),
            length=int(row["current_len"] or 0),
            rest=_date(row["rest_date"]),
            longest=int(row["longest"] or 0),
            active_days=int(row["active_days"] or 0),
        )
        programme = None
        if row["p_id"] is not None:
            programme = Programme.from_row(row, prefix="p_")
        return cls(
            community_key=community_key,
            user_key=user_key,
            display_name=str(row["display_name"] or UserRef.id_in(user_key)),
            tz=tz or str(row["member_tz"] or row["platform_tz"] or row["community_tz"]),
            streak=streak,
            current_at=int(row["current_at"] or 0),
            longest_at=int(row["longest_at"] or 0),
            day_date=_date(row["day_date"]),
            day_counted=int(row["day_counted"] or 0),
            day_keys=decode_day_keys(row["day_keys"]),
            noticed=int(row["noticed"] or 0),
            pref=str(row["pref_leaderboard"] or BoardChoice.COMMUNITY_DEFAULT),
            public_mentions=row["public_mentions"] is None or bool(row["public_mentions"]),
            programme=programme,
            member_row=row["member_key"] is not None,
            platform_tz=row["platform_tz"],
        )


async def load_member(
    db: Database | Tx, community_key: str, user_key: str, tz: str | None = None
) -> MemberState:
    """Read a member's kindness state. ``tz`` overrides their zone (member's own /kith timezone,
    else the platform's, else the community's, as ``bot.community.member_timezone`` decides)."""
    row = await db.fetchone(_LOAD, user_key, user_key, user_key, community_key)
    if row is None:
        raise LookupError(f"no community {community_key!r}")
    return MemberState.from_row(row, community_key, user_key, tz)


@dataclass(frozen=True, slots=True, kw_only=True)
class ActResult:
    outcome: Outcome
    local_date: date
    streak: Streak  # after the act
    current: int  # the streak as shown on the act's day
    counted_today: int  # counted acts on local_date, this one included
    rest_used: bool  # this act kept the streak alive across a rest day
    milestone: int | None  # a milestone this act reached, if any
    act_id: int | None  # None for a duplicate (nothing stored)

    @property
    def counted(self) -> bool:
        return self.outcome is Outcome.COUNTED


def encode_day_keys(keys: tuple[str, ...]) -> str:
    """The day's text keys as the JSON array ``kind_members.day_keys`` holds. They are hex
    digests (``text_key``), which JSON needs no escaping for, so this skips ``json.dumps``,
    whose set-up per call cost 2% of an act."""
    return "[" + ",".join(f'"{key}"' for key in keys) + "]"


def decode_day_keys(stored: str | None) -> tuple[str, ...]:
    """The inverse of ``encode_day_keys``; also reads ``json.dumps``'s spacing."""
    inner = (stored or "[]").strip()[1:-1]
    return tuple(key.strip(' "') for key in inner.split(",")) if inner.strip() else ()


def text_key(text: str) -> str:
    """What makes two acts "the same text": case, spacing and end punctuation don't count."""
    normal = " ".join(text.casefold().split()).strip(" .!?,;:…")
    return hashlib.blake2b(normal.encode(), digest_size=8).hexdigest()


async def record_act(
    tx: Tx,
    community_key: str,
    user_key: str,
    text: str,
    source: str,
    now: datetime,
    tz: str | None = None,
    *,
    for_user: str | None = None,
) -> ActResult:
    """Record a kind act inside the caller's transaction and return what it did.

    Other features call this for acts they earn (a buddy meeting: ``source="buddy"``). The text
    should already be cleaned and non-empty; it is cut to 300 characters. Streak, totals and
    milestones are all updated here; a milestone's channel post is queued as an occurrence."""
    state = await load_member(tx, community_key, user_key, tz)
    return await apply_act(tx, state, text, source, now, for_user=for_user)


async def apply_act(
    tx: Tx,
    state: MemberState,
    text: str,
    source: str,
    now: datetime,
    *,
    for_user: str | None = None,
) -> ActResult:
    text = text[:MAX_ACT_LENGTH]
    day = state.today(now)
    same_day = state.day_date == day
    counted_today = state.day_counted if same_day else 0
    keys_today = state.day_keys if same_day else ()
    before = state.streak
    key = text_key(text)
    refused = (
        Outcome.DUPLICATE
        if key in keys_today
        else Outcome.DAY_FULL
        if len(keys_today) >= MAX_LOGGED_PER_DAY
        else None
    )
    if refused is not None:
        return ActResult(
            outcome=refused,
            local_date=day,
            streak=before,
            current=current_on(before, day),
            counted_today=counted_today,
            rest_used=False,
            milestone=None,
            act_id=None,
        )
    counted = counted_today < MAX_COUNTED_PER_DAY
    after = advance(before, day)
    new_day = after is not before
    epoch = to_epoch(now)
    act_id = await tx.fetchval(
        "INSERT INTO kind_acts (community_id, user_key, text, source, for_user, local_date, tz,"
        " counted, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        state.community_key,
        state.user_key,
        text,
        source,
        for_user,
        day.isoformat(),
        state.tz,
        int(counted),
        epoch,
    )
    await _save_member(
        tx, state, before, after, day, counted_today + int(counted), (*keys_today, key), epoch
    )
    if counted:
        await _add_to_totals(tx, state, day, epoch)
        await count_kindness(tx, state.community_key, day.isoformat(), state.user_key, acts=1)
    milestone = None
    if new_day and after.length in MILESTONES:
        milestone = after.length
        await _queue_milestone(tx, state, after, now)
    return ActResult(
        outcome=Outcome.COUNTED if counted else Outcome.OVER_CAP,
        local_date=day,
        streak=after,
        current=current_on(after, day),
        counted_today=counted_today + int(counted),
        rest_used=new_day and after.rest is not None and after.rest != before.rest,
        milestone=milestone,
        act_id=int(act_id),
    )


async def _save_member(
    tx: Tx,
    state: MemberState,
    before: Streak,
    after: Streak,
    day: date,
    counted_today: int,
    keys_today: tuple[str, ...],
    epoch: int,
) -> None:
    through = alive_through(after)
    assert through is not None
    await tx.execute(
        "INSERT INTO kind_members (community_id, user_key, last_date, run_start, current_len,"
        " rest_date, current_at, alive_until, longest, longest_at, active_days, day_date,"
        " day_counted, day_keys, noticed, pref, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)"
        " ON CONFLICT (community_id, user_key) DO UPDATE SET last_date = excluded.last_date,"
        " run_start = excluded.run_start, current_len = excluded.current_len,"
        " rest_date = excluded.rest_date, current_at = excluded.current_at,"
        " alive_until = excluded.alive_until, longest = excluded.longest,"
        " longest_at = excluded.longest_at, active_days = excluded.active_days,"
        " day_date = excluded.day_date, day_counted = excluded.day_counted,"
        " day_keys = excluded.day_keys, pref = excluded.pref,"
        " updated_at = excluded.updated_at",
        state.community_key,
        state.user_key,
        day.isoformat(),
        after.start.isoformat() if after.start else None,
        after.length,
        after.rest.isoformat() if after.rest else None,
        epoch if after is not before else state.current_at,
        to_epoch(day_start(through + ONE_DAY, state.tz)),
        after.longest,
        epoch if after.longest > before.longest else state.longest_at,
        after.active_days,
        day.isoformat(),
        counted_today,
        encode_day_keys(keys_today),
        state.pref,
        epoch,
    )


def periods(day: date, config: KindnessConfig) -> list[str]:
    """The leaderboard periods an act on ``day`` counts in."""
    keys = [ALL_TIME, week_key(day), month_key(day)]
    if config.challenge_day(day) is not None and config.challenge_start is not None:
        keys.append(challenge_key(config.challenge_start))
    return keys


async def _add_to_totals(tx: Tx, state: MemberState, day: date, epoch: int) -> None:
    keys = periods(day, state.config)
    params: list[Any] = []
    for key in keys:
        params += [state.community_key, key, state.user_key, epoch, state.pref]
    await tx.execute(_totals_upsert(len(keys)), *params)


@lru_cache(maxsize=8)
def _totals_upsert(periods: int) -> str:
    values = ", ".join("(?, ?, ?, 1, ?, ?)" for _ in range(periods))
    return (
        "INSERT INTO kind_totals (community_id, period, user_key, acts, reached_at, pref)"
        f" VALUES {values} ON CONFLICT (community_id, period, user_key) DO UPDATE SET"
        " acts = kind_totals.acts + 1, reached_at = excluded.reached_at, pref = excluded.pref"
    )


async def _queue_milestone(tx: Tx, state: MemberState, streak: Streak, now: datetime) -> None:
    """Remember the milestone and queue its channel post as an occurrence, so it goes out once,
    with the scheduler's retries; not while the programme is paused, and not for a member who
    turned public mentions off (see ``milestones``)."""
    assert streak.start is not None
    await tx.execute(
        "INSERT INTO kind_milestones (community_id, user_key, run_start, days, reached_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (community_id, user_key, run_start, days)"
        " DO NOTHING",
        state.community_key,
        state.user_key,
        streak.start.isoformat(),
        streak.length,
        to_epoch(now),
    )
    programme = state.programme
    if programme is None or programme.paused or not state.public_mentions:
        return
    payload = {"user_key": state.user_key, "days": streak.length}
    await tx.execute(
        "INSERT INTO occurrences (programme_id, community_id, kind, slot, due_at, ready_at,"
        " payload) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (programme_id, kind, slot) DO NOTHING",
        programme.id,
        state.community_key,
        MILESTONE_POST,
        f"{state.user_key}|{streak.start.isoformat()}|{streak.length}",
        to_epoch(now),
        to_epoch(now),
        json.dumps(payload),
    )
