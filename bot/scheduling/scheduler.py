"""Exactly-once scheduling on top of the database.

1. Programmes' rules are *materialised* into ``occurrences`` by insert-or-ignore on
   ``UNIQUE(programme_id, kind, slot)``, a few days ahead, so every process agrees on what is due.
2. A worker *claims* due rows with a lease, bumping a fence counter (SQLite: ``BEGIN IMMEDIATE``;
   PostgreSQL: ``FOR UPDATE SKIP LOCKED``). An expired lease is claimed again: crash recovery.
3. Delivery is idempotent: each occurrence has a stable delivery key the chat port dedups on.
4. Completion is *fenced*: a row is marked done only if its fence still matches our claim.
5. An occurrence found more than its programme's grace late is marked missed, visibly.

The in-process timer (``bot.scheduling.wakeups``) only decides *when* to call
``run_due``; it is never the source of truth.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.community import community_language
from bot.context import Services
from bot.i18n import N_, use_language
from bot.i18n.stored import english, stored, stored_plural
from bot.identity import MessageRef
from bot.logs import event
from bot.maintenance import LEASE as MAINTENANCE_LEASE
from bot.maintenance import MaintenanceRun
from bot.ports import ChatPort, DeliveryError, SentLookup
from bot.programmes import Programme
from bot.registry import Deliverer
from bot.scheduling.clock import from_epoch, to_epoch
from bot.scheduling.occurrences import DeliveryContext, Occurrence
from bot.store.base import Database, Tx

log = logging.getLogger("kith.scheduler")

HORIZON = timedelta(days=3)  # materialise this far ahead …
REFILL_BEFORE = timedelta(days=2)  # … and top up when less than this remains
LOOKBACK = timedelta(days=35)  # after a long outage, account for at most this much
LEASE = timedelta(seconds=90)
# Recording a delivered batch again after a lost connection: a few tries, well inside LEASE.
RECORD_TRIES = 5
RECORD_BACKOFF = 0.1  # seconds before the second try, doubling after
CLAIM_BATCH = 200
CONCURRENCY = 32
# One send may take this long (the platform clients' own 429 waits and 5xx retries fit inside);
# past it the send is abandoned and retried later, so a platform that stops answering holds up
# neither the rest of the batch nor the next run. Well inside LEASE, so the claim stays ours.
DELIVERY_TIMEOUT = timedelta(seconds=30)


@dataclass
class RunReport:
    sent: int = 0
    missed: int = 0
    failed: int = 0
    retried: int = 0
    skipped: int = 0
    lost_lease: int = 0
    sent_ids: list[int] = field(default_factory=list)


class DeliveryState(StrEnum):
    """What became of one claimed occurrence: the ``occurrences.state`` it ends in, and its
    outcome label in the metrics. ``RETRY`` puts the row back to ``pending`` after a backoff."""

    SENT = "sent"
    MISSED = "missed"
    FAILED = "failed"
    SKIPPED = "skipped"
    RETRY = "retry"


@dataclass(frozen=True)
class DeliveryOutcome:
    """One claimed occurrence's outcome, recorded with the rest of its batch in one transaction."""

    occurrence: Occurrence
    state: DeliveryState
    detail: str | None = None
    message_key: str | None = None
    delay: timedelta | None = None  # for a retry: at least this long (the platform's wish)
    due_at: datetime | None = None  # for a retry: the occurrence's new due time (Reschedule)


