"""Ports: what the core needs from the outside, as Protocols that adapters fill."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bot.identity import ChannelRef, CommunityRef, MessageRef, UserRef
from bot.messages import Message


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a platform can do; the core degrades instead of asking which platform it is."""

    buttons: bool = True
    modals: bool = False
    threads: bool = True
    group_dms: bool = False
    ephemeral: bool = True
    max_text: int = 2000
    max_choices: int = 25


@dataclass(frozen=True, slots=True)
class GroupDelivery:
    """Where a group introduction landed, and who the platform could not reach (closed DMs,
    left the workspace). The core reports the unreachable; the round goes on."""

    messages: tuple[MessageRef, ...]
    unreachable: tuple[UserRef, ...] = ()


class DeliveryError(Exception):
    """A send failed. ``permanent`` failures (unknown channel, closed DMs, missing permissions)
    are not retried; the admin sees them in ``/kith status``. ``retry_after`` is how many
    seconds the platform asked Kith to wait (a rate limit); a retry comes no sooner."""

    def __init__(self, reason: str, *, permanent: bool, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after


class ChatPort(Protocol):
    capabilities: Capabilities

    async def send_channel(
        self,
        channel: ChannelRef,
        message: Message,
        *,
        delivery_key: str | None = None,
        thread: MessageRef | None = None,
    ) -> MessageRef:
        """Post to a channel (or into a message's thread).

        ``delivery_key`` makes the post idempotent: sending the same key twice yields one message
        (Discord nonce, Slack metadata, console log), which is what makes retries exactly-once.
        """
        ...

    async def send_private(
        self, user: UserRef, message: Message, *, delivery_key: str | None = None
    ) -> MessageRef:
        """Send a member a private message (a DM)."""
        ...

    async def send_group(
        self,
        members: Sequence[UserRef],
        message: Message,
        *,
        channel: ChannelRef,
        delivery_key: str,
    ) -> GroupDelivery:
        """Introduce ``members`` to each other privately: a group DM where the platform has
        them, else a private thread in ``channel``, else one DM each (keyed per member)."""
        ...

    def parse_mention(self, community: CommunityRef, token: str) -> UserRef | ChannelRef | None:
        """Turn a mention as typed on this platform (``<@U1>``, ``#general``) into a reference."""
        ...

    def channel_label(self, channel: ChannelRef) -> str:
        """How to name a channel in text (``#general``); never a ping."""
        ...


@runtime_checkable
class MessageDeleter(Protocol):
    """Optional for a ChatPort: delete a message Kith itself posted (a shared reflection, a
    streak celebration naming a member who ran /kith forget). A message already gone counts as
    deleted; a refusal raises DeliveryError."""

    async def delete_message(self, message: MessageRef) -> None: ...


@runtime_checkable
class SentLookup(Protocol):
    """Optional for a ChatPort: a platform log of keyed sends that can say, after a crash,
    whether a post went out. The console's message log offers it; Slack's write-ahead
    deliveries could; Discord's nonces deduplicate only for a few minutes and cannot be looked
    up later."""

    async def delivered(self, delivery_key: str) -> MessageRef | None:
        """The message sent with exactly this delivery key, or None if there is none."""
        ...
