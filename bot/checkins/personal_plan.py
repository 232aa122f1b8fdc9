"""Laying out personal check-ins: one occurrence per member and chosen local date.

A member's settings live in ``personal_checkins``; their firings become occurrences of the
community's check-in programme (kinds ``checkin.personal`` and, if asked for, ``checkin.nudge``)
through the same insert-or-ignore as channel posts, so the scheduler's claims, leases and fences
make each one exactly-once across restarts and processes. ``UNIQUE(programme_id, kind, slot)``
with the slot ``<personal id>/<local date>`` is what keeps it to one per local date: a changed
time, time zone or schedule lays the future out again, and a date already sent cannot come twice.

Many members share a time, days and zone, so each distinct rule's firings are computed once per
batch rather than once per member (100,000 members would otherwise take seconds of CPU).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.checkins.rule import KIND, NUDGE, PERSONAL, personal_enabled
from bot.community import language_from_row
from bot.context import Services
from bot.i18n.languages import DEFAULT_LANGUAGE
from bot.programmes import COLUMNS as PROGRAMME_COLUMNS
from bot.programmes import Programme, grace_window
from bot.registry import Planner
from bot.scheduling.clock import from_epoch, to_epoch
from bot.scheduling.recurrence import DailyRule, parse_time
from bot.scheduling.scheduler import HORIZON, REFILL_BEFORE
from bot.store.base import Row, Tx

REMIND_AFTER = timedelta(hours=3)  # the one gentle nudge, if the member asked for it
PLAN_BATCH = 500  # members laid out per transaction: short turns for the database

# The member's zone exactly as ``bot.community.member_timezone`` resolves it, in SQL.
MEMBER_ZONE = "COALESCE(m.tz, m.platform_tz, c.tz)"
_JOINS = (
    " JOIN communities c ON c.id = pc.community_id"
    " LEFT JOIN members m ON m.community_id = pc.community_id AND m.user_key = pc.user_key"
)


def personal_slot(personal_id: int, day: date | str) -> str:
    return f"{personal_id}/{day if isinstance(day, str) else day.isoformat()}"


def parse_personal_slot(slot: str) -> tuple[int, str]:
    ident, _, day = slot.partition("/")
    return int(ident), day


@dataclass(frozen=True, slots=True)
class PersonalSettings:
    id: int
    community_key: str
    user_key: str
    at: str  # HH:MM
    days: tuple[int, ...]
    remind: bool
    paused_until: str | None
    active: bool
    stopped_reason: str | None
    tz: str  # the zone its pending occurrences were laid out in

    @classmethod
    def from_row(cls, row: Row) -> PersonalSettings:
        return cls(
            id=int(row["id"]),
            community_key=row["community_id"],
            user_key=row["user_key"],
            at=row["at_time"],
            days=tuple(json.loads(row["days"])),
            remind=bool(row["remind"]),
            paused_until=row["paused_until"],
            active=bool(row["active"]),
            stopped_reason=row["stopped_reason"],
            tz=row["tz"],
        )

    def rule(self, tz: str | None = None) -> DailyRule:
        return DailyRule(parse_time(self.at), self.days, tz or self.tz)


async def replan(tx: Tx, personal_id: int, now: datetime, tz: str | None = None) -> None:
    """Drop the member's firings not yet due and lay them out again from ``now`` at the next
    planning pass (under ``tz`` if given). Dates already sent stay sent: the slot is unique."""
    await _drop_pending(tx, personal_id, now)
    await tx.execute(
        "UPDATE personal_checkins SET materialised_until = ?, tz = COALESCE(?, tz) WHERE id = ?",
        to_epoch(now),
        tz,
        personal_id,
    )


async def _drop_pending(tx: Tx, personal_id: int, now: datetime) -> None:
    await tx.execute(
        "DELETE FROM occurrences WHERE kind IN (?, ?) AND state = 'pending' AND due_at >= ?"
        " AND slot LIKE ?",
        PERSONAL,
        NUDGE,
        to_epoch(now),
        f"{personal_id}/%",
    )


async def _mark_changed_programmes(tx: Tx, now: datetime) -> None:
    """A check-in programme set up again, paused or resumed drops its pending occurrences,
    members' included: lay those members out again. Only programmes changed within the horizon
    can hold members not laid out since."""
    await tx.execute(
        "UPDATE personal_checkins SET materialised_until = ? WHERE active = 1"
        " AND materialised_until > ? AND planned_at < (SELECT p.updated_at FROM programmes p"
        " WHERE p.community_id = personal_checkins.community_id AND p.kind = ?)"
        " AND community_id IN (SELECT community_id FROM programmes WHERE kind = ?"
        " AND updated_at >= ?)",
        to_epoch(now),
        to_epoch(now),
        KIND,
        KIND,
        to_epoch(now - HORIZON),
    )


_DUE_FOR_PLANNING = (
    "SELECT pc.*, "
    + ", ".join(f"p.{column} AS p_{column}" for column in PROGRAMME_COLUMNS)
    + ", "
    + MEMBER_ZONE
    + " AS zone FROM personal_checkins pc"
    " JOIN programmes p ON p.community_id = pc.community_id AND p.kind = '"
    + KIND
    + "'"
    + _JOINS
    + " WHERE pc.active = 1 AND pc.materialised_until < ? AND p.paused = 0"
    " ORDER BY pc.materialised_until, pc.id LIMIT ?"
)


async def materialise(services: Services, now: datetime) -> int:
    """Top up every member whose horizon runs short; return the occurrences offered."""
    db = services.db
    changed = await db.fetchval(
        "SELECT 1 FROM programmes WHERE kind = ? AND updated_at >= ? LIMIT 1",
        KIND,
        to_epoch(now - HORIZON),
    )
    if changed:  # only then a write: most ticks have nothing to mark
        async with db.transaction() as tx:
            await _mark_changed_programmes(tx, now)
    offered = 0
    refill = to_epoch(now + REFILL_BEFORE)
    short = await db.fetchval(
        "SELECT 1 FROM personal_checkins WHERE active = 1 AND materialised_until < ? LIMIT 1",
        refill,
    )
    while short:  # a read first: most ticks have nobody to top up, and take no write lock
        async with db.transaction() as tx:
            rows = await tx.fetchall(_DUE_FOR_PLANNING, refill, PLAN_BATCH)
            if not rows:
                break
            offered += await _plan(tx, rows, now)
        if len(rows) < PLAN_BATCH:
            break
    return offered


async def _plan(tx: Tx, rows: Sequence[Row], now: datetime) -> int:
    until = now + HORIZON
    firings: dict[tuple[str, str, str, timedelta], list[tuple[date, datetime]]] = {}
    inserts: list[tuple[object, ...]] = []
    updates: list[tuple[object, ...]] = []
    for row in rows:
        settings = PersonalSettings.from_row(row)
        zone = str(row["zone"])
        programme = Programme.from_row(row, "p_")
        updates.append((to_epoch(until), to_epoch(now), zone, settings.id))
        if not personal_enabled(programme):
            continue  # switched off by an admin: nothing laid out until it is switched on
        # A firing still inside the programme's grace window goes out late (a replan just
        # after it was due); anything older belongs to dates already handled.
        grace = grace_window(programme)
        after = max(from_epoch(row["materialised_until"]), now - grace)
        if zone != settings.tz:
            # The member's zone changed without a command (a platform profile): what was laid
            # out in the old zone is laid out again in the new one.
            await _drop_pending(tx, settings.id, now)
            after = now
        key = (settings.at, row["days"], zone, grace)
        if key not in firings:
            # One window wide enough for every member of the batch (frontiers are > now - grace).
            firings[key] = list(settings.rule(zone).firings(now - grace, until))
        for day, instant in firings[key]:
            if instant <= after:
                continue
            if settings.paused_until and day.isoformat() < settings.paused_until:
                continue
            slot = personal_slot(settings.id, day)
            due = to_epoch(instant)
            inserts.append((programme.id, settings.community_key, PERSONAL, slot, due))
            if settings.remind:
                nudge = to_epoch(instant + REMIND_AFTER)
                inserts.append((programme.id, settings.community_key, NUDGE, slot, nudge))
    if inserts:
        await tx.executemany(
            "INSERT INTO occurrences (programme_id, community_id, kind, slot, due_at, ready_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (programme_id, kind, slot) DO NOTHING",
            [(*values, values[-1]) for values in inserts],
        )
    await tx.executemany(
        "UPDATE personal_checkins SET materialised_until = ?, planned_at = ?, tz = ? WHERE id = ?",
        updates,
    )
    return len(inserts)


async def frontier(services: Services) -> datetime | None:
    """When the earliest member's horizon needs topping up."""
    value = await services.db.fetchval(
        "SELECT MIN(pc.materialised_until) FROM personal_checkins pc JOIN programmes p"
        " ON p.community_id = pc.community_id AND p.kind = ? WHERE pc.active = 1"
        " AND p.paused = 0",
        KIND,
    )
    return None if value is None else from_epoch(value) - REFILL_BEFORE


