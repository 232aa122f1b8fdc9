"""What a handler gets: the services, the chat port, who is asking, and where."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.community import Community
from bot.events import Actor
from bot.identity import ChannelRef, MessageRef
from bot.messages import Message
from bot.ops.metrics import Metrics
from bot.ports import ChatPort
from bot.programmes import Programme
from bot.prompts import Catalogue
from bot.registry import Registry
from bot.settings import DEFAULT_GRACE_MINUTES
from bot.store.base import Database, Row


@dataclass
class Services:
    db: Database
    clock: Clock
    catalogue: Catalogue
    registry: Registry
    worker_id: str = "kith"
    default_grace_minutes: int = DEFAULT_GRACE_MINUTES
    metrics: Metrics = field(default_factory=Metrics)


@dataclass
class Context:
    services: Services
    chat: ChatPort
    actor: Actor
    community: Community
    now: datetime
    channel: ChannelRef | None = None
    # Safety screening (bot.safety.care) notes here that it looked at the actor's words, whether
    # it saw a signal, and a caring message it could not deliver privately: the core then shows
    # that message where they wrote, and never answers a signal with anything cold.
    screened: bool = False
    signal_seen: bool = False
    care_inline: Message | None = None

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def is_admin(self) -> bool:
        return self.community.is_admin(self.actor)


@dataclass(frozen=True, slots=True)
class Occurrence:
    id: int
    programme_id: int
    community_key: str
    kind: str
    slot: str
    due_at: datetime
    fence: int
    attempts: int
    payload: dict[str, Any] = field(default_factory=dict)
    message: MessageRef | None = None

    @classmethod
    def from_row(cls, row: Row) -> Occurrence:
        from bot.clock import from_epoch

        message_key = row.get("message_key")
        return cls(
            id=int(row["id"]),
            programme_id=int(row["programme_id"]),
            community_key=row["community_id"],
            kind=row["kind"],
            slot=row["slot"],
            due_at=from_epoch(row["due_at"]),
            fence=int(row["fence"]),
            attempts=int(row["attempts"]),
            payload=json.loads(row["payload"] or "{}"),
            message=MessageRef.parse(str(message_key)) if message_key else None,
        )

    @property
    def delivery_key(self) -> str:
        """Stable per occurrence: a retried post carries the same key and the platform (Discord
        nonce, Slack metadata, console log) returns the existing message instead of a second."""
        return f"kith-occ-{self.id}"


@dataclass
class DeliveryContext:
    services: Services
    chat: ChatPort
    programme: Programme
    occurrence: Occurrence
    now: datetime
    prepared: object = None
