"""The Discord ChatPort: rendered messages sent through discord.py's HTTP client.

Sends go by channel id (``PartialMessageable``), never through the gateway cache, so the scheduler
can post from any shard's process and right after start-up. Keyed sends carry a nonce derived
from the delivery key with ``enforce_nonce``: if a post reached Discord but the answer was lost,
the retry gets the existing message back instead of posting twice.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

import discord

from adapters.discord.errors import (
    THREAD_ALREADY_CREATED,
    UNKNOWN_CHANNEL,
    UNKNOWN_MESSAGE,
    delivery_error,
    error_code,
    token_rejected,
)
from adapters.discord.ids import channel_ref, parse_mention_token, snowflake
from adapters.discord.render import Rendered, render_message
from adapters.discord.store import AdapterStore
from adapters.discord.views import build_view
from bot.alarm import Alarm
from bot.i18n import N_, _
from bot.identity import ChannelRef, CommunityRef, MessageRef, UserRef
from bot.logs import event
from bot.messages import Message
from bot.pacing import Pacer, RateLimit
from bot.ports import Capabilities, DeliveryError, GroupDelivery
from bot.scheduling.clock import Clock

log = logging.getLogger("kith.discord.chat")

MAX_NONCE = 25
THREAD_NAME_LIMIT = 100
PRIVATE_THREAD: Literal[12] = 12
ARCHIVE_AFTER_MINUTES: Literal[10080] = 10080  # a week: an intro thread stays open for the round
REPLY_THREAD_NAME = N_("Replies")  # a thread under a post; named in the language being written
# Discord allows a bot 50 requests a second across all routes (interaction answers aside). Kith
# books at most 40 a second plus a burst of 5: the 5 to spare absorb requests the event loop
# releases a little late, which would otherwise land in the next second's count.
GLOBAL_LIMIT = RateLimit(40, burst=5)
# Discord deduplicates a repeated nonce for "a few minutes". Past this, a retry of a post whose
# first attempt got no answer looks for that post in the channel before sending again.
NONCE_TRUSTED = timedelta(minutes=2)
CLOCK_SKEW = timedelta(minutes=1)  # between Kith's clock and Discord's message timestamps
HISTORY_LIMIT = 100  # the channel's latest messages searched (one request)


def nonce_for(delivery_key: str, part: int = 0) -> str:
    """A ≤25-character nonce, stable for a delivery key and message part."""
    digest = hashlib.blake2b(f"{delivery_key}#{part}".encode(), digest_size=12).hexdigest()
    return digest[:MAX_NONCE]


def allowed_mentions(part: Rendered) -> discord.AllowedMentions:
    users = [discord.Object(id=int(u)) for u in part.ping_user_ids]
    return discord.AllowedMentions(everyone=False, roles=False, users=users or False)


def discord_file(part: Rendered) -> discord.File | None:
    if part.file is None:
        return None
    return discord.File(
        io.BytesIO(part.file.data),
        filename=part.file.filename,
        description=part.file.description or None,
    )


def message_kwargs(part: Rendered) -> dict[str, Any]:
    """What discord.py's send calls take for one rendered part, besides the content."""
    kwargs: dict[str, Any] = {"allowed_mentions": allowed_mentions(part)}
    view = build_view(part.rows)
    if view is not None:
        kwargs["view"] = view
    file = discord_file(part)
    if file is not None:
        kwargs["file"] = file
    return kwargs


def thread_name(message: Message) -> str:
    """A thread is named after the first line of what opens it (plain text, no markup)."""
    first = message.plain_text.strip().splitlines()[0] if message.plain_text.strip() else ""
    name = " ".join(first.split()) or "Kith"
    return name if len(name) <= THREAD_NAME_LIMIT else name[: THREAD_NAME_LIMIT - 1] + "…"