class SkipDelivery(Exception):
    """Raised by a deliverer when, on a closer look, there is nothing to send (a reminder for a
    check-in already answered, a member who switched their check-ins off): recorded as skipped,
    with the reason, and never retried."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Reschedule(Exception):
    """Raised by a deliverer whose occurrence now falls due later (its member moved to another
    time zone): the row goes back to pending with a new due time, keeping its unique slot."""

    def __init__(self, due_at: datetime, reason: str) -> None:
        super().__init__(reason)
        self.due_at = due_at
        self.reason = reason


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(15 * 2 ** max(attempts - 1, 0), 15 * 60))


class Scheduler:
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def db(self) -> Database:
        return self.services.db

    async def materialise(self, now: datetime) -> int:
        """Lay out occurrences for every active programme whose horizon runs short."""
        rows = await self.db.fetchall(
            "SELECT * FROM programmes WHERE paused = 0 AND materialised_until < ?",
            to_epoch(now + REFILL_BEFORE),
        )
        created = 0
        for row in rows:
            programme = Programme.from_row(row)
            kind = self.services.registry.programme_kinds.get(programme.kind)
            if kind is None:
                continue
            after = max(programme.materialised_until, now - LOOKBACK)
            until = now + HORIZON
            slots = list(kind.slots(programme, after, until))
            async with self.db.transaction() as tx:
                for slot in slots:
                    created += await tx.execute(
                        "INSERT INTO occurrences (programme_id, community_id, kind, slot, due_at,"
                        " ready_at) VALUES (?, ?, ?, ?, ?, ?)"
                        " ON CONFLICT (programme_id, kind, slot) DO NOTHING",
                        programme.id,
                        programme.community_key,
                        slot.kind,
                        slot.slot,
                        to_epoch(slot.due_at),
                        to_epoch(slot.due_at),
                    )
                # Only move forward, and only if nobody changed the programme meanwhile.
                await tx.execute(
                    "UPDATE programmes SET materialised_until = ?"
                    " WHERE id = ? AND materialised_until = ? AND paused = 0",
                    to_epoch(until),
                    programme.id,
                    to_epoch(programme.materialised_until),
                )
        for planner in self.services.registry.planners:
            created += await planner.materialise(self.services, now)
        return created

    async def claim(self, now: datetime, limit: int = CLAIM_BATCH) -> list[Occurrence]:
        lease_until = to_epoch(now + LEASE)
        worker = self.services.worker_id
        async with self.db.transaction() as tx:
            due = (
                "SELECT id, state FROM occurrences WHERE (state = 'pending' AND ready_at <= ?)"
                " OR (state = 'claimed' AND lease_until <= ?) ORDER BY ready_at, id LIMIT ?"
            )
            if self.db.dialect == "postgresql":
                # Other processes skip the rows we lock instead of queueing behind us.
                # (SQLite needs nothing: BEGIN IMMEDIATE already serialises claims.)
                due += " FOR UPDATE SKIP LOCKED"
            rows = await tx.fetchall(due, to_epoch(now), to_epoch(now), limit)
            ids = [r["id"] for r in rows]
            taken_over = {r["id"] for r in rows if r["state"] == "claimed"}
            if not ids:
                return []
            marks = ",".join("?" * len(ids))
            await tx.execute(
                f"UPDATE occurrences SET state = 'claimed', lease_until = ?, fence = fence + 1,"
                f" claimed_by = ?, attempts = attempts + 1 WHERE id IN ({marks})",
                lease_until,
                worker,
                *ids,
            )
            rows = await tx.fetchall(
                f"SELECT * FROM occurrences WHERE id IN ({marks}) ORDER BY ready_at, id", *ids
            )
        claimed = [Occurrence.from_row(r) for r in rows]
        for occ in claimed:
            if occ.id in taken_over:
                # An earlier claim's lease ran out before it recorded anything: whatever it had
                # posted goes out again with the same key (deduplicated by the platform).
                self.services.metrics.occurrence(occ.kind, "resent")
        return claimed

    async def finish(
        self,
        occurrence: Occurrence,
        state: DeliveryState,
        now: datetime,
        *,
        detail: str | None = None,
        message_key: str | None = None,
    ) -> bool:
        """Fenced completion: only the holder of the current claim may finish the row."""
        outcome = DeliveryOutcome(occurrence, state, detail, message_key)
        async with self.db.transaction() as tx:
            return await self._apply(tx, outcome, now)

    async def _apply(
        self, tx: Tx, outcome: DeliveryOutcome, now: datetime, *, again: bool = False
    ) -> bool:
        """Fenced: True if this claim still held the row and the outcome was written. ``again``:
        an earlier try's COMMIT may have landed before its connection was lost; the row then
        already holds this claim's outcome, which counts as written."""
        occ = outcome.occurrence
        if outcome.state is DeliveryState.RETRY:
            ready = outcome.due_at or now + (outcome.delay or _backoff(occ.attempts))
            changed = await tx.execute(
                "UPDATE occurrences SET state = 'pending', ready_at = ?, due_at = ?, detail = ?,"
                " lease_until = NULL WHERE id = ? AND fence = ? AND state = 'claimed'",
                to_epoch(ready),
                to_epoch(outcome.due_at or occ.due_at),
                (outcome.detail or "")[:300],
                occ.id,
                occ.fence,
            )
        else:
            changed = await tx.execute(
                "UPDATE occurrences SET state = ?, detail = ?,"
                " message_key = COALESCE(?, message_key), finished_at = ?, lease_until = NULL"
                " WHERE id = ? AND fence = ? AND state = 'claimed'",
                outcome.state.value,
                outcome.detail,
                outcome.message_key,
                to_epoch(now),
                occ.id,
                occ.fence,
            )
        if changed == 0 and again:
            row = await tx.fetchone("SELECT state, fence FROM occurrences WHERE id = ?", occ.id)
            expected = "pending" if outcome.state is DeliveryState.RETRY else outcome.state.value
            return row is not None and row["fence"] == occ.fence and row["state"] == expected
        return changed == 1

    async def run_due(self, now: datetime, chat: ChatPort) -> RunReport:
        """Materialise, then claim and deliver everything due at ``now``, in due order.

        A claimed batch is delivered concurrently and its outcomes are recorded together in one
        fenced transaction. If the process dies in between, the leases expire and the batch is
        delivered again with the same delivery keys, which the platforms deduplicate.
        """
        report = RunReport()
        await self.materialise(now)
        semaphore = asyncio.Semaphore(CONCURRENCY)
        while batch := await self.claim(now):
            programmes = await self._programmes({o.programme_id for o in batch})

            async def guarded(
                occ: Occurrence, programme: Programme | None, ready: object
            ) -> DeliveryOutcome:
                async with semaphore:
                    return await self._deliver(occ, programme, now, chat, ready)

            prepared = await self._prepare(batch, programmes, now, chat)
            outcomes = await asyncio.gather(
                *(guarded(o, programmes.get(o.programme_id), prepared.get(o.id)) for o in batch)
            )
            await self._record(outcomes, now, report)
        await self.run_maintenance(now)  # housekeeping after posts, never before them
        return report

    async def _programmes(self, ids: set[int]) -> dict[int, Programme]:
        marks = ",".join("?" * len(ids))
        rows = await self.db.fetchall(f"SELECT * FROM programmes WHERE id IN ({marks})", *ids)
        return {int(r["id"]): Programme.from_row(r) for r in rows}

    async def _prepare(
        self,
        batch: list[Occurrence],
        programmes: dict[int, Programme],
        now: datetime,
        chat: ChatPort,
    ) -> dict[int, object]:
        """Run the batch's database preparation in one transaction: one commit, not one each."""
        preparers = self.services.registry.preparers
        todo = [
            (o, programmes[o.programme_id], preparers[o.kind])
            for o in batch
            if o.kind in preparers and o.programme_id in programmes
        ]
        if not todo:
            return {}
        async with self.db.transaction() as tx:
            return {
                occ.id: await prepare(tx, DeliveryContext(self.services, chat, programme, occ, now))
                for occ, programme, prepare in todo
            }

    async def _deliver(
        self,
        occ: Occurrence,
        programme: Programme | None,
        now: datetime,
        chat: ChatPort,
        prepared: object = None,
    ) -> DeliveryOutcome:
        kind = self.services.registry.programme_kinds.get(programme.kind) if programme else None
        deliver = self.services.registry.deliverers.get(occ.kind)
        if programme is None or kind is None or deliver is None or programme.paused:
            return DeliveryOutcome(
                occ, DeliveryState.SKIPPED, stored(N_("programme paused or removed"))
            )
        late, grace = now - occ.due_at, kind.grace(programme)
        finishing = late > grace
        if finishing:
            verdict = await self._past_grace(occ, late, grace, chat)
            if verdict is not None:
                return verdict
            # Begun by an earlier attempt: finish it, late, for everyone; its retries get a
            # grace window of their own, counted from now.
            grace = late + grace
        context = DeliveryContext(self.services, chat, programme, occ, now, prepared)
        # A delivery speaks the community's language by default (its channel posts); one that
        # writes to members privately switches to each member's (``bot.community``).
        with use_language(await community_language(self.db, occ.community_key)):
            outcome = await self._send(deliver, context, grace)
        if finishing and outcome.state is DeliveryState.SENT:
            detail = stored(
                N_("finished {late} late: an earlier attempt began it"), late=_humanise(late)
            )
            return replace(outcome, detail=detail)
        return outcome

    async def _past_grace(
        self, occ: Occurrence, late: timedelta, grace: timedelta, chat: ChatPort
    ) -> DeliveryOutcome | None:
        """Found past its grace window: sent after all by an attempt that died before recording
        it, or missed, visibly. None when an earlier attempt began it and it must be finished."""
        earlier = await _sent_earlier(occ, chat)
        if earlier is not None:
            return DeliveryOutcome(
                occ,
                DeliveryState.SENT,
                stored(N_("sent by an earlier attempt that stopped before recording it")),
                message_key=earlier.key,
            )
        started = self.services.registry.started.get(occ.kind)
        if started is not None and await started(self.services, occ.id):
            return None
        return DeliveryOutcome(
            occ,
            DeliveryState.MISSED,
            stored(
                N_(
                    "not sent: Kith was not running at the time (found {late} late, past the"
                    " {grace} grace window)"
                ),
                late=_humanise(late),
                grace=_humanise(grace),
            ),
        )

    async def _send(
        self, deliver: Deliverer, context: DeliveryContext, grace: timedelta
    ) -> DeliveryOutcome:
        """One send, bounded by ``DELIVERY_TIMEOUT``, its failures mapped to a retry, a failure
        or a skip. Nothing escapes: one broken send never takes the batch down with it."""
        occ, now = context.occurrence, context.now
        try:
            async with asyncio.timeout(DELIVERY_TIMEOUT.total_seconds()):
                ref = await deliver(context)
        except TimeoutError:
            # The post may have landed; the retry carries the same delivery key, so it is
            # deduplicated rather than posted twice.
            event(log, "occurrence_timeout", logging.WARNING, occurrence=occ.id, kind=occ.kind)
            seconds = DELIVERY_TIMEOUT.total_seconds()
            reason = stored(
                N_("the chat platform did not answer within {seconds} s; will retry"),
                seconds=f"{seconds:g}",
            )
            return DeliveryOutcome(occ, self._retry_or_fail(occ, now, grace), reason)
        except DeliveryError as exc:
            # A rate limit's own wait is honoured: retrying sooner only meets another 429.
            delay = max(_backoff(occ.attempts), timedelta(seconds=exc.retry_after or 0))
            state = (
                DeliveryState.FAILED
                if exc.permanent
                else self._retry_or_fail(occ, now, grace, delay)
            )
            return DeliveryOutcome(occ, state, exc.reason[:300], delay=delay)
        except SkipDelivery as skip:
            return DeliveryOutcome(occ, DeliveryState.SKIPPED, skip.reason[:300])
        except Reschedule as later:
            return DeliveryOutcome(
                occ, DeliveryState.RETRY, later.reason[:300], due_at=later.due_at
            )
        except Exception as exc:  # a bug or an unexpected platform answer: retry, loudly
            log.exception("event=occurrence_error occurrence=%s kind=%s", occ.id, occ.kind)
            return DeliveryOutcome(
                occ,
                DeliveryState.RETRY,
                stored(N_("internal error: {error}"), error=type(exc).__name__),
            )
        return DeliveryOutcome(occ, DeliveryState.SENT, message_key=ref.key if ref else None)

    @staticmethod
    def _retry_or_fail(
        occ: Occurrence, now: datetime, grace: timedelta, delay: timedelta | None = None
    ) -> DeliveryState:
        """Retry after the backoff, unless that would land past the grace window."""
        wait = delay or _backoff(occ.attempts)
        past = now + wait - occ.due_at > grace
        return DeliveryState.FAILED if past else DeliveryState.RETRY

    async def _record(
        self, outcomes: list[DeliveryOutcome], now: datetime, report: RunReport
    ) -> None:
        applied = await self._record_again_if_lost(outcomes, now)
        for outcome, ok in zip(outcomes, applied, strict=True):
            occ = outcome.occurrence
            self.services.metrics.occurrence(occ.kind, outcome.state.value if ok else "lost_lease")
            if not ok:
                report.lost_lease += 1
                event(log, "occurrence_lost_lease", logging.WARNING, occurrence=occ.id)
            elif outcome.state is DeliveryState.SENT:
                report.sent += 1
                report.sent_ids.append(occ.id)
            elif outcome.state is DeliveryState.RETRY:
                report.retried += 1
            elif outcome.state is DeliveryState.MISSED:
                report.missed += 1
                event(
                    log,
                    "occurrence_missed",
                    occurrence=occ.id,
                    kind=occ.kind,
                    community=occ.community_key,
                    late_s=int((now - occ.due_at).total_seconds()),
                )
            elif outcome.state is DeliveryState.FAILED:
                report.failed += 1
                event(
                    log,
                    "occurrence_failed",
                    logging.WARNING,
                    occurrence=occ.id,
                    community=occ.community_key,
                    reason=english(outcome.detail),
                )
            else:
                report.skipped += 1

    async def _record_again_if_lost(
        self, outcomes: list[DeliveryOutcome], now: datetime
    ) -> list[bool]:
        """Record a delivered batch. The outcomes are in memory: if the connection is lost while
        recording them (a PostgreSQL reset), they are recorded again on a fresh one, so the
        batch is not left claimed until its lease runs out and then sent a second time."""
        for attempt in range(RECORD_TRIES):
            try:
                async with self.db.transaction() as tx:
                    return [await self._apply(tx, o, now, again=attempt > 0) for o in outcomes]
            except Exception as exc:
                if attempt == RECORD_TRIES - 1 or not self.db.connection_lost(exc):
                    raise
                event(
                    log,
                    "record_retried",
                    logging.WARNING,
                    attempt=attempt + 1,
                    occurrences=len(outcomes),
                    error=type(exc).__name__,
                )
                await asyncio.sleep(RECORD_BACKOFF * 2**attempt)
        raise AssertionError("unreachable")

    async def run_maintenance(self, now: datetime) -> list[str]:
        """Run each daily job once per UTC date, whichever process gets there first. A run whose
        lease ran out before it finished (its process stopped) is taken over where it stopped."""
        ran: list[str] = []
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        for job in self.services.registry.maintenance:
            if now < midnight + timedelta(seconds=job.at_seconds):
                continue
            slot = midnight.date().isoformat()
            async with self.db.transaction() as tx:
                claimed = await tx.execute(
                    "INSERT INTO maintenance_runs (job, slot, started_at, lease_until)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (job, slot) DO UPDATE"
                    " SET started_at = excluded.started_at, lease_until = excluded.lease_until"
                    " WHERE maintenance_runs.finished_at IS NULL"
                    " AND maintenance_runs.lease_until < ?",
                    job.name,
                    slot,
                    to_epoch(now),
                    to_epoch(now + MAINTENANCE_LEASE),
                    to_epoch(now),
                )
                progress = await tx.fetchval(
                    "SELECT progress FROM maintenance_runs WHERE job = ? AND slot = ?",
                    job.name,
                    slot,
                )
            if not claimed:
                continue
            run = MaintenanceRun(self.services, job.name, slot, now, progress)
            try:
                detail = await job.run(run)
            except Exception as exc:  # idempotent: tomorrow's run catches up
                log.exception("event=maintenance_error job=%s", job.name)
                detail = f"error: {type(exc).__name__}"
            await self.db.execute(
                "UPDATE maintenance_runs SET finished_at = ?, detail = ?"
                " WHERE job = ? AND slot = ?",
                to_epoch(self.services.clock.now()),
                detail[:300],
                job.name,
                slot,
            )
            ran.append(job.name)
        return ran

    async def next_wake(self, now: datetime) -> datetime | None:
        """When ``run_due`` next has work: the earliest ready occurrence, the earliest expiring
        lease, or the moment a programme's horizon needs topping up."""
        row = await self.db.fetchone(
            "SELECT MIN(ready_at) AS ready FROM occurrences WHERE state = 'pending'"
        )
        lease = await self.db.fetchval(
            "SELECT MIN(lease_until) FROM occurrences WHERE state = 'claimed'"
        )
        frontier = await self.db.fetchval(
            "SELECT MIN(materialised_until) FROM programmes WHERE paused = 0"
        )
        candidates = [from_epoch(v) for v in (row["ready"] if row else None, lease) if v]
        if frontier is not None:
            candidates.append(max(from_epoch(frontier) - REFILL_BEFORE, now))
        for planner in self.services.registry.planners:
            planned = await planner.frontier(self.services)
            if planned is not None:
                candidates.append(max(planned, now))
        return min(candidates) if candidates else None


async def _sent_earlier(occ: Occurrence, chat: ChatPort) -> MessageRef | None:
    """A claim that ended without a record (its process died) may have posted before dying.
    Found past its grace window, such an occurrence was sent on time, not missed, if the
    platform's log of keyed sends says so; a port without such a log cannot tell."""
    if occ.attempts <= 1 or not isinstance(chat, SentLookup):
        return None
    return await chat.delivered(occ.delivery_key)


def _humanise(delta: timedelta) -> str:
    """How late, stored to be worded in the reader's language (``bot.i18n.stored``)."""
    seconds = int(delta.total_seconds())
    if seconds >= 2 * 86400:
        return stored_plural("{n} day", "{n} days", seconds // 86400)
    if seconds >= 2 * 3600:
        return stored_plural("{n} hour", "{n} hours", seconds // 3600)
    return stored_plural("{n} minute", "{n} minutes", max(seconds // 60, 0))
