"""A loopback fake of Slack: the Web API, response_urls and Socket Mode, on 127.0.0.1.

It speaks the wire formats in Slack's documentation closely enough for the real slack-sdk client
and the real slack-bolt app: Bearer tokens, ``{"ok": false, "error": …}`` failures with HTTP 200,
429 with Retry-After, message metadata returned only with ``include_all_metadata``, group DMs from
``conversations.open`` with several users, and Socket Mode envelopes that must be acknowledged.

Tests never sleep: they wait on the fake's call log with ``wait_for``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

TEAM = "T0KITH"
BOT_USER = "UKITHBOT"
BOT_ID = "BKITH"
APP_ID = "AKITH"
BOT_TOKEN = "xoxb-fake-bot-token-for-tests"
APP_TOKEN = "xapp-fake-app-token-for-tests"
SIGNING_SECRET = "fake-signing-secret"
WAIT = 10.0  # seconds a test waits for the app before failing; never spent when things work


def truthy(value: Any) -> bool:
    return value is True or str(value).lower() in {"1", "true"}


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str
    at: float = field(default_factory=time.monotonic)  # to check the client's waits


@dataclass
class Fault:
    """A failure to serve instead of (or after) a real answer."""

    error: str = "internal_error"
    status: int = 200
    retry_after: int | None = None
    after: bool = False  # do the work, then fail: "the post happened but the answer was lost"
    hang: float = 0.0  # hold the request this long (or until ``release``) before answering
    channel: str | None = None  # only calls about this channel (None: every call)


@dataclass
class User:
    id: str
    name: str
    tz: str = "Europe/London"
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    dm_error: str | None = None  # e.g. "cannot_dm_bot" for conversations.open
    locale: str = "en-US"  # the member's Slack language, an IETF tag as Slack sends it

    def as_json(self, *, include_locale: bool = False) -> dict[str, Any]:
        """A users.info ``user``; ``locale`` only when asked for (``include_locale``)."""
        return {
            "id": self.id,
            "team_id": TEAM,
            "name": self.name.lower(),
            "deleted": self.deleted,
            "real_name": self.name,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": 0,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "profile": {"display_name": self.name, "real_name": self.name},
        } | ({"locale": self.locale} if include_locale else {})


@dataclass
class Channel:
    id: str
    name: str
    private: bool = False
    member: bool = True
    archived: bool = False
    members: tuple[str, ...] = ()  # for DMs and group DMs
    messages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_dm(self) -> bool:
        return self.id.startswith("D") or self.id.startswith("G")


@dataclass
class Envelope:
    envelope_id: str
    ack: asyncio.Future[dict[str, Any]]


class FakeSlack:
    def __init__(self, *, now: Callable[[], float] = time.time) -> None:
        self.now = now
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.calls: list[Call] = []
        self.responses: list[dict[str, Any]] = []  # bodies posted to response_urls
        self.ephemeral: list[dict[str, Any]] = []
        self.views: list[dict[str, Any]] = []  # views.open
        self.homes: dict[str, dict[str, Any]] = {}  # views.publish by user
        self.uploads: dict[str, dict[str, Any]] = {}  # file id → name, bytes, channel
        self.faults: dict[str, list[Fault]] = {}
        # chat.postMessage's limits, as (posts, seconds): more in any such window get a 429 with
        # Retry-After, per channel and across the workspace. None: not enforced.
        self.post_limit_channel: tuple[int, float] | None = None
        self.post_limit_workspace: tuple[int, float] | None = None
        self.posts_served: list[tuple[float, str]] = []  # (monotonic time, channel)
        self.rate_limited = 0  # posts refused by those limits
        self.token_error: str | None = None  # e.g. "token_revoked": the bot token stops working
        self.released = asyncio.Event()  # ends every hanging fault
        self.expired_triggers: set[str] = set()
        self.sockets: list[web.WebSocketResponse] = []
        self.socket_opens = 0
        self._pending: dict[str, Envelope] = {}
        self._seq = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.add_user(BOT_USER, "Kith", is_bot=True)

    # -- world ---------------------------------------------------------------------------------

    def add_user(self, user_id: str, name: str, **kw: Any) -> User:
        user = User(user_id, name, **kw)
        self.users[user_id] = user
        return user

    def add_channel(self, channel_id: str, name: str, **kw: Any) -> Channel:
        channel = Channel(channel_id, name, **kw)
        self.channels[channel_id] = channel
        return channel

    def fail(self, method: str, *faults: Fault) -> None:
        self.faults.setdefault(method, []).extend(faults)

    def release(self) -> None:
        """End every hanging request now (they answer with their fault)."""
        self.released.set()

    def clear_faults(self) -> None:
        """Slack recovers: no more injected faults, hanging requests end, the token works."""
        self.faults.clear()
        self.token_error = None
        self.release()

    def posts(self, channel_id: str) -> list[dict[str, Any]]:
        return list(self.channels[channel_id].messages) if channel_id in self.channels else []

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def dm_of(self, *user_ids: str) -> Channel | None:
        wanted = tuple(sorted(user_ids))
        for channel in self.channels.values():
            if channel.is_dm and channel.members == wanted:
                return channel
        return None

    def new_ts(self) -> str:
        return f"{int(self.now())}.{next(self._seq):06d}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self) -> str:
        return f"{self.url}/response/{next(self._seq)}"

    def trigger_id(self) -> str:
        return f"{next(self._seq)}.{int(time.time())}.trigger"

    async def wait_for(self, predicate: Callable[[], bool]) -> None:
        """Until ``predicate()`` holds; re-checked whenever the fake is called."""
        async with asyncio.timeout(WAIT), self._changed:
            await self._changed.wait_for(predicate)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- server --------------------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{id}", self._response)
        app.router.add_post("/upload/{id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self

    async def close(self) -> None:
        self.release()
        for ws in list(self.sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                args.update(dict(await request.post()))
        for key in ("blocks", "metadata", "view", "files"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        self.calls.append(Call(method, args, token))
        try:
            if self.token_error and token == BOT_TOKEN:
                return _ok_false(self.token_error)
            fault = self._fault_for(method, args)
            if fault is not None and not fault.after:
                return await self._fault(method, fault)
            if method == "chat.postMessage" and self._over_post_limit(str(args.get("channel"))):
                self.rate_limited += 1
                return _json({"ok": False, "error": "ratelimited"}, 429, {"Retry-After": "1"})
            expected = APP_TOKEN if method == "apps.connections.open" else BOT_TOKEN
            if token != expected:
                return _ok_false("invalid_auth" if token else "not_authed")
            handler = getattr(self, "m_" + method.replace(".", "_"), None)
            if handler is None:
                return _ok_false("unknown_method")
            result: dict[str, Any] | str = handler(args)
            if isinstance(result, str):
                return _ok_false(result)
            if fault is not None:
                return await self._fault(method, fault)
            return _json({"ok": True, **result})
        finally:
            await self._notify()

    def _over_post_limit(self, channel: str) -> bool:
        now = time.monotonic()
        for limit, only in ((self.post_limit_channel, channel), (self.post_limit_workspace, None)):
            if limit is None:
                continue
            posts, window = limit
            recent = [c for at, c in self.posts_served if now - at < window]
            if sum(1 for c in recent if only is None or c == only) >= posts:
                return True
        self.posts_served.append((now, channel))
        return False

    def _fault_for(self, method: str, args: dict[str, Any]) -> Fault | None:
        """The next fault queued for this method (and this call's channel, if it names one)."""
        queue = self.faults.get(method, [])
        for fault in queue:
            if fault.channel is None or fault.channel == args.get("channel"):
                return fault
        return None

    async def _fault(self, method: str, fault: Fault) -> web.Response:
        self.faults[method].remove(fault)  # each fault is served once
        if fault.hang > 0 and not self.released.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.released.wait(), fault.hang)
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        return _json({"ok": False, "error": fault.error}, status=fault.status, headers=headers)

    async def _response(self, request: web.Request) -> web.Response:
        body = await request.json()
        body["_url"] = str(request.url)
        self.responses.append(body)
        await self._notify()
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        upload = self.uploads.get(request.match_info["id"])
        if upload is None:
            return web.Response(status=404)
        upload["content"] = await request.read()
        await self._notify()
        return web.Response(text="OK - 200")

    # -- Web API methods -----------------------------------------------------------------------

    def m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://kith-test.slack.com/",
            "team": "Kith Test",
            "user": "kith",
            "team_id": TEAM,
            "user_id": BOT_USER,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def m_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        self.socket_opens += 1
        return {"url": f"{self.url.replace('http', 'ws', 1)}/socket?n={self.socket_opens}"}

    def m_users_info(self, args: dict[str, Any]) -> dict[str, Any] | str:
        user = self.users.get(str(args.get("user")))
        # Slack's boolean arguments arrive as "1"/"true" (the SDK sends "1").
        include = str(args.get("include_locale", "")).lower() in ("1", "true")
        return {"user": user.as_json(include_locale=include)} if user else "user_not_found"

    def _postable(self, channel_id: str) -> Channel | str:
        channel = self.channels.get(channel_id)
        if channel is None:
            return "channel_not_found"
        if channel.archived:
            return "is_archived"
        if not channel.member and (channel.private or channel.is_dm):
            return "not_in_channel"  # chat:write.public covers public channels only
        return channel

    def m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any] | str:
        channel = self._postable(str(args.get("channel")))
        if isinstance(channel, str):
            return channel
        blocks = args.get("blocks") or []
        if not args.get("text") and not blocks:
            return "no_text"
        if len(blocks) > 50:
            return "invalid_blocks"
        message: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER,
            "bot_id": BOT_ID,
            "text": args.get("text", ""),
            "blocks": blocks,
            "ts": self.new_ts(),
            "team": TEAM,
        }
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        if args.get("metadata"):
            message["metadata"] = args["metadata"]
        channel.messages.append(message)
        shown = {k: v for k, v in message.items() if k != "metadata"}
        return {"channel": channel.id, "ts": message["ts"], "message": shown}

    def m_chat_delete(self, args: dict[str, Any]) -> dict[str, Any] | str:
        """chat.delete: a bot token deletes the bot's own messages; message_not_found else."""
        channel = self.channels.get(str(args.get("channel")))
        if channel is None:
            return "channel_not_found"
        found = next((m for m in channel.messages if m["ts"] == args.get("ts")), None)
        if found is None:
            return "message_not_found"
        if found.get("bot_id") != BOT_ID:
            return "cant_delete_message"
        channel.messages.remove(found)
        return {"channel": channel.id, "ts": found["ts"]}

    def m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any] | str:
        channel = self._postable(str(args.get("channel")))
        if isinstance(channel, str):
            return channel
        self.ephemeral.append(args)
        return {"message_ts": self.new_ts()}

    def m_conversations_join(self, args: dict[str, Any]) -> dict[str, Any] | str:
        channel = self.channels.get(str(args.get("channel")))
        if channel is None:
            return "channel_not_found"
        if channel.private or channel.is_dm:
            return "method_not_supported_for_channel_type"
        if channel.archived:
            return "is_archived"
        channel.member = True
        return {"channel": {"id": channel.id, "name": channel.name}}

    def m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any] | str:
        ids = [u for u in str(args.get("users") or "").split(",") if u]
        if not ids:
            return "users_list_not_supplied"
        if len(ids) > 8:
            return "too_many_users"
        for user_id in ids:
            user = self.users.get(user_id)
            if user is None:
                return "user_not_found"
            if user.deleted:
                return "user_disabled"
            if user.dm_error:
                return user.dm_error
        existing = self.dm_of(*ids)
        if existing is None:
            prefix = "D" if len(ids) == 1 else "G"
            existing = self.add_channel(
                f"{prefix}{next(self._seq):08d}", "dm", members=tuple(sorted(ids))
            )
        return {"channel": {"id": existing.id}}

    def _history(self, args: dict[str, Any], thread_ts: str | None) -> dict[str, Any] | str:
        channel = self.channels.get(str(args.get("channel")))
        if channel is None:
            return "channel_not_found"
        if not channel.member:
            return "not_in_channel"
        oldest = float(args.get("oldest") or 0)
        messages = [m for m in channel.messages if float(m["ts"]) > oldest]
        if thread_ts is not None:
            messages = [
                m for m in messages if m["ts"] == thread_ts or m.get("thread_ts") == thread_ts
            ]
        else:
            messages = [m for m in messages if not m.get("thread_ts") or m["thread_ts"] == m["ts"]]
        messages.sort(key=lambda m: float(m["ts"]), reverse=thread_ts is None)
        with_metadata = truthy(args.get("include_all_metadata"))
        shown = [
            m if with_metadata else {k: v for k, v in m.items() if k != "metadata"}
            for m in messages
        ]
        start = int(args.get("cursor") or 0)
        limit = int(args.get("limit") or 100)
        page = shown[start : start + limit]
        more = start + limit < len(shown)
        return {
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any] | str:
        return self._history(args, None)

    def m_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any] | str:
        return self._history(args, str(args.get("ts")))

    def m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any] | str:
        if not args.get("filename") or not str(args.get("length", "")).isdigit():
            return "invalid_arguments"
        file_id = f"F{next(self._seq):08d}"
        self.uploads[file_id] = {
            "filename": args["filename"],
            "length": int(args["length"]),
            "alt_txt": args.get("alt_txt"),
        }
        return {"upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    def m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any] | str:
        files = args.get("files") or []
        channel = self._postable(str(args.get("channel_id")))
        if isinstance(channel, str):
            return channel
        done = []
        for item in files:
            upload = self.uploads.get(item.get("id", ""))
            if upload is None or "content" not in upload:
                return "file_not_found"
            upload["channel"] = channel.id
            upload["title"] = item.get("title")
            channel.messages.append(
                {"type": "message", "user": BOT_USER, "ts": self.new_ts(), "text": "",
                 "files": [{"id": item["id"], "name": upload["filename"]}]}
            )  # fmt: skip
            done.append({"id": item["id"], "name": upload["filename"], "title": upload["title"]})
        return {"files": done}

    def m_views_open(self, args: dict[str, Any]) -> dict[str, Any] | str:
        trigger = str(args.get("trigger_id") or "")
        if not trigger:
            return "invalid_arguments"
        if trigger in self.expired_triggers:
            return "expired_trigger_id"
        view = args.get("view") or {}
        self.views.append(view)
        return {"view": {"id": f"V{next(self._seq)}", **view}}

    def m_views_publish(self, args: dict[str, Any]) -> dict[str, Any] | str:
        user_id = str(args.get("user_id"))
        if user_id not in self.users:
            return "user_not_found"
        self.homes[user_id] = args.get("view") or {}
        return {"view": {"id": f"V{next(self._seq)}"}}

    # -- Socket Mode ---------------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len([s for s in self.sockets if not s.closed]),
                "debug_info": {"host": "fake", "approximate_connection_time": 3600},
                "connection_info": {"app_id": APP_ID},
            }
        )
        await self._notify()
        try:
            async for frame in ws:
                if frame.type != aiohttp.WSMsgType.TEXT:
                    continue
                data = json.loads(frame.data)
                pending = self._pending.pop(str(data.get("envelope_id")), None)
                if pending is not None and not pending.ack.done():
                    pending.ack.set_result(data)
        finally:
            await self._notify()
        return ws

    def live_socket(self) -> web.WebSocketResponse:
        live = [s for s in self.sockets if not s.closed]
        if not live:
            raise AssertionError("no Socket Mode connection is open")
        return live[-1]

    async def send_envelope(
        self, kind: str, payload: dict[str, Any], *, retry_attempt: int = 0
    ) -> dict[str, Any]:
        """Send one envelope over the newest connection and wait for its acknowledgement."""
        envelope_id = f"env-{next(self._seq)}"
        ack: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[envelope_id] = Envelope(envelope_id, ack)
        await self.live_socket().send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
                "retry_attempt": retry_attempt,
                "retry_reason": "timeout" if retry_attempt else "",
            }
        )
        return await asyncio.wait_for(ack, WAIT)

    async def refresh(self) -> None:
        """Slack's routine ``refresh_requested``: the client opens a new connection."""
        opens, connections = self.socket_opens, len(self.sockets)
        await self.live_socket().send_json(
            {"type": "disconnect", "reason": "refresh_requested", "debug_info": {"host": "fake"}}
        )
        await self.wait_for(
            lambda: (
                self.socket_opens > opens
                and len(self.sockets) > connections
                and not self.sockets[-1].closed
            )
        )


