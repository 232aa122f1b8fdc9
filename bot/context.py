"""What a handler gets: the services, the chat port, who is asking, and where."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.community import Community
from bot.events import Actor
from bot.identity import ChannelRef
from bot.messages import Message
from bot.ops.metrics import Metrics
from bot.ports import ChatPort
from bot.prompts import Catalogue
from bot.registry import Registry
from bot.scheduling.clock import Clock
from bot.settings import DEFAULT_GRACE_MINUTES
from bot.store.base import Database


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