class DiscordChat:
    capabilities = Capabilities(
        buttons=True,
        modals=True,
        threads=True,
        group_dms=False,  # bots cannot open group DMs on Discord
        ephemeral=True,
        max_text=2000,
        max_choices=25,
    )

    def __init__(
        self,
        client: discord.Client,
        store: AdapterStore,
        clock: Clock,
        limit: RateLimit = GLOBAL_LIMIT,
    ) -> None:
        self.client = client
        self.store = store
        self.clock = clock
        self.token_alarm = Alarm(log, "discord_token_rejected")
        # One for the whole process: each REST call Kith starts waits its turn here.
        self.pacer = Pacer(limit)

    # -- sending -----------------------------------------------------------------------------

    async def _post(
        self, channel_id: int, message: Message, delivery_key: str | None, where: str
    ) -> discord.abc.Snowflake:
        """Send every part of a rendered message; return the last (the one with buttons)."""
        target = self.client.get_partial_messageable(channel_id)
        sent: discord.abc.Snowflake | None = None
        for index, part in enumerate(render_message(message, max_text=self.capabilities.max_text)):
            kwargs = message_kwargs(part)
            nonce = nonce_for(delivery_key, index) if delivery_key else None
            try:
                if nonce is not None:
                    found = await self._sent_before(channel_id, nonce, part)
                    if found is not None:
                        sent = target.get_partial_message(found)
                        continue
                    kwargs["nonce"] = nonce
            except Exception as exc:
                raise self._failure(exc, where) from exc
            try:
                await self.pacer.wait()
                posted = await target.send(part.content, **kwargs)
            except Exception as exc:
                if nonce is not None and _refused(exc):
                    await self.store.forget_send(nonce)  # nothing was posted: no need to look
                raise self._failure(exc, where) from exc
            if nonce is not None:
                try:
                    await self.store.sent(nonce, posted.id)
                except Exception:  # the post is out: a later retry would look for it instead
                    log.warning("event=discord_send_note_failed message=%s", posted.id)
            sent = posted
        assert sent is not None
        self.token_alarm.clear()
        return sent

    async def _sent_before(self, channel_id: int, nonce: str, part: Rendered) -> int | None:
        """The message an earlier attempt at this keyed part posted, if it did. Discord's nonce
        finds it only for a few minutes; past ``NONCE_TRUSTED`` Kith looks in the channel
        itself for its own message with this content and these buttons, posted since then."""
        now = self.clock.now()
        earlier = await self.store.begin_send(nonce, channel_id, now)
        if earlier is None:
            return None
        if earlier.message_id is not None:
            return int(earlier.message_id)
        if now - earlier.first_attempt_at < NONCE_TRUSTED:
            return None  # the nonce still deduplicates
        since = earlier.first_attempt_at - CLOCK_SKEW
        me = str(self.client.user.id) if self.client.user else str(self.client.application_id)
        wanted = _custom_ids(part.components())
        await self.pacer.wait()
        for candidate in await self.client.http.logs_from(channel_id, HISTORY_LIMIT):
            if (
                str(candidate.get("author", {}).get("id")) == me
                and candidate.get("content", "") == part.content
                and _custom_ids(candidate.get("components") or []) == wanted
                and datetime.fromisoformat(str(candidate["timestamp"])) >= since
            ):
                found = int(candidate["id"])
                await self.store.sent(nonce, found)
                event(log, "discord_retry_found_post", channel=channel_id, message=found)
                return found
        return None

    def _failure(self, exc: BaseException, where: str) -> DeliveryError:
        """Classify a failed call; a rejected token is logged once, not once per send."""
        if token_rejected(exc):
            self.token_alarm.raise_(
                status=401, hint="reset the bot token in the Developer Portal, then restart"
            )
        return delivery_error(exc, where)

    async def send_channel(
        self,
        channel: ChannelRef,
        message: Message,
        *,
        delivery_key: str | None = None,
        thread: MessageRef | None = None,
    ) -> MessageRef:
        if thread is not None:
            return await self._send_in_thread(channel, thread, message, delivery_key)
        sent = await self._post(_id(channel.id), message, delivery_key, self.channel_label(channel))
        return MessageRef(channel.key, str(sent.id))

    async def _send_in_thread(
        self,
        channel: ChannelRef,
        parent: MessageRef,
        message: Message,
        delivery_key: str | None,
    ) -> MessageRef:
        """Reply in the thread under ``parent``, opening it on first use. A thread started from
        a message shares that message's id, so no lookup table is needed."""
        thread_id = _id(parent.id)
        parent_channel = ChannelRef.parse(parent.channel_key)
        thread_ref = channel_ref(parent_channel.community.id, thread_id)
        where = self.channel_label(parent_channel)
        try:
            sent = await self._post(thread_id, message, delivery_key, where)
            return MessageRef(thread_ref.key, str(sent.id))
        except DeliveryError as exc:
            if not _caused_by(exc, UNKNOWN_CHANNEL):
                raise
        try:
            await self.pacer.wait()
            await self.client.http.start_thread_with_message(
                _id(parent_channel.id),
                thread_id,
                name=_(REPLY_THREAD_NAME),
                auto_archive_duration=ARCHIVE_AFTER_MINUTES,
            )
        except discord.HTTPException as exc:
            if exc.code != THREAD_ALREADY_CREATED:
                raise self._failure(exc, where) from exc
        except Exception as exc:
            raise self._failure(exc, where) from exc
        sent = await self._post(thread_id, message, delivery_key, where)
        return MessageRef(thread_ref.key, str(sent.id))

    async def delete_message(self, message: MessageRef) -> None:
        """Delete a message Kith posted (in a channel, a thread or a DM); gone already is fine."""
        channel_id = _id(ChannelRef.parse(message.channel_key).id)
        try:
            await self.pacer.wait()
            await self.client.http.delete_message(channel_id, _id(message.id))
        except Exception as exc:
            if error_code(exc) in (UNKNOWN_MESSAGE, UNKNOWN_CHANNEL):
                return
            raise self._failure(exc, "a message deletion") from exc

    async def send_private(
        self, user: UserRef, message: Message, *, delivery_key: str | None = None
    ) -> MessageRef:
        where = "a direct message"
        try:
            await self.pacer.wait()
            dm = await self.client.create_dm(discord.Object(id=_id(user.id)))
        except Exception as exc:
            raise self._failure(exc, where) from exc
        sent = await self._post(dm.id, message, delivery_key, where)
        await self.store.remember_dm(str(sent.id), str(dm.id), user, self.clock.now())
        return MessageRef(channel_ref(user.community.id, dm.id).key, str(sent.id))

    async def send_group(
        self,
        members: Sequence[UserRef],
        message: Message,
        *,
        channel: ChannelRef,
        delivery_key: str,
    ) -> GroupDelivery:
        """A private thread in the programme channel with the group added; members the thread
        cannot hold (or every member, where threads are not allowed) get a DM each."""
        sent: list[MessageRef] = []
        direct: list[UserRef] = list(members)
        thread_id = await self._group_thread(channel, message, delivery_key)
        if thread_id is not None:
            direct = []
            for member in members:
                if not await self._add_to_thread(thread_id, member):
                    direct.append(member)
            if len(direct) < len(members):
                try:
                    posted = await self._post(
                        thread_id, message, delivery_key, self.channel_label(channel)
                    )
                    thread_key = channel_ref(channel.community.id, thread_id).key
                    sent.append(MessageRef(thread_key, str(posted.id)))
                except DeliveryError as exc:
                    if not exc.permanent:
                        raise
                    direct = list(members)  # the thread vanished: fall back to DMs for all
        unreachable: list[UserRef] = []
        for member in direct:
            try:
                sent.append(
                    await self.send_private(
                        member, message, delivery_key=f"{delivery_key}:{member.id}"
                    )
                )
            except DeliveryError as exc:
                if not exc.permanent:
                    raise
                unreachable.append(member)
                event(
                    log,
                    "group_member_unreachable",
                    logging.WARNING,
                    community=channel.community.key,
                    member=member.key,
                    reason=exc.reason,
                )
        if not sent:
            raise DeliveryError(
                "nobody in the group could be reached: no private thread and no direct messages",
                permanent=True,
            )
        return GroupDelivery(tuple(sent), tuple(unreachable))

    async def _group_thread(
        self, channel: ChannelRef, message: Message, delivery_key: str
    ) -> int | None:
        """The private thread for this introduction: the one opened on an earlier attempt, a new
        one, or None where Discord does not let Kith open one here."""
        known = await self.store.thread_for(delivery_key)
        if known is not None:
            return int(known)
        try:
            await self.pacer.wait()
            data = await self.client.http.start_thread_without_message(
                _id(channel.id),
                name=thread_name(message),
                auto_archive_duration=ARCHIVE_AFTER_MINUTES,
                type=PRIVATE_THREAD,
                invitable=True,  # the group may invite others; Kith needs no Manage Threads
            )
        except Exception as exc:
            failure = self._failure(exc, self.channel_label(channel))
            if not failure.permanent:
                raise failure from exc
            event(
                log,
                "group_thread_refused",
                logging.INFO,
                community=channel.community.key,
                channel=channel.id,
                code=error_code(exc),
            )
            return None
        thread_id = int(data["id"])
        await self.store.remember_thread(delivery_key, str(thread_id), self.clock.now())
        return thread_id

    async def _add_to_thread(self, thread_id: int, member: UserRef) -> bool:
        try:
            await self.pacer.wait()
            await self.client.http.add_user_to_thread(thread_id, _id(member.id))
        except Exception as exc:
            failure = self._failure(exc, "the intro thread")
            if not failure.permanent:
                raise failure from exc
            return False
        return True

    # -- naming ------------------------------------------------------------------------------

    def parse_mention(self, community: CommunityRef, token: str) -> UserRef | ChannelRef | None:
        found = parse_mention_token(community, token)
        if found is not None or len(token) < 2 or token[0] not in "#@":
            return found
        try:
            guild = self.client.get_guild(snowflake(community.id))
        except ValueError:
            return None
        if guild is None:
            return None
        name = token[1:].lower()
        if token[0] == "#":
            channel = discord.utils.find(lambda c: c.name.lower() == name, guild.text_channels)
            return ChannelRef(community, str(channel.id)) if channel else None
        member = guild.get_member_named(token[1:])
        return UserRef(community, str(member.id)) if member else None

    def channel_label(self, channel: ChannelRef) -> str:
        """``<#id>``: Discord shows the channel's current name and it never pings."""
        return f"<#{channel.id}>"


def _id(text: str) -> int:
    try:
        return snowflake(text)
    except ValueError:
        raise DeliveryError(f"{text[:30]!r} is not a Discord id", permanent=True) from None


def _caused_by(exc: DeliveryError, code: int) -> bool:
    cause = exc.__cause__
    return isinstance(cause, discord.HTTPException) and cause.code == code


def _custom_ids(rows: Sequence[Any]) -> list[str]:
    """The buttons' custom ids of a message's component rows, in order."""
    return [
        str(item["custom_id"])
        for row in rows
        for item in (row.get("components") or [])
        if "custom_id" in item
    ]


def _refused(exc: BaseException) -> bool:
    """Discord answered with a 4xx: it refused the request, so it posted nothing. (A 5xx, a
    timeout or a dropped connection may come after the message was created.)"""
    return isinstance(exc, discord.HTTPException) and 400 <= exc.status < 500
