"""One firing of a programme as the ``occurrences`` table holds it, and what a deliverer
gets to post it: the services, the chat port, the programme, the firing and the time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.context import Services
from bot.identity import MessageRef
from bot.ports import ChatPort
from bot.programmes import Programme
from bot.scheduling.clock import from_epoch
from bot.store.base import Row


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
