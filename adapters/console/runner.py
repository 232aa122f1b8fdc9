"""Running the console community: read lines, drive the core, print what the bot sends."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, TextIO

from adapters.console.chat import COMMUNITY, ConsoleChat, channel_ref, user_ref
from adapters.console.render import ConsoleMessage, json_line, plain_line
from adapters.console.script import (
    MAX_STEP,
    Advance,
    At,
    Click,
    MakeAdmin,
    Say,
    ScriptError,
    SetLocale,
    SetZone,
    decode_line,
    parse_line,
    too_far,
)
from bot.app import build_kith
from bot.community import ensure_community
from bot.core import Kith
from bot.events import Actor, ClickEvent, CommandEvent, DirectTextEvent
from bot.messages import Reply
from bot.scheduling.clock import OutOfRange, schedulable
from bot.scheduling.fast_forward import run_until
from bot.scheduling.timezones import UnknownTimeZone, canonical_zone, zone
from bot.scheduling.wakeups import Timer
from bot.store import Database
from bot.store.faults import StorageFault, WriteRefused

DEFAULT_CHANNEL = "general"


class ConsoleClock:
    """The real clock by default, or a simulated one from ``--start``; either way ``:advance``
    and ``:at`` move it forward."""

    def __init__(self, start: datetime | None) -> None:
        self._offset = timedelta(0)
        self._simulated = start.astimezone(UTC) if start else None

    @property
    def simulated(self) -> bool:
        return self._simulated is not None

    def now(self) -> datetime:
        if self._simulated is not None:
            return self._simulated
        return datetime.now(UTC) + self._offset

    def set(self, instant: datetime) -> None:
        instant = instant.astimezone(UTC)
        if instant <= self.now():
            return
        if self._simulated is not None:
            self._simulated = instant
        else:
            self._offset += instant - self.now()


class ConsoleCommunity:
    def __init__(
        self,
        kith: Kith,
        db: Database,
        clock: ConsoleClock,
        tz: str,
        out: TextIO,
        err: TextIO,
        as_json: bool,
    ) -> None:
        self.kith, self.db, self.clock, self.tz = kith, db, clock, tz
        self.out, self.err, self.as_json = out, err, as_json
        self.chat = ConsoleChat(db, clock, tz, self._emit)
        self._lock = asyncio.Lock()
        # Set by SIGTERM/SIGINT (bot.shutdown): the line in progress finishes, with its reply,
        # and no further line is read. A long :advance stops at the next due moment.
        self.stop = asyncio.Event()

    @classmethod
    async def open(
        cls, database: str, clock: ConsoleClock, tz: str, out: TextIO, err: TextIO, as_json: bool
    ) -> ConsoleCommunity:
        kith, db = await build_kith(database, clock)
        community = cls(kith, db, clock, tz, out, err, as_json)
        path = database.removeprefix("sqlite:///")
        if "://" not in path and path != ":memory:":  # a SQLite file: charts go beside it
            community.chat.files = Path(path).parent
        try:
            await community.chat.install()
            await ensure_community(db, COMMUNITY, clock.now(), tz)
            await db.execute("UPDATE communities SET tz = ? WHERE id = ?", tz, COMMUNITY.key)
        except WriteRefused as exc:  # opened, but the first write was not saved
            await db.close()
            raise StorageFault(
                f"cannot write {database}: {exc}; fix that, then start again"
            ) from exc
        return community

    def _emit(self, message: ConsoleMessage) -> None:
        self.out.write((json_line(message) if self.as_json else plain_line(message)) + "\n")
        self.out.flush()

    def error(self, lineno: int | None, text: str) -> None:
        where = f"line {lineno}: " if lineno is not None else ""
        if self.as_json:
            payload: dict[str, object] = {"error": text}
            if lineno is not None:
                payload["line"] = lineno
            self.err.write(json.dumps(payload, ensure_ascii=False) + "\n")
        else:
            self.err.write(f"error: {where}{text}\n")
        self.err.flush()

    async def actor(self, name: str) -> Actor:
        known = await self.chat.member(name)
        return Actor(
            user_ref(name),
            name,
            is_platform_admin=known.is_admin,
            platform_tz=known.tz,
            locale=known.locale,
        )

    async def deliver(self, actor: Actor, reply: Reply) -> None:
        if reply.form is not None and reply.message is None:
            # The console has no modals; the core asks for a text reply instead.
            self.error(None, "the console cannot open forms")
            return
        if reply.message is None:
            return
        if reply.private:
            await self.chat.send_private(actor.user, reply.message)
        else:
            await self.chat.send_channel(channel_ref(DEFAULT_CHANNEL), reply.message)

    async def run_line(self, lineno: int, raw: str | bytes) -> None:
        async with self._lock:
            try:
                text = decode_line(raw) if isinstance(raw, bytes) else raw
                action = parse_line(text, zone(self.tz))
            except ScriptError as exc:
                self.error(lineno, str(exc))
                return
            if action is None:
                return
            await self._act(lineno, action)
            await self.kith.run_due(self.clock.now(), self.chat)

    async def _act(self, lineno: int, action: object) -> None:
        if isinstance(action, Say):
            actor = await self.actor(action.name)
            event: CommandEvent | DirectTextEvent
            if action.text.startswith("/"):
                event = CommandEvent(actor, action.text, channel_ref(DEFAULT_CHANNEL))
            else:
                event = DirectTextEvent(actor, action.text)
            await self.deliver(actor, await self.kith.handle(event, self.chat))
        elif isinstance(action, Click):
            try:
                choice_id = await self.chat.find_choice(
                    action.message_id, action.value, action.name
                )
            except ValueError as exc:
                self.error(lineno, str(exc))
                return
            actor = await self.actor(action.name)
            reply = await self.kith.handle(ClickEvent(actor, choice_id), self.chat)
            await self.deliver(actor, reply)
        elif isinstance(action, MakeAdmin):
            await self.chat.set_member(action.name, admin=True)
        elif isinstance(action, SetZone):
            try:
                await self.chat.set_member(action.name, tz=canonical_zone(action.zone))
            except UnknownTimeZone as exc:
                self.error(lineno, str(exc))
        elif isinstance(action, SetLocale):
            await self.chat.set_member(action.name, locale=action.locale)
        elif isinstance(action, Advance | At):
            now = self.clock.now()
            try:
                target = schedulable(
                    now + action.by if isinstance(action, Advance) else action.instant
                )
            except (OutOfRange, OverflowError) as exc:
                self.error(lineno, str(exc) if isinstance(exc, OutOfRange) else too_far())
                return
            if target < now:
                self.error(lineno, ":at cannot move the clock backwards")
            elif target - now > MAX_STEP:
                self.error(lineno, f"{too_far()}; use several :at or :advance lines")
            else:
                await self.advance_to(target)

    async def advance_to(self, target: datetime) -> None:
        await run_until(self.kith, self.clock, target, self.chat, stop=self.stop)

    async def run_lines(self, lines: Iterable[str | bytes]) -> None:
        await self.kith.run_due(self.clock.now(), self.chat)
        for lineno, raw in enumerate(lines, 1):
            if self.stop.is_set():
                break
            await self.run_line(lineno, raw)

    async def run_stream(self, stdin: TextIO, *, timer: bool = True) -> None:
        """Lines as they arrive on stdin (a terminal or a pipe) until it ends or a stop is
        requested, while a timer delivers whatever falls due (with a simulated clock, time
        moves only with :advance and :at)."""
        await self.tick()  # first what fell due while Kith was not running
        alarm = Timer(self.tick) if timer and not self.clock.simulated else None
        if alarm:
            alarm.start()
        lines = _StdinLines(stdin)
        lineno = 0
        try:
            while (raw := await lines.next(self.stop)) is not None:
                lineno += 1
                await self.run_line(lineno, raw)
        finally:
            if alarm:
                alarm.stop()

    async def tick(self) -> datetime | None:
        async with self._lock:
            await self.kith.run_due(self.clock.now(), self.chat)
            return await self.kith.scheduler.next_wake(self.clock.now())

    async def close(self) -> None:
        async with self._lock:  # a scheduler tick in progress finishes first
            await self.db.close()


class _StdinLines:
    """stdin read on a daemon thread: a blocked read neither holds up the event loop (so
    signals, the timer and the ops endpoint run) nor keeps the process alive at exit. A real
    stdin is read as bytes, straight from its file descriptor, so a line that is not UTF-8 is
    reported and skipped like in a script (never decoded with replacement characters), and no
    lock of Python's buffered reader is held by a thread still waiting at interpreter exit."""

    def __init__(self, stdin: IO[str]) -> None:
        self._queue: asyncio.Queue[str | bytes] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        try:
            source: Iterator[str | bytes] = _fd_lines(stdin.fileno())
        except (AttributeError, OSError, ValueError):  # a StringIO: text it is
            source = iter(stdin.readline, "")
        threading.Thread(target=self._pump, args=(source,), daemon=True, name="stdin").start()

    def _pump(self, source: Iterator[str | bytes]) -> None:
        for raw in itertools.chain(source, [b""]):  # an empty line marks the end of input
            try:
                self._loop.call_soon_threadsafe(self._queue.put_nowait, raw)
            except RuntimeError:  # the loop has closed: Kith is exiting
                return

    async def next(self, stop: asyncio.Event) -> str | bytes | None:
        """The next line, or None at the end of input or once ``stop`` is set."""
        if stop.is_set():
            return None
        line = asyncio.ensure_future(self._queue.get())
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait({line, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if not line.done():
            line.cancel()
            return None
        return line.result() or None


def _fd_lines(fd: int, chunk: int = 65536) -> Iterator[bytes]:
    """Lines (with their newline) read from a file descriptor until the end of input."""
    pending = b""
    while data := os.read(fd, chunk):
        pending += data
        *lines, pending = pending.split(b"\n")
        yield from (line + b"\n" for line in lines)
    if pending:
        yield pending