async def load_settings(
    tx: Tx, community_key: str, user_key: str
) -> tuple[PersonalSettings | None, str | None]:
    """The member's settings (if any) and the zone their check-ins follow right now."""
    row = await tx.fetchone(
        "SELECT pc.*, "
        + MEMBER_ZONE
        + " AS zone FROM personal_checkins pc"
        + _JOINS
        + " WHERE pc.community_id = ? AND pc.user_key = ?",
        community_key,
        user_key,
    )
    if row is None:
        return None, None
    return PersonalSettings.from_row(row), str(row["zone"])


async def settings_by_id(
    tx: Tx, personal_id: int
) -> tuple[PersonalSettings | None, str | None, str]:
    """The member's settings, the zone they follow now, and the language they read Kith in (in
    the same read: a batch of check-ins needs no query of its own for languages)."""
    row = await tx.fetchone(
        "SELECT pc.*, "
        + MEMBER_ZONE
        + " AS zone, m.language AS member_language, m.platform_locale AS member_locale,"
        " c.language AS community_language, c.platform_locale AS community_locale"
        " FROM personal_checkins pc" + _JOINS + " WHERE pc.id = ?",
        personal_id,
    )
    if row is None:
        return None, None, DEFAULT_LANGUAGE
    language = language_from_row(
        row["member_language"],
        row["member_locale"],
        row["community_language"],
        row["community_locale"],
    )
    return PersonalSettings.from_row(row), str(row["zone"]), language


PERSONAL_PLANNER = Planner("checkin.personal", materialise, frontier)