def _json(
    body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # Slack answers application/json; charset=utf-8
    return web.json_response(body, status=status, headers=headers)


def _ok_false(error: str) -> web.Response:
    return _json({"ok": False, "error": error})


# -- payloads Slack sends to an app (as documented) ------------------------------------------


def slash_command(
    fake: FakeSlack,
    *,
    user: str,
    text: str,
    command: str = "/kith",
    channel: str = "C0GENERAL",
) -> dict[str, str]:
    """A slash-command invocation (form fields)."""
    who = fake.users[user]
    where = fake.channels.get(channel)
    return {
        "token": "deprecated-verification-token",
        "team_id": TEAM,
        "team_domain": "kith-test",
        "channel_id": channel,
        "channel_name": where.name if where else "directmessage",
        "user_id": user,
        "user_name": who.name.lower(),
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": fake.response_url(),
        "trigger_id": fake.trigger_id(),
    }


def interaction_user(fake: FakeSlack, user: str) -> dict[str, str]:
    """The ``user`` object of an interaction payload."""
    name = fake.users[user].name.lower()
    return {"id": user, "username": name, "name": name, "team_id": TEAM}


def block_actions(
    fake: FakeSlack,
    *,
    user: str,
    message: dict[str, Any],
    channel: str,
    action_id: str,
    value: str = "",
    ephemeral: bool = False,
) -> dict[str, Any]:
    """A button click on a message (interaction payload, type block_actions)."""
    return {
        "type": "block_actions",
        "user": interaction_user(fake, user),
        "api_app_id": APP_ID,
        "token": "deprecated-verification-token",
        "container": {
            "type": "message",
            "message_ts": message.get("ts", ""),
            "channel_id": channel,
            "is_ephemeral": ephemeral,
        },
        "trigger_id": fake.trigger_id(),
        "team": {"id": TEAM, "domain": "kith-test"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {
            "id": channel,
            "name": fake.channels[channel].name if channel in fake.channels else "",
        },
        "message": message,
        "response_url": fake.response_url(),
        "actions": [
            {
                "type": "button",
                "block_id": "b1",
                "action_id": action_id,
                "text": {"type": "plain_text", "text": value, "emoji": True},
                "value": value,
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }


def home_click(fake: FakeSlack, *, user: str, action_id: str, value: str = "") -> dict[str, Any]:
    """A button click in the App Home tab (no response_url, the container is the view)."""
    return {
        "type": "block_actions",
        "user": interaction_user(fake, user),
        "api_app_id": APP_ID,
        "container": {"type": "view", "view_id": "VHOME"},
        "trigger_id": fake.trigger_id(),
        "team": {"id": TEAM, "domain": "kith-test"},
        "view": {"id": "VHOME", "type": "home", "team_id": TEAM, "blocks": []},
        "actions": [
            {
                "type": "button",
                "block_id": "b1",
                "action_id": action_id,
                "value": value,
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }


def view_submission(
    fake: FakeSlack, *, user: str, view: dict[str, Any], values: dict[str, str]
) -> dict[str, Any]:
    """Submitting a modal Kith opened: the view as opened, plus the state of its inputs."""
    state = {
        block["block_id"]: {
            block["element"]["action_id"]: {
                "type": "plain_text_input",
                "value": values.get(block["element"]["action_id"]),
            }
        }
        for block in view.get("blocks", [])
        if block.get("type") == "input"
    }
    return {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "kith-test"},
        "user": interaction_user(fake, user),
        "api_app_id": APP_ID,
        "token": "deprecated-verification-token",
        "trigger_id": fake.trigger_id(),
        "view": {
            "id": "VMODAL",
            "team_id": TEAM,
            "type": "modal",
            "callback_id": view.get("callback_id", ""),
            "private_metadata": view.get("private_metadata", ""),
            "blocks": view.get("blocks", []),
            "state": {"values": state},
            "hash": "1.hash",
            "title": view.get("title"),
            "app_id": APP_ID,
            "bot_id": BOT_ID,
        },
        "response_urls": [],
        "is_enterprise_install": False,
    }


def event_callback(event: dict[str, Any], *, event_id: str) -> dict[str, Any]:
    """An Events API delivery (the outer event_callback wrapper)."""
    return {
        "token": "deprecated-verification-token",
        "team_id": TEAM,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [
            {"team_id": TEAM, "user_id": BOT_USER, "is_bot": True, "is_enterprise_install": False}
        ],
        "is_ext_shared_channel": False,
    }


def dm_message(fake: FakeSlack, *, user: str, text: str) -> dict[str, Any]:
    """A member writing to Kith in their DM (message.im)."""
    channel = fake.dm_of(user) or fake.add_channel(f"D{user}", "dm", members=(user,))
    return {
        "type": "message",
        "channel": channel.id,
        "user": user,
        "text": text,
        "ts": fake.new_ts(),
        "event_ts": fake.new_ts(),
        "channel_type": "im",
    }


def home_opened(user: str) -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": f"D{user}",
        "tab": "home",
        "event_ts": f"{time.time():.6f}",
    }


# -- signing (HTTP mode) ---------------------------------------------------------------------


def sign(body: bytes, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def form_body(fields: dict[str, str]) -> bytes:
    return urllib.parse.urlencode(fields).encode()


def interaction_body(payload: dict[str, Any]) -> bytes:
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()


async def post_signed(
    url: str,
    body: bytes,
    *,
    content_type: str = "application/x-www-form-urlencoded",
    timestamp: int | None = None,
    secret: str = SIGNING_SECRET,
    signature: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str]:
    """POST ``body`` the way Slack does, signed with the signing secret."""
    ts = int(time.time()) if timestamp is None else timestamp
    sent = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": signature if signature is not None else sign(body, ts, secret),
        **(headers or {}),
    }
    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=sent) as r:
        return r.status, await r.text()
