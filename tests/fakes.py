"""Test doubles for the ports: a recording chat port and a scenario harness around the real core.

Only the chat platform is faked here; the store is real SQLite and the clock is a real simulated
clock, so scenario tests exercise the same code the adapters run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from bot.app import build_kith
from bot.core import Kith
from bot.events import Actor, ClickEvent, CommandEvent, DirectTextEvent, FormSubmitEvent
from bot.identity import ChannelRef, CommunityRef, MessageRef, UserRef
from bot.messages import Message, Reply
from bot.ports import Capabilities, DeliveryError, GroupDelivery
from bot.scheduling.clock import SimulatedClock
from bot.scheduling.fast_forward import run_until
from bot.scheduling.scheduler import RunReport
from bot.store import Database

COMMUNITY = CommunityRef("test", "c1")


@dataclass
class Sent:
    id: str
    to: str  # channel key or user key
    message: Message
    private: bool
    thread: str | None = None
    delivery_key: str | None = None

    @property
    def text(self) -> str:
        return self.message.plain_text

    def choice(self, value: str) -> str:
        for choice in self.message.choices:
            if choice.value == value:
                return choice.id
        raise AssertionError(f"no choice {value!r} in {[c.value for c in self.message.choices]}")


@dataclass
class FakeChat:
    """A ChatPort that records what it sends and dedups on delivery keys like a real platform.

    ``fail_next`` makes the next sends raise, to test retries and failure reporting.
    ``keys_sent`` lists the delivery key of every send the core asked for, repeats included
    (the platform's dedup hides a repeat in ``sent``; a key twice here means Kith sent twice).
    Benchmarks use it too: every operation is O(1), so it measures Kith, not the fake.
    """

    capabilities: Capabilities = field(default_factory=lambda: Capabilities(modals=False))
    sent: list[Sent] = field(default_factory=list)
    fail_next: list[DeliveryError] = field(default_factory=list)
    closed_dms: set[str] = field(default_factory=set)
    deleted: list[MessageRef] = field(default_factory=list)
    keys_sent: list[str] = field(default_factory=list)
    _by_key: dict[str, Sent] = field(default_factory=dict)

    def _record(
        self, to: str, message: Message, private: bool, key: str | None, thread: str | None
    ) -> MessageRef:
        if self.fail_next:
            raise self.fail_next.pop(0)
        if key:
            self.keys_sent.append(key)
        if key and key in self._by_key:
            existing = self._by_key[key]
            return MessageRef(existing.to, existing.id)
        sent = Sent(f"m{len(self.sent) + 1}", to, message, private, thread, key)
        self.sent.append(sent)
        if key:
            self._by_key[key] = sent
        return MessageRef(to, sent.id)

    async def send_channel(
        self,
        channel: ChannelRef,
        message: Message,
        *,
        delivery_key: str | None = None,
        thread: MessageRef | None = None,
    ) -> MessageRef:
        return self._record(
            channel.key, message, False, delivery_key, thread.id if thread else None
        )

    async def send_private(
        self, user: UserRef, message: Message, *, delivery_key: str | None = None
    ) -> MessageRef:
        return self._record(user.key, message, True, delivery_key, None)

    async def send_group(
        self,
        members: Sequence[UserRef],
        message: Message,
        *,
        channel: ChannelRef,
        delivery_key: str,
    ) -> GroupDelivery:
        """One private message per member, like the console; ``closed_dms`` are unreachable."""
        sent, unreachable = [], []
        for member in members:
            if member.id in self.closed_dms:
                unreachable.append(member)
                continue
            sent.append(
                self._record(member.key, message, True, f"{delivery_key}:{member.id}", None)
            )
        if not sent:
            raise DeliveryError("nobody in the group could be reached", permanent=True)
        return GroupDelivery(tuple(sent), tuple(unreachable))

    async def delete_message(self, message: MessageRef) -> None:
        """Like the platforms: Kith deletes its own messages; gone already is fine."""
        self.deleted.append(message)
        self.sent = [s for s in self.sent if (s.to, s.id) != (message.channel_key, message.id)]

    def parse_mention(self, community: CommunityRef, token: str) -> UserRef | ChannelRef | None:
        if token.startswith("#") and len(token) > 1:
            return ChannelRef(community, token[1:])
        if token.startswith("@") and len(token) > 1:
            return UserRef(community, token[1:])
        return None

    def channel_label(self, channel: ChannelRef) -> str:
        return f"#{channel.id}"

    def to(self, target: str) -> list[Sent]:
        """Messages sent to ``#channel`` or ``@member`` in the test community."""
        key = f"{COMMUNITY.key}:{target[1:]}"
        return [s for s in self.sent if s.to == key]


@dataclass
class Harness:
    """The real core on a real SQLite file with a simulated clock and a fake chat."""

    kith: Kith
    db: Database
    clock: SimulatedClock
    chat: FakeChat
    admins: set[str] = field(default_factory=set)

    def actor(
        self,
        name: str,
        *,
        admin: bool | None = None,
        tz: str | None = None,
        locale: str | None = None,
        community_locale: str | None = None,
    ) -> Actor:
        return Actor(
            UserRef(COMMUNITY, name),
            name.capitalize(),
            is_platform_admin=name in self.admins if admin is None else admin,
            platform_tz=tz,
            locale=locale,
            community_locale=community_locale,
        )

    async def say(self, name: str, text: str, **kw: object) -> Reply:
        actor = self.actor(name, **kw)  # type: ignore[arg-type]
        if text.startswith("/"):
            return await self.kith.handle(
                CommandEvent(actor, text, ChannelRef(COMMUNITY, "general")), self.chat
            )
        return await self.kith.handle(DirectTextEvent(actor, text), self.chat)

    async def click(self, name: str, choice_id: str, **kw: object) -> Reply:
        actor = self.actor(name, **kw)  # type: ignore[arg-type]
        return await self.kith.handle(ClickEvent(actor, choice_id), self.chat)

    async def submit(self, name: str, form_id: str, values: dict[str, str], **kw: object) -> Reply:
        actor = self.actor(name, **kw)  # type: ignore[arg-type]
        return await self.kith.handle(FormSubmitEvent(actor, form_id, values), self.chat)

    async def refuses(self, name: str, cases: Mapping[str, str]) -> None:
        """Bad input: each command is answered with the words expected, and nothing changes."""
        before = await snapshot(self.db)
        for command, expected in cases.items():
            assert expected in reply_text(await self.say(name, command)), command
        assert await snapshot(self.db) == before, "bad input changed the database"

    async def refuses_clicks(self, name: str, choice_ids: Iterable[str]) -> None:
        """Forged or stale buttons: each gets a clear private answer, and nothing changes."""
        before = await snapshot(self.db)
        for choice_id in choice_ids:
            reply = await self.click(name, choice_id)
            assert reply.private and reply_text(reply), choice_id
        assert await snapshot(self.db) == before, "a forged button changed the database"

    async def run_due(self) -> RunReport:
        return await self.kith.run_due(self.clock.now(), self.chat)

    async def advance(self, delta: timedelta) -> None:
        """Move time forward, running the scheduler at every moment something falls due."""
        await self.advance_to(self.clock.now() + delta)

    async def advance_to(self, target: datetime) -> None:
        await run_until(self.kith, self.clock, target, self.chat)


def reply_text(reply: Reply) -> str:
    assert reply.message is not None, "expected a message in the reply"
    return reply.message.plain_text


async def make_harness(path: Path, start: datetime, *, modals: bool = False) -> Harness:
    clock = SimulatedClock(start)
    kith, db = await build_kith(str(path), clock)
    return Harness(kith, db, clock, FakeChat(capabilities=Capabilities(modals=modals)))


async def snapshot(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table: compare before and after to prove nothing changed."""
    tables = [
        r["name"]
        for r in await db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]
    return {t: [tuple(r.values()) for r in await db.fetchall(f"SELECT * FROM {t}")] for t in tables}
