"""Wiring: a slack-bolt ``AsyncApp`` whose listeners ack first, call the core, deliver the reply.

The same app serves Socket Mode and HTTP mode (bolt verifies HTTP signatures; Socket Mode needs
none). Slash commands are registered from the core's registry, one per top-level word, so a
feature's new command appears on Slack without a change here. Every button Kith ever posted is
routed by one regex on the choice-id prefix, and every modal by the same regex on its
callback_id: the id carries the state, the core checks it.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.language import language_of
from adapters.slack import inbound
from adapters.slack.chat import SlackChat
from adapters.slack.directory import Directory
from adapters.slack.inbound import Origin, is_direct_message
from adapters.slack.render import render_form, render_home, render_message
from adapters.slack.store import EventLog
from bot import choice_ids
from bot.community import Community
from bot.core import Kith
from bot.events import Actor
from bot.home import home_message
from bot.i18n import N_, _, use_language
from bot.identity import ChannelRef
from bot.lifecycle import community_left
from bot.logs import event as log_event
from bot.messages import Message, Reply, message
from bot.ports import DeliveryError
from bot.registry import Registry
from bot.shutdown import InFlight
from bot.store.base import Database

log = logging.getLogger("kith.slack")

CHOICE_PATTERN = re.compile("^" + re.escape(choice_ids.VERSION) + ":")
FILE_SENT = N_(
    "I've sent it to your direct messages with Kith (files can't be shown only to you here)."
)
FILE_FAILED = N_(
    "I couldn't send it to your direct messages with Kith. Check that messages from apps are "
    "allowed, then try again."
)
TOKEN_DOWN = N_(
    "Kith can't work in this workspace right now: Slack rejected its bot token. Whoever runs "
    "Kith needs to reinstall the Slack app, set SLACK_BOT_TOKEN to the new Bot User OAuth Token "
    "and restart it. Scheduled posts are retried meanwhile."
)
FORM_EXPIRED = N_(
    "That took a little too long for Slack, so the form didn't open. Please press the button again."
)


def command_words(registry: Registry) -> list[str]:
    """The top-level words of the command tree: each is one Slack slash command."""
    return sorted({path[0] for path in registry.commands})


class SlackAdapter:
    """Kith on one Slack workspace: the bolt app, the chat port, and where replies go."""

    def __init__(
        self, kith: Kith, client: AsyncWebClient, db: Database, *, signing_secret: str = ""
    ) -> None:
        self.kith = kith
        self.client = client
        self.directory = Directory(client)
        self.chat = SlackChat(client, db, kith.services.clock, self.directory)
        self.events = EventLog(db)
        # Bolt runs listeners as background tasks after the ack; counting them lets a shutdown
        # finish what was acknowledged before the database closes.
        self.inflight = InFlight()
        self.app = AsyncApp(
            client=client,
            signing_secret=signing_secret,
            # Bolt makes a per-request logger named after the app and copies the base logger's
            # level and handlers onto it: a plain "kith" would reset Kith's top logger each time.
            name="kith.slack.bolt.app",
            logger=logging.getLogger("kith.slack.bolt"),
        )
        self._register()

    def _register(self) -> None:
        for word in command_words(self.kith.services.registry):
            self.app.command(f"/{word}")(self.on_command)
        self.app.action(CHOICE_PATTERN)(self.on_choice)
        self.app.view_submission(CHOICE_PATTERN)(self.on_form)
        self.app.event("app_home_opened")(self.on_home_opened)
        self.app.event("message")(self.on_message)
        self.app.event("app_uninstalled")(self.on_uninstalled)
        self.app.event("tokens_revoked")(self.on_tokens_revoked)
        # app_rate_limited is not an event_callback, so no event listener matches it: without
        # this Bolt answers 404 over HTTP and never acknowledges it in Socket Mode.
        self.app.use(self.on_app_rate_limited)

    # -- listeners: ack first, then the core, then the reply ----------------------------------

    async def on_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        async with self.working():
            actor = await self.directory.actor(inbound.who_from_command(body))
            if self.chat.token_alarm.raised:
                # Kith cannot tell who is asking or do anything for them; the response_url
                # needs no token, so it can at least say why (instead of "admins only").
                with use_language(await self.language(actor)):
                    down = Reply.text(_(TOKEN_DOWN))
                await self.deliver(down, actor, inbound.command_origin(body))
                return
            reply = await self.kith.handle(inbound.command_event(body, actor), self.chat)
            await self.deliver(reply, actor, inbound.command_origin(body))

    async def on_choice(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        async with self.working():
            actor = await self.directory.actor(inbound.who_from_interaction(body))
            origin = inbound.interaction_origin(body)
            reply = await self.kith.handle(inbound.click_event(body, action, actor), self.chat)
            await self.deliver(reply, actor, origin)
            if origin.home:  # the click may have changed what the home shows
                await self.publish_home(actor)

    async def on_form(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()  # closes the modal; the answer arrives as a message
        async with self.working():
            actor = await self.directory.actor(inbound.who_from_interaction(body))
            reply = await self.kith.handle(inbound.form_event(body, actor), self.chat)
            await self.deliver(reply, actor, inbound.form_origin(body))

    async def on_home_opened(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        async with self.working():
            if event.get("tab") != "home" or not await self.first_time(body):
                return
            await self.publish_home(await self.directory.actor(inbound.who_from_event(body)))

    async def on_message(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        async with self.working():
            if event.get("channel_type") != "im" or not await self.first_time(body):
                return
            actor = await self.directory.actor(inbound.who_from_event(body))
            text_event = inbound.direct_text_event(event, actor)
            if text_event is None or actor.is_bot:
                return
            reply = await self.kith.handle(text_event, self.chat)
            channel_id = str(event.get("channel") or "") or None
            await self.deliver(reply, actor, Origin(channel_id=channel_id))

    async def on_uninstalled(self, body: dict[str, Any]) -> None:
        """Kith was removed from the workspace: pause its programmes, keep every row. Starting
        again with a new token resumes them (``run.serve`` calls ``community_joined``)."""
        async with self.working():
            if not await self.first_time(body):
                return
            team_id = inbound.who_from_event(body).team_id
            if team_id:
                await community_left(self.kith, inbound.community(team_id), self.now())

    async def on_tokens_revoked(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """The workspace revoked Kith's bot token: it can no longer post there, so its
        programmes pause as for an uninstall (rows kept; a new token resumes them)."""
        if not (event.get("tokens") or {}).get("bot"):
            return  # only user tokens: Kith holds none
        await self.on_uninstalled(body)

    async def on_app_rate_limited(
        self, body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        """Slack drops this workspace's events for the rest of a minute (over 30,000 an hour):
        said once in the log with the minute, so missing DMs or home views can be explained."""
        if body.get("type") != "app_rate_limited":
            await next()
            return None
        log_event(
            log,
            "slack_events_rate_limited",
            logging.WARNING,
            team=body.get("team_id"),
            minute=body.get("minute_rate_limited"),
        )
        return BoltResponse(status=200, body="")

    # -- helpers -------------------------------------------------------------------------------

    def working(self) -> contextlib.AbstractAsyncContextManager[None]:
        return self.inflight.counted()

    async def drain(self) -> bool:
        """Wait for acknowledged work to finish (call after the connection closed)."""
        return await self.inflight.drain()

    def now(self) -> datetime:
        return self.kith.services.clock.now()

    async def first_time(self, body: dict[str, Any]) -> bool:
        """Events API redeliveries carry the same event_id: handle each event once."""
        event_id = body.get("event_id")
        if not isinstance(event_id, str) or not event_id:
            return True
        fresh = await self.events.first_time(event_id, self.now())
        if not fresh:
            log_event(log, "slack_event_duplicate", event_id=event_id)
        return fresh

    async def language(self, actor: Actor) -> str:
        """The member's language, for what the adapter writes outside the core's handling."""
        return await language_of(self.kith.services, actor)

    async def publish_home(self, actor: Actor) -> None:
        try:
            # The home is the member's own page: in their language, like a reply.
            with use_language(await self.language(actor)):
                home = await home_message(self.kith.services, actor, self.chat)
                chart = self.chat.latest_charts.get(actor.community.key)
                if chart is not None and not await self._is_admin(actor):
                    chart = None  # the community's stats are for its admins
                view = render_home(home, chart)
        except Exception:
            log.exception("event=home_error user=%s", actor.user.key)
            return
        await self.chat.publish_home(actor.user.id, view)

    async def _is_admin(self, actor: Actor) -> bool:
        row = await self.kith.services.db.fetchone(
            "SELECT * FROM communities WHERE id = ?", actor.community.key
        )
        return row is not None and Community.from_row(row).is_admin(actor)

    async def deliver(self, reply: Reply, actor: Actor, origin: Origin) -> None:
        """Send the core's reply back where the member is: ephemeral where possible, else a DM."""
        if reply.form is not None:
            opened = False
            if origin.trigger_id:
                with use_language(await self.language(actor)):  # its Save and Cancel buttons
                    view = render_form(reply.form, inbound.form_metadata(origin))
                opened = await self.chat.open_view(origin.trigger_id, view)
            if not opened and reply.message is None:
                with use_language(await self.language(actor)):
                    reply = Reply.text(_(FORM_EXPIRED))
        answer = reply.message
        if answer is None:
            return
        if answer.attachment is not None:
            await self._deliver_file(answer, actor, origin)
            return
        rendered = render_message(answer)
        if origin.response_url and await self.chat.respond(
            origin.response_url, rendered, private=reply.private
        ):
            return
        channel_id = origin.channel_id if not origin.home else None
        in_channel = bool(channel_id) and str(channel_id)[0] in "CG"
        if reply.private:
            if in_channel and await self.chat.post_ephemeral(
                str(channel_id), actor.user.id, rendered
            ):
                return
        elif in_channel:
            channel = ChannelRef(actor.community, str(channel_id))
            if await self._send(lambda: self.chat.send_channel(channel, answer)):
                return
        await self._send(lambda: self.chat.send_private(actor.user, answer))

    async def _deliver_file(self, with_file: Message, actor: Actor, origin: Origin) -> None:
        """Slack has no ephemeral files: the message and its file go to the member's DM with
        Kith, and where they asked (a channel) they are told where to look."""
        sent = await self._send(lambda: self.chat.send_private(actor.user, with_file))
        in_dm = origin.channel_id is None or is_direct_message(origin.channel_id) or origin.home
        if in_dm and sent:
            return
        with use_language(await self.language(actor)):
            pointer = message(_(FILE_SENT) if sent else _(FILE_FAILED))
        if origin.response_url and await self.chat.respond(
            origin.response_url, render_message(pointer), private=True
        ):
            return
        if origin.channel_id and not in_dm:
            await self.chat.post_ephemeral(
                origin.channel_id, actor.user.id, render_message(pointer)
            )

    async def _send(self, send: Callable[[], Awaitable[object]]) -> bool:
        try:
            await send()
        except DeliveryError as exc:
            log_event(log, "slack_reply_failed", logging.WARNING, reason=exc.reason)
            return False
        return True

    async def tick(self) -> datetime | None:
        """One scheduler pass; returns when the next one is due (the timer's contract). Counted
        as work, so a shutdown lets a pass in progress record its outcomes first."""
        async with self.working():
            clock = self.kith.services.clock
            await self.kith.run_due(clock.now(), self.chat)
            return await self.kith.scheduler.next_wake(clock.now())
