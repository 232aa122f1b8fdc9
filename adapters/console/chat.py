"""The console platform: a message log that stands in for a chat service, and its ChatPort.

The log lives in the same database (tables prefixed ``console_``) because it *is* the platform's
state: message ids, who can see a message, its choices, and delivery keys. Like Discord's nonce,
a repeated delivery key returns the message already sent instead of posting a second one.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from adapters.console.render import ConsoleMessage, message_text
from bot.identity import ChannelRef, CommunityRef, MessageRef, UserRef
from bot.messages import Message
from bot.ports import Capabilities, GroupDelivery
from bot.scheduling.clock import Clock, to_epoch
from bot.scheduling.timezones import zone
from bot.store.base import Database
from bot.store.faults import WriteRefused
from bot.store.migrations import AUTOID

PLATFORM = "console"
COMMUNITY = CommunityRef(PLATFORM, "local")
UNSAVED = "unsaved"  # the id shown for a reply the log could not store (a full disk)
_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,32}$")

# Portable SQL, with the schema's own ``{autoid}`` spelling per engine: the console runs on
# SQLite and on PostgreSQL (the way to try several processes locally).
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS console_messages ("
    " id {autoid}, delivery_key TEXT UNIQUE, target TEXT NOT NULL,"
    " private INTEGER NOT NULL, thread TEXT, text TEXT NOT NULL, choices TEXT NOT NULL,"
    " at BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS console_members ("
    " name TEXT PRIMARY KEY, is_admin INTEGER NOT NULL DEFAULT 0, tz TEXT, locale TEXT)",
)
# Added after the first release: a log made before it gets the column on start-up.
ADD_LOCALE = {
    "sqlite": "ALTER TABLE console_members ADD COLUMN locale TEXT",
    "postgresql": "ALTER TABLE console_members ADD COLUMN IF NOT EXISTS locale TEXT",
}


@dataclass(frozen=True, slots=True)
class ConsoleMember:
    """What the console platform knows of a member (set by ``:admin``, ``:tz``, ``:locale``)."""

    is_admin: bool
    tz: str | None
    locale: str | None


def user_ref(name: str) -> UserRef:
    return UserRef(COMMUNITY, name.lower())


def channel_ref(name: str) -> ChannelRef:
    return ChannelRef(COMMUNITY, name.lower())


def message_ref(target: str, message_id: str) -> MessageRef:
    """Where a console message lives, as the core's keys: ``#general`` is the channel's key,
    ``@ada`` the member's (the core parses a thread's channel back from it)."""
    ref = channel_ref(target[1:]) if target.startswith("#") else user_ref(target[1:])
    return MessageRef(ref.key, message_id)


class ConsoleChat:
    capabilities = Capabilities(
        buttons=True, modals=False, threads=True, group_dms=True, ephemeral=True, max_text=4000
    )

    def __init__(
        self,
        db: Database,
        clock: Clock,
        tz: str,
        emit: Callable[[ConsoleMessage], None],
        files: Path | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.tz = tz
        self.emit = emit
        # Where image attachments (stats charts) are written: beside the database, else a
        # temporary folder. The console prints the path.
        self.files = files or Path(tempfile.gettempdir()) / "kith-console"

    async def install(self) -> None:
        async with self.db.transaction() as tx:
            # Processes starting together on PostgreSQL would race to create the tables.
            await self.db.lock_migrations(tx)
            for statement in SCHEMA:
                await tx.execute(statement.replace("{autoid}", AUTOID[self.db.dialect]))
            if self.db.dialect == "sqlite":
                columns = await tx.fetchall("PRAGMA table_info(console_members)")
                if any(c["name"] == "locale" for c in columns):
                    return
            await tx.execute(ADD_LOCALE[self.db.dialect])

    async def _post(
        self,
        target: str,
        private: bool,
        message: Message,
        delivery_key: str | None,
        thread: str | None,
    ) -> MessageRef:
        now = self.clock.now()
        choices = [(c.value, c.label, c.id) for c in message.choices]
        text = message_text(message, self._save_image(message, now))
        try:
            ref, new = await self._log(now, target, private, text, choices, delivery_key, thread)
        except WriteRefused:
            if delivery_key:
                raise  # a keyed post must be in the log to be sent: the scheduler retries it
            # A reply (often the very one saying nothing could be saved) is still shown when the
            # log cannot take it; it has no id to click, so its choices are left off.
            ref, new, choices = message_ref(target, UNSAVED), True, []
        if not new:
            return ref
        self.emit(
            ConsoleMessage(
                id=ref.id,
                at=now.astimezone(zone(self.tz)),
                to=target,
                private=private,
                text=text,
                choices=tuple((v, label) for v, label, _ in choices),
                thread=thread,
            )
        )
        return ref

    def _save_image(self, message: Message, now: datetime) -> str | None:
        attachment = message.attachment
        if attachment is None or not attachment.is_image:
            return None
        self.files.mkdir(parents=True, exist_ok=True)
        stem, dot, suffix = attachment.filename.rpartition(".")
        path = self.files / f"{stem or 'kith'}-{now:%Y%m%dT%H%M%S}{dot}{suffix}"
        path.write_bytes(attachment.data)
        return str(path)

    async def _log(
        self,
        now: datetime,
        target: str,
        private: bool,
        text: str,
        choices: list[tuple[str, str, str]],
        delivery_key: str | None,
        thread: str | None,
    ) -> tuple[MessageRef, bool]:
        """The message's row in the console's log, and whether it is new: a key already sent
        returns its message, shown once only (as Discord returns a nonce's message)."""
        async with self.db.transaction() as tx:
            if delivery_key:
                existing = await tx.fetchone(
                    "SELECT id, target FROM console_messages WHERE delivery_key = ?", delivery_key
                )
                if existing:
                    return message_ref(existing["target"], f"m{existing['id']}"), False
            row_id = await tx.fetchval(
                "INSERT INTO console_messages (delivery_key, target, private, thread, text,"
                " choices, at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                delivery_key,
                target,
                int(private),
                thread,
                text,
                json.dumps(choices),
                to_epoch(now),
            )
        return message_ref(target, f"m{row_id}"), True

    async def send_channel(
        self,
        channel: ChannelRef,
        message: Message,
        *,
        delivery_key: str | None = None,
        thread: MessageRef | None = None,
    ) -> MessageRef:
        return await self._post(
            f"#{channel.id}", False, message, delivery_key, thread.id if thread else None
        )

    async def send_private(
        self, user: UserRef, message: Message, *, delivery_key: str | None = None
    ) -> MessageRef:
        return await self._post(f"@{user.id}", True, message, delivery_key, None)

    async def send_group(
        self,
        members: Sequence[UserRef],
        message: Message,
        *,
        channel: ChannelRef,
        delivery_key: str,
    ) -> GroupDelivery:
        """The console shows a group introduction as one private message to each member."""
        sent = [
            await self.send_private(m, message, delivery_key=f"{delivery_key}:{m.id}")
            for m in members
        ]
        return GroupDelivery(tuple(sent))

    async def delivered(self, delivery_key: str) -> MessageRef | None:
        """The log row a keyed send wrote, which is committed before the message is shown: so
        after a crash it says exactly whether the post went out."""
        row = await self.db.fetchone(
            "SELECT id, target FROM console_messages WHERE delivery_key = ?", delivery_key
        )
        return message_ref(row["target"], f"m{row['id']}") if row else None

    def parse_mention(self, community: CommunityRef, token: str) -> UserRef | ChannelRef | None:
        if len(token) > 1 and _NAME.match(token[1:]):
            if token.startswith("#"):
                return channel_ref(token[1:])
            if token.startswith("@"):
                return user_ref(token[1:])
        return None

    def channel_label(self, channel: ChannelRef) -> str:
        return f"#{channel.id}"

    async def find_choice(self, message_id: str, value: str, clicker: str) -> str:
        """The choice id behind a click, or a ValueError saying why there is none."""
        row_id = message_id[1:] if message_id.startswith("m") else ""
        row = None
        # Ids are 64-bit integers: a longer number names no message (and would overflow).
        if row_id.isdecimal() and len(row_id) <= 18:
            row = await self.db.fetchone(
                "SELECT target, private, choices FROM console_messages WHERE id = ?", int(row_id)
            )
        if row is None:
            raise ValueError(f"there is no message {message_id[:20]}")
        if row["private"] and row["target"] != f"@{clicker.lower()}":
            raise ValueError(f"{message_id} is private to {row['target']}")
        choices = json.loads(row["choices"])
        for choice_value, _, choice_id in choices:
            if choice_value == value:
                return str(choice_id)
        offered = ", ".join(v for v, _, _ in choices) or "none"
        raise ValueError(f"{message_id} has no choice {value[:20]!r} (choices: {offered})")

    async def member(self, name: str) -> ConsoleMember:
        row = await self.db.fetchone(
            "SELECT is_admin, tz, locale FROM console_members WHERE name = ?", name.lower()
        )
        if row is None:
            return ConsoleMember(False, None, None)
        return ConsoleMember(bool(row["is_admin"]), row["tz"], row["locale"])

    async def set_member(
        self,
        name: str,
        *,
        admin: bool | None = None,
        tz: str | None = None,
        locale: str | None = None,
    ) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO console_members (name) VALUES (?) ON CONFLICT (name) DO NOTHING",
                name.lower(),
            )
            if admin is not None:
                await tx.execute(
                    "UPDATE console_members SET is_admin = ? WHERE name = ?",
                    int(admin),
                    name.lower(),
                )
            if tz is not None:
                await tx.execute(
                    "UPDATE console_members SET tz = ? WHERE name = ?", tz, name.lower()
                )
            if locale is not None:
                await tx.execute(
                    "UPDATE console_members SET locale = ? WHERE name = ?", locale, name.lower()
                )
