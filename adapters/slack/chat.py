"""The Slack ChatPort: the core's sends as Web API calls, and the few calls the wiring needs.

Exactly-once posts: Slack has no idempotency key on ``chat.postMessage``, so a keyed post carries
its delivery key in message metadata and a write-ahead row (``slack_deliveries``) is stored before
the call. A retry that finds the row without a ts (the process died, or the answer was lost) first
looks for the key in the channel's history and returns that message instead of posting again.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack import inbound
from adapters.slack.directory import Directory
from adapters.slack.errors import FAILURES, TOKEN_ERRORS, TOKEN_HINT, delivery_error, error_code
from adapters.slack.inbound import is_public_channel
from adapters.slack.render import SECTION_TEXT, SlackMessage, file_name, render_message
from adapters.slack.store import DeliveryLog
from bot.alarm import Alarm
from bot.identity import ChannelRef, CommunityRef, MessageRef, UserRef
from bot.logs import event
from bot.messages import Attachment, Message
from bot.pacing import Pacer, RateLimit
from bot.ports import Capabilities, DeliveryError, GroupDelivery
from bot.scheduling.clock import Clock
from bot.store.base import Database

log = logging.getLogger("kith.slack.chat")

METADATA_EVENT = "kith_delivery"
HISTORY_PAGES = 5  # up to 1,000 messages posted since the first attempt
HISTORY_PAGE_SIZE = 200
CLOCK_SKEW = 120  # seconds of slack between our clock and Slack's when searching history
GROUP_DM_MAX = 8  # conversations.open takes at most 8 users
# chat.postMessage: about one message a second per channel (short bursts tolerated) and a
# workspace-wide limit of several hundred a minute; Kith keeps to 1/s per channel (a burst of 3)
# and 5/s (300 a minute) for the workspace. Other methods rely on Slack's 429s, which the client
# retries after Retry-After.
POST_LIMIT_WORKSPACE = RateLimit(5, burst=5)
POST_LIMIT_CHANNEL = RateLimit(1, burst=3)


class SlackChat:
    capabilities = Capabilities(
        buttons=True,
        modals=True,
        threads=True,
        group_dms=True,
        ephemeral=True,
        max_text=SECTION_TEXT,
        max_choices=25,
    )

    def __init__(
        self,
        client: AsyncWebClient,
        db: Database,
        clock: Clock,
        directory: Directory,
        limits: tuple[RateLimit, RateLimit] = (POST_LIMIT_WORKSPACE, POST_LIMIT_CHANNEL),
    ) -> None:
        self.client = client
        self.pacer = Pacer(*limits)  # chat.postMessage: the workspace, and each channel
        self.clock = clock
        self.directory = directory
        self.deliveries = DeliveryLog(db)
        self._dm_channels: dict[str, str] = {}
        # The latest stats chart uploaded per workspace (file id, alt text), for admins' App
        # Home. Kept in memory: after a restart the Home shows one again from the next stats.
        self.latest_charts: dict[str, tuple[str, str]] = {}
        self.token_alarm = directory.token_alarm or Alarm(log, "slack_token_rejected")
        directory.token_alarm = self.token_alarm  # member lookups fail on a bad token too

    # -- the ChatPort --------------------------------------------------------------------------

    async def send_channel(
        self,
        channel: ChannelRef,
        message: Message,
        *,
        delivery_key: str | None = None,
        thread: MessageRef | None = None,
    ) -> MessageRef:
        thread_ts = thread.id if thread else None
        channel_id, ts, fresh = await self._post(
            channel.id, render_message(message), delivery_key, thread_ts
        )
        if fresh and message.attachment is not None:
            await self._attach(channel_id, message.attachment, thread_ts)
        return MessageRef(ChannelRef(channel.community, channel_id).key, ts)

    async def send_private(
        self, user: UserRef, message: Message, *, delivery_key: str | None = None
    ) -> MessageRef:
        channel_id = await self.dm_channel(user)
        channel_id, ts, fresh = await self._post(
            channel_id, render_message(message), delivery_key, None, member=user
        )
        attachment = message.attachment
        if fresh and attachment is not None:
            file_id = await self._attach(channel_id, attachment, None)
            if file_id and attachment.is_image:
                self.latest_charts[user.community.key] = (file_id, attachment.description)
        return MessageRef(ChannelRef(user.community, channel_id).key, ts)

    async def send_group(
        self,
        members: Sequence[UserRef],
        message: Message,
        *,
        channel: ChannelRef,
        delivery_key: str,
    ) -> GroupDelivery:
        """A group DM with everyone reachable; members who left or are bots are reported back."""
        reachable: list[UserRef] = []
        unreachable: list[UserRef] = []
        for member in members:
            profile = await self.directory.profile(member.id)
            (unreachable if profile.deleted or profile.is_bot else reachable).append(member)
        if not reachable:
            raise DeliveryError("nobody in the group could be reached on Slack", permanent=True)
        if len(reachable) > GROUP_DM_MAX:
            raise DeliveryError(
                f"Slack group DMs hold at most {GROUP_DM_MAX} people", permanent=True
            )
        try:
            conversation = await self._open(reachable)
        except DeliveryError as first:
            if not first.permanent:
                raise
            # One member spoils a group open (closed DMs, deactivated): find them, go on without.
            still: list[UserRef] = []
            for member in reachable:
                try:
                    await self.dm_channel(member)
                    still.append(member)
                except DeliveryError as each:
                    if not each.permanent:
                        raise
                    unreachable.append(member)
            if not still or len(still) == len(reachable):
                raise DeliveryError(first.reason, permanent=True) from None
            reachable = still
            conversation = await self._open(reachable)
        channel_id, ts, _ = await self._post(
            conversation, render_message(message), delivery_key, None
        )
        community = members[0].community
        ref = MessageRef(ChannelRef(community, channel_id).key, ts)
        if unreachable:
            event(
                log,
                "slack_group_partial",
                logging.WARNING,
                unreachable=",".join(m.id for m in unreachable),
            )
        return GroupDelivery((ref,), tuple(unreachable))

    def parse_mention(self, community: CommunityRef, token: str) -> UserRef | ChannelRef | None:
        return inbound.parse_mention(community, token)

    def channel_label(self, channel: ChannelRef) -> str:
        """``<#C123>``: Slack shows the channel's current name, and it never pings."""
        return f"<#{channel.id}>"

    # -- calls the wiring uses -----------------------------------------------------------------

    async def delete_message(self, message: MessageRef) -> None:
        """Delete a message Kith posted (chat.delete); one already gone is fine."""
        channel_id = ChannelRef.parse(message.channel_key).id
        try:
            await self.client.chat_delete(channel=channel_id, ts=message.id)
        except FAILURES as exc:
            if isinstance(exc, SlackApiError) and error_code(exc) == "message_not_found":
                return
            raise delivery_error(exc, "message deletion") from exc

    async def dm_channel(self, user: UserRef) -> str:
        cached = self._dm_channels.get(user.key)
        if cached is None:
            cached = await self._open([user])
            self._dm_channels[user.key] = cached
        return cached

    async def post_ephemeral(self, channel_id: str, user_id: str, rendered: SlackMessage) -> bool:
        """Visible only to ``user_id`` in ``channel_id``; False if Slack would not show it there."""
        return await self._logged(
            "slack_ephemeral_failed",
            "reply",
            lambda: self.client.chat_postEphemeral(
                channel=channel_id, user=user_id, text=rendered.text, blocks=rendered.blocks
            ),
        )

    async def respond(self, response_url: str, rendered: SlackMessage, *, private: bool) -> bool:
        """Answer through an interaction's response_url (works where Kith is not a member)."""
        hook = AsyncWebhookClient(response_url, retry_handlers=list(self.client.retry_handlers))
        body: dict[str, Any] = {
            "text": rendered.text,
            "blocks": rendered.blocks,
            "response_type": "ephemeral" if private else "in_channel",
            "replace_original": False,
        }
        try:
            response = await hook.send_dict(body)
        except FAILURES as exc:
            event(log, "slack_respond_failed", reason=type(exc).__name__)
            return False
        if response.status_code != 200:
            event(log, "slack_respond_failed", status=response.status_code)
            return False
        return True

    async def open_view(self, trigger_id: str, view: dict[str, Any]) -> bool:
        return await self._logged(
            "slack_view_open_failed",
            "modal",
            lambda: self.client.views_open(trigger_id=trigger_id, view=view),
        )

    async def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        await self._logged(
            "slack_home_failed",
            "home",
            lambda: self.client.views_publish(user_id=user_id, view=view),
        )

    # -- internals -----------------------------------------------------------------------------

    async def _logged(
        self, failed_event: str, action: str, call: Callable[[], Awaitable[object]]
    ) -> bool:
        """A call whose failure costs only what it would have shown (a private note, a modal,
        the home tab): the caller falls back or moves on, so it is logged, not raised."""
        try:
            await call()
        except FAILURES as exc:
            event(log, failed_event, reason=delivery_error(exc, action).reason)
            return False
        return True

    async def _open(self, users: Sequence[UserRef]) -> str:
        ids = ",".join(u.id for u in users)
        response = await self._api("open a DM", lambda: self.client.conversations_open(users=ids))
        return str(response["channel"]["id"])

    async def _api(
        self,
        action: str,
        call: Callable[[], Awaitable[AsyncSlackResponse]],
        channel_id: str | None = None,
    ) -> AsyncSlackResponse:
        """One Web API call, with a join-and-retry for public channels Kith is not in yet."""
        try:
            response = await call()
        except SlackApiError as exc:
            code = error_code(exc)
            if channel_id and code == "not_in_channel" and await self._join(channel_id):
                try:
                    response = await call()
                except FAILURES as again:
                    raise self._failure(again, action) from None
                self.token_alarm.clear()
                return response
            raise self._failure(exc, action) from None
        except FAILURES as exc:
            raise self._failure(exc, action) from None
        self.token_alarm.clear()
        return response

    def _failure(self, exc: BaseException, action: str) -> DeliveryError:
        """Classify a failed call; a rejected token is logged once, not once per send."""
        if isinstance(exc, SlackApiError) and error_code(exc) in TOKEN_ERRORS:
            self.token_alarm.raise_(code=error_code(exc), hint=TOKEN_HINT)
        return delivery_error(exc, action)

    async def _join(self, channel_id: str) -> bool:
        """Public channels can be joined without an invite (channels:join)."""
        if not is_public_channel(channel_id):
            return False
        try:
            await self.client.conversations_join(channel=channel_id)
        except FAILURES as exc:
            event(log, "slack_join_failed", channel=channel_id, reason=type(exc).__name__)
            return False
        event(log, "slack_joined", channel=channel_id)
        return True

    async def _post(
        self,
        channel_id: str,
        rendered: SlackMessage,
        key: str | None,
        thread_ts: str | None,
        *,
        member: UserRef | None = None,
    ) -> tuple[str, str, bool]:
        """Post once per key: (channel, ts, whether this call made the post). ``member`` names
        whose DM it is, so their routing goes with /kith forget."""
        if key:
            prior = await self.deliveries.begin(
                key, channel_id, thread_ts, self.clock.now(), member=member
            )
            if prior is not None:
                if prior.ts:
                    return prior.channel_id, prior.ts, False
                found = await self._find(prior.channel_id, key, thread_ts, prior.attempted_at)
                if found is not None:
                    await self.deliveries.done(key, prior.channel_id, found)
                    event(log, "slack_retry_found_post", key=key)
                    return prior.channel_id, found, False
        kwargs: dict[str, Any] = {
            "channel": channel_id,
            "text": rendered.text,
            "blocks": rendered.blocks,
            "unfurl_links": False,
            "unfurl_media": False,
        }
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
        if key:
            kwargs["metadata"] = {
                "event_type": METADATA_EVENT,
                "event_payload": {"delivery_key": key},
            }
        await self.pacer.wait(channel_id)
        response = await self._api(
            "post", lambda: self.client.chat_postMessage(**kwargs), channel_id=channel_id
        )
        posted_channel, ts = str(response.get("channel") or channel_id), str(response["ts"])
        if key:
            await self.deliveries.done(key, posted_channel, ts)
        return posted_channel, ts, True

    async def _attach(
        self, channel_id: str, attachment: Attachment, thread_ts: str | None
    ) -> str | None:
        """A file after its message (files.upload v2: get a URL, upload, complete); its id."""
        name = file_name(attachment.filename)
        response = await self._api(
            "send a file",
            lambda: self.client.files_upload_v2(
                channel=channel_id,
                content=attachment.data,
                filename=name,
                title=name,
                alt_txt=attachment.description or None,
                thread_ts=thread_ts,
            ),
        )
        files = response.get("files") or []
        return str(files[0]["id"]) if files and isinstance(files[0], dict) else None

    def _history(
        self, thread_ts: str | None, args: dict[str, Any]
    ) -> Awaitable[AsyncSlackResponse]:
        if thread_ts:
            return self.client.conversations_replies(ts=thread_ts, **args)
        return self.client.conversations_history(**args)

    async def _find(
        self, channel_id: str, key: str, thread_ts: str | None, attempted_at: int
    ) -> str | None:
        """The ts of a message carrying ``key`` posted since the first attempt, if any."""
        cursor: str | None = None
        oldest = str(max(attempted_at - CLOCK_SKEW, 0))
        for _ in range(HISTORY_PAGES):
            args: dict[str, Any] = {
                "channel": channel_id,
                "oldest": oldest,
                "include_all_metadata": True,
                "limit": HISTORY_PAGE_SIZE,
            }
            if cursor:
                args["cursor"] = cursor
            response = await self._api(
                "check the thread" if thread_ts else "check the channel",
                functools.partial(self._history, thread_ts, args),
                channel_id=channel_id,
            )
            for message in response.get("messages") or []:
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if (
                    metadata.get("event_type") == METADATA_EVENT
                    and payload.get("delivery_key") == key
                ):
                    return str(message["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
        return None
