"""A loopback fake of Discord: the REST API and the gateway, speaking Discord's wire format.

The real discord.py client talks to it unchanged (only ``Route.BASE`` and ``DEFAULT_GATEWAY`` point
here). It keeps just enough state to be honest: guilds and channels, messages with nonce
deduplication (``enforce_nonce``), DM channels, private threads and their members, registered
commands, and every interaction's responses. Faults are injected per route: 429 with or without
``Via``, 5xx, and Discord's JSON error codes (50007, 50013, 50001, 10003, …), optionally after the
action took effect ("the post landed but the answer was lost") or after hanging (a platform that
stops answering). Removing the token from ``tokens`` makes every authenticated call a 401.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import BodyPartReader, WSMsgType, web

TOKEN = "fake-bot-token"
API = "/api/v10"
EPHEMERAL = 1 << 6
# Permission bits used in payloads.
VIEW_AND_SEND = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 31)
MANAGE_GUILD = 1 << 5
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content
GUILD_TEXT, DM, PUBLIC_THREAD, PRIVATE_THREAD = 0, 1, 11, 12


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _loop_time() -> float:
    return asyncio.get_running_loop().time()


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # Exactly "application/json": discord.py only parses JSON when the header says so verbatim.
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(body=json.dumps(body).encode(), status=status, headers=all_headers)


def _flag(value: str | None) -> bool:
    """A boolean query parameter as Discord reads it (``true``/``1`` or ``false``/``0``)."""
    return (value or "").lower() in ("true", "1")


# Discord's locales (its documentation's "Locales" table) and its rule for chat-input names:
# ^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$, lower case wherever a letter has one.
DISCORD_LOCALES = frozenset(
    "id da de en-GB en-US es-ES es-419 fr hr it lt hu nl no pl pt-BR ro fi sv-SE vi tr cs el bg"
    " ru uk hi th zh-CN ja zh-TW ko".split()
)


def _discord_name(name: Any) -> bool:
    return (
        isinstance(name, str)
        and 0 < len(name) <= 32
        and name == name.lower()
        and all(c.isalnum() or c in "-_'" for c in name)
    )


def command_problems(node: dict[str, Any], where: str = "") -> list[str]:
    """What Discord would refuse in one command or option of a bulk overwrite: names, the
    length of descriptions, localisations keyed by unknown locales, names repeated at a level."""
    here = f"{where}/{node.get('name')}"
    problems = []
    if not _discord_name(node.get("name")):
        problems.append(f"{here}: name")
    if not 0 < len(str(node.get("description", ""))) <= 100:
        problems.append(f"{here}: description")
    for key, check in (
        ("name_localizations", _discord_name),
        ("description_localizations", lambda d: isinstance(d, str) and 0 < len(d) <= 100),
    ):
        for locale, value in (node.get(key) or {}).items():
            if locale not in DISCORD_LOCALES or not check(value):
                problems.append(f"{here}: {key}.{locale}")
    for choice in node.get("choices") or []:
        for locale, value in (choice.get("name_localizations") or {}).items():
            if locale not in DISCORD_LOCALES or not 0 < len(str(value)) <= 100:
                problems.append(f"{here}: choice {choice.get('value')!r} in {locale}")
    options = node.get("options") or []
    for locale in {None, *DISCORD_LOCALES}:
        shown = [
            (o.get("name_localizations") or {}).get(locale, o.get("name")) if locale else o["name"]
            for o in options
        ]
        if len(shown) != len(set(shown)):
            problems.append(f"{here}: options repeat a name in {locale or 'the default'}")
    for option in options:
        problems.extend(command_problems(option, here))
    return problems


def _error(status: int, code: int, message: str) -> web.Response:
    return _json({"message": message, "code": code}, status)


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    status: int
    code: int = 0
    message: str = "fault"
    times: int = 1
    via: bool = True
    retry_after: float = 0.01
    is_global: bool = False
    commit: bool = False  # do the real thing first, then answer with the fault
    hang: float = 0.0  # hold the request this long (or until ``release``) before answering

    def response(self) -> web.Response:
        if self.status == 429:
            headers = {"Via": "1.1 google"} if self.via else {}
            body = {
                "message": "You are being rate limited.",
                "retry_after": self.retry_after,
                "global": self.is_global,
            }
            return _json(body, 429, headers)
        return _error(self.status, self.code, self.message)


@dataclass
class Call:
    method: str
    path: str
    body: Any
    query: dict[str, str]
    status: int = 0
    at: float = 0.0  # loop time the request arrived (to check the client's waits)


@dataclass
class Interaction:
    """One interaction the fake sent, and everything the bot answered."""

    id: str
    token: str
    payload: dict[str, Any]
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    original: dict[str, Any] | None = None
    followups: list[dict[str, Any]] = field(default_factory=list)
    deleted_original: bool = False
    sent_at: float = 0.0  # loop time INTERACTION_CREATE went out …
    acked_at: float = 0.0  # … and the first callback arrived (the acknowledgement)

    @property
    def type(self) -> int:
        return int(self.callbacks[0]["type"]) if self.callbacks else 0

    @property
    def modal(self) -> dict[str, Any] | None:
        for callback in self.callbacks:
            if callback["type"] == 9:
                return dict(callback["data"])
        return None

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        for callback in self.callbacks:
            if callback["type"] == 8:
                return list(callback["data"]["choices"])
        return None

    @property
    def messages(self) -> list[dict[str, Any]]:
        """What the member saw: the original response (unless still loading) and followups."""
        shown = []
        if self.original is not None and not self.original.get("_loading"):
            shown.append(self.original)
        return shown + self.followups

    @property
    def answered(self) -> bool:
        """Finished: a modal or autocomplete, a silent click ack, or a message shown."""
        if not self.callbacks:
            return False
        if self.type in (6, 8, 9):
            return True
        return bool(self.messages) or self.deleted_original

    @property
    def text(self) -> str:
        return "\n".join(str(m.get("content") or "") for m in self.messages)

    @property
    def ephemeral(self) -> bool:
        return bool(self.messages) and all(m.get("flags", 0) & EPHEMERAL for m in self.messages)


@dataclass
class Session:
    id: str
    shard: tuple[int, int]
    ws: web.WebSocketResponse | None
    seq: int = 0
    buffer: list[dict[str, Any]] = field(default_factory=list)  # every dispatch, for RESUME


class FakeDiscord:
    def __init__(self) -> None:
        self._next_id = 1_200_000_000_000_000_000
        self.app_id = self.snowflake()
        self.bot = {
            "id": self.app_id,
            "username": "Kith",
            "discriminator": "0",
            "global_name": "Kith",
            "avatar": None,
            "bot": True,
        }
        self.tokens = {TOKEN}
        self.users: dict[str, dict[str, Any]] = {}
        self.guilds: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.deleted_messages: list[tuple[str, str]] = []
        # Discord keeps a nonce for "a few minutes": a repeat within ``nonce_window`` seconds (on
        # ``clock``, which a test may tie to its simulated clock) returns the first message; a
        # later one posts again. Message timestamps come from the same clock.
        self.nonces: dict[tuple[str, str, str], tuple[dict[str, Any], float]] = {}
        self.nonce_window = 300.0
        self.clock: Callable[[], float] = time.time
        # Set to (close code, reason) to end every IDENTIFY with that close (4010-4013).
        self.refuse_identify: tuple[int, str] | None = None
        self.dm_of: dict[str, str] = {}  # user id → DM channel id
        self.thread_members: dict[str, list[str]] = {}
        self.closed_dms: set[str] = set()
        self.no_threads: set[str] = set()
        self.left_members: set[str] = set()
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.interactions: dict[str, Interaction] = {}
        self.faults: list[Fault] = []
        self.file_data: dict[str, bytes] = {}  # attachment id → the bytes uploaded
        # Discord's global rate limit: at most this many bot requests in any second (interaction
        # callbacks and webhooks are exempt); more get a global 429. None: not enforced.
        self.global_limit: int | None = None
        self.global_limited = 0  # requests refused by it
        self.released = asyncio.Event()  # ends every hanging fault
        self._by_token_index: dict[str, Interaction] = {}
        self.calls: list[Call] = []
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.sessions: dict[str, Session] = {}
        self.shard_count = 1
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        self.release()
        for session in self.sessions.values():
            if session.ws is not None and not session.ws.closed:
                await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- world building --------------------------------------------------------------------------

    def snowflake(self) -> str:
        self._next_id += 1
        return str(self._next_id)

    def guild_id_for_shard(self, shard: int, count: int) -> str:
        """A fresh guild id that Discord's formula (id >> 22) % count puts on ``shard``."""
        bucket = ((self._next_id >> 22) // count + 1) * count + shard
        self._next_id = (bucket << 22) + 1
        return str(self._next_id)

    def add_user(self, name: str) -> dict[str, Any]:
        user = {
            "id": self.snowflake(),
            "username": name.lower(),
            "discriminator": "0",
            "global_name": name,
            "avatar": None,
            "bot": False,
        }
        self.users[user["id"]] = user
        return user

    def add_guild(
        self, name: str, channels: tuple[str, ...] = ("general",), *, guild_id: str | None = None
    ) -> dict[str, Any]:
        gid = guild_id or self.snowflake()
        guild: dict[str, Any] = {"id": gid, "name": name, "channels": [], "members": []}
        self.guilds[gid] = guild
        for channel in channels:
            self.add_channel(gid, channel)
        return guild

    def add_channel(self, guild_id: str, name: str) -> dict[str, Any]:
        guild = self.guilds[guild_id]
        channel = {
            "id": self.snowflake(),
            "type": GUILD_TEXT,
            "name": name,
            "position": len(guild["channels"]),
            "guild_id": guild_id,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
        }
        guild["channels"].append(channel)
        self.channels[channel["id"]] = channel
        self.messages[channel["id"]] = []
        return channel

    def channel(self, guild_id: str, name: str) -> dict[str, Any]:
        return next(c for c in self.guilds[guild_id]["channels"] if c["name"] == name)

    def delete_channel(self, channel_id: str) -> None:
        channel = self.channels.pop(channel_id)
        guild = self.guilds[channel["guild_id"]]
        guild["channels"] = [c for c in guild["channels"] if c["id"] != channel_id]

    def guild_payload(self, guild: dict[str, Any], *, unavailable: bool | None) -> dict[str, Any]:
        gid = guild["id"]
        payload: dict[str, Any] = {
            "id": gid,
            "name": guild["name"],
            "icon": None,
            "owner_id": self.app_id,
            "roles": [
                {
                    "id": gid,
                    "name": "@everyone",
                    "permissions": str(VIEW_AND_SEND),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "channels": guild["channels"],
            "members": [
                {
                    "user": self.bot,
                    "roles": [],
                    "flags": 0,
                    "joined_at": _now(),
                    "deaf": False,
                    "mute": False,
                }
            ],
            "member_count": 1 + len(guild["members"]),
            "large": False,
            "features": [],
            "emojis": [],
            "stickers": [],
            "threads": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "preferred_locale": "en-US",
            "premium_tier": 0,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "system_channel_flags": 0,
            "joined_at": _now(),
        }
        if unavailable is not None:
            payload["unavailable"] = unavailable
        return payload

    # -- waiting ---------------------------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def until(self, predicate: Callable[[], bool], limit: float = 10.0) -> None:
        """Wait (without polling) until ``predicate`` holds after some change in the fake."""

        async def wait() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(wait(), limit)

    # -- faults ----------------------------------------------------------------------------------

    def fail(self, method: str, path: str, status: int, **kw: Any) -> Fault:
        fault = Fault(method, re.compile(path), status, **kw)
        self.faults.append(fault)
        return fault

    def release(self) -> None:
        """End every hanging request now (they answer with their fault)."""
        self.released.set()

    def clear_faults(self) -> None:
        """The platform recovers: no more injected faults, hanging requests end."""
        self.faults.clear()
        self.release()

    async def _hold(self, fault: Fault) -> None:
        if fault.hang > 0 and not self.released.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.released.wait(), fault.hang)

    def _fault_for(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and fault.method == method and fault.path.fullmatch(path):
                fault.times -= 1
                return fault
        return None

    # -- REST ------------------------------------------------------------------------------------

    ROUTES: tuple[tuple[str, str, str], ...] = (
        ("GET", r"/users/@me", "_me"),
        ("GET", r"/oauth2/applications/@me", "_application"),
        ("GET", r"/gateway/bot", "_gateway_bot"),
        ("GET", r"/gateway", "_gateway_plain"),
        ("PUT", r"/applications/(?P<app>\d+)/commands", "_put_commands"),
        ("PUT", r"/applications/(?P<app>\d+)/guilds/(?P<guild>\d+)/commands", "_put_commands"),
        ("GET", r"/applications/(?P<app>\d+)/commands", "_get_commands"),
        ("POST", r"/channels/(?P<channel>\d+)/messages", "_create_message"),
        ("GET", r"/channels/(?P<channel>\d+)/messages", "_get_messages"),
        ("POST", r"/users/@me/channels", "_create_dm"),
        ("DELETE", r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)", "_delete_message"),
        ("POST", r"/channels/(?P<channel>\d+)/threads", "_create_thread"),
        (
            "POST",
            r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)/threads",
            "_thread_from_message",
        ),
        ("PUT", r"/channels/(?P<channel>\d+)/thread-members/(?P<user>\d+)", "_add_thread_member"),
        ("POST", r"/interactions/(?P<id>\d+)/(?P<token>[^/]+)/callback", "_callback"),
        ("PATCH", r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/@original", "_edit_original"),
        (
            "DELETE",
            r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/@original",
            "_delete_original",
        ),
        ("POST", r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)", "_followup"),
    )
    UNAUTHENTICATED = ("_callback", "_edit_original", "_delete_original", "_followup")

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.content_type.startswith("multipart/"):
            body = await self._multipart(request)
        elif request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw else None
        call = Call(request.method, path, body, dict(request.query), at=_loop_time())
        self.calls.append(call)
        if self._over_global_limit(call):
            self.global_limited += 1
            call.status = 429
            return Fault("*", re.compile(".*"), 429, retry_after=0.2, is_global=True).response()
        response = await self._route(request, path, body)
        call.status = response.status
        await self._notify()
        return response

    def _over_global_limit(self, call: Call) -> bool:
        if self.global_limit is None or call.path.startswith(("/interactions/", "/webhooks/")):
            return False
        served = 0
        for earlier in reversed(self.calls):  # in arrival order: stop a second back
            if call.at - earlier.at >= 1.0:
                break
            if earlier is not call and earlier.status != 429:
                served += not earlier.path.startswith(("/interactions/", "/webhooks/"))
        return served >= self.global_limit

    @staticmethod
    async def _multipart(request: web.Request) -> dict[str, Any]:
        """A message with files: ``payload_json`` plus ``files[n]`` parts."""
        body: dict[str, Any] = {}
        files = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "payload_json":
                body = json.loads(await part.text())
            elif part.filename:
                data = await part.read()
                files.append(
                    {
                        "filename": part.filename,
                        "content": data.decode("utf-8", errors="replace"),
                        "data": data,
                    }
                )
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        # What the client said about each file (an interaction callback nests it in data).
        for meta in body.get("attachments") or data.get("attachments") or []:
            index = int(meta.get("id", -1))
            if 0 <= index < len(files) and meta.get("description"):
                files[index]["description"] = meta["description"]
        body["_files"] = files
        return body

    async def _route(self, request: web.Request, path: str, body: Any) -> web.Response:
        for method, pattern, handler_name in self.ROUTES:
            match = re.fullmatch(pattern, path)
            if method != request.method or match is None:
                continue
            if handler_name not in self.UNAUTHENTICATED:
                auth = request.headers.get("Authorization", "")
                if auth.removeprefix("Bot ") not in self.tokens:
                    return _error(401, 0, "401: Unauthorized")
            fault = self._fault_for(request.method, path)
            if fault is not None and not fault.commit:
                await self._hold(fault)
                return fault.response()
            handler = getattr(self, handler_name)
            params: dict[str, Any] = match.groupdict()
            if handler_name == "_callback":
                params["with_response"] = _flag(request.query.get("with_response"))
            if handler_name == "_get_messages":
                params["query"] = dict(request.query)
            response: web.Response = await handler(body or {}, **params)
            if fault is None:
                return response
            await self._hold(fault)  # the work is done; the answer is late or lost
            return fault.response()
        return _error(404, 0, f"404: no fake route for {request.method} {path}")

    async def _me(self, body: Any) -> web.Response:
        return _json(self.bot)

    async def _application(self, body: Any) -> web.Response:
        return _json(
            {
                "id": self.app_id,
                "name": "Kith",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": self.bot,
                "verify_key": "0" * 64,
                "flags": 0,
                "team": None,
            }
        )

    async def _gateway_bot(self, body: Any) -> web.Response:
        return _json(
            {
                "url": self.gateway_url,
                "shards": self.shard_count,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    async def _gateway_plain(self, body: Any) -> web.Response:
        return _json({"url": self.gateway_url})

    async def _put_commands(self, body: Any, app: str, guild: str | None = None) -> web.Response:
        problems = [p for command in body for p in command_problems(command)]
        if problems:  # Discord refuses the whole overwrite
            return _json({"message": "Invalid Form Body", "code": 50035, "errors": problems}, 400)
        registered = [
            {
                **command,
                "id": self.snowflake(),
                "application_id": app,
                "version": self.snowflake(),
                **({"guild_id": guild} if guild else {}),
            }
            for command in body
        ]
        self.commands[f"guild:{guild}" if guild else "global"] = registered
        return _json(registered)

    async def _get_commands(self, body: Any, app: str) -> web.Response:
        return _json(self.commands.get("global", []))

    def _attachments(self, files: list[dict[str, Any]]) -> list[dict[str, Any]]:
        found = []
        for f in files:
            ident = self.snowflake()
            self.file_data[ident] = f.get("data") or f["content"].encode()  # for tests to read
            found.append(
                {
                    "id": ident,
                    "filename": f["filename"],
                    "size": len(self.file_data[ident]),
                    "description": f.get("description"),
                    "url": f"https://cdn.invalid/{f['filename']}",
                    "proxy_url": f"https://cdn.invalid/{f['filename']}",
                    "content": f["content"],  # not Discord's: lets tests read a text file
                }
            )
        return found

    def _message(
        self, channel_id: str, body: dict[str, Any], *, flags: int = 0, author: Any = None
    ) -> dict[str, Any]:
        channel = self.channels.get(channel_id, {})
        message = {
            "id": self.snowflake(),
            "type": 0,
            "content": body.get("content") or "",
            "channel_id": channel_id,
            "author": author or self.bot,
            "components": body.get("components") or [],
            "embeds": [],
            "attachments": self._attachments(body.get("_files", [])),
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "timestamp": datetime.fromtimestamp(self.clock(), UTC).isoformat(),
            "edited_timestamp": None,
            "flags": flags | int(body.get("flags") or 0),
            "allowed_mentions": body.get("allowed_mentions"),
        }
        if body.get("nonce") is not None:
            message["nonce"] = body["nonce"]
        if channel.get("guild_id"):
            message["guild_id"] = channel["guild_id"]
        return message

    async def _create_message(self, body: dict[str, Any], channel: str) -> web.Response:
        target = self.channels.get(channel)
        if target is None:
            return _error(404, 10003, "Unknown Channel")
        if target["type"] == DM and target["recipients"][0]["id"] in self.closed_dms:
            return _error(403, 50007, "Cannot send messages to this user")
        nonce = body.get("nonce")
        key = (channel, self.app_id, str(nonce))
        if nonce is not None and body.get("enforce_nonce") and key in self.nonces:
            earlier, at = self.nonces[key]
            if self.clock() - at <= self.nonce_window:
                return _json(earlier)
        message = self._message(channel, body)
        self.messages.setdefault(channel, []).append(message)
        if nonce is not None:
            self.nonces[key] = (message, self.clock())
        return _json(message)

    async def _delete_message(self, body: Any, channel: str, message: str) -> web.Response:
        """DELETE /channels/{id}/messages/{id}: 204; a bot deletes its own messages only (others
        need Manage Messages), 10008 for a message that is not there."""
        messages = self.messages.get(channel)
        if messages is None:
            return _error(404, 10003, "Unknown Channel")
        found = next((m for m in messages if m["id"] == message), None)
        if found is None:
            return _error(404, 10008, "Unknown Message")
        if found["author"]["id"] != self.bot["id"]:
            return _error(403, 50013, "Missing Permissions")
        messages.remove(found)
        self.deleted_messages.append((channel, message))
        return web.Response(status=204)

    async def _get_messages(self, body: Any, channel: str, query: dict[str, str]) -> web.Response:
        """GET /channels/{id}/messages: newest first, ``limit`` 1-100 (default 50), ``before``
        or ``after`` a message id. A fetched message carries no nonce."""
        if channel not in self.channels:
            return _error(404, 10003, "Unknown Channel")
        limit = min(max(int(query.get("limit", 50)), 1), 100)
        found = list(self.messages.get(channel, []))
        if "after" in query:
            found = [m for m in found if int(m["id"]) > int(query["after"])]
        if "before" in query:
            found = [m for m in found if int(m["id"]) < int(query["before"])]
        newest = sorted(found, key=lambda m: int(m["id"]), reverse=True)[:limit]
        return _json([{k: v for k, v in m.items() if k != "nonce"} for m in newest])

    async def _create_dm(self, body: dict[str, Any]) -> web.Response:
        user_id = str(body["recipient_id"])
        if user_id not in self.users:
            return _error(400, 50033, "Invalid Recipients")
        if user_id not in self.dm_of:
            channel = {
                "id": self.snowflake(),
                "type": DM,
                "recipients": [self.users[user_id]],
                "last_message_id": None,
            }
            self.channels[channel["id"]] = channel
            self.messages[channel["id"]] = []
            self.dm_of[user_id] = channel["id"]
        return _json(self.channels[self.dm_of[user_id]])

    async def _create_thread(self, body: dict[str, Any], channel: str) -> web.Response:
        parent = self.channels.get(channel)
        if parent is None:
            return _error(404, 10003, "Unknown Channel")
        if channel in self.no_threads:
            return _error(403, 50013, "Missing Permissions")
        return _json(self._thread(parent, self.snowflake(), body, int(body.get("type", 12))))

    def _thread(
        self, parent: dict[str, Any], thread_id: str, body: dict[str, Any], kind: int
    ) -> dict[str, Any]:
        thread = {
            "id": thread_id,
            "type": kind,
            "guild_id": parent["guild_id"],
            "parent_id": parent["id"],
            "name": body.get("name", ""),
            "owner_id": self.app_id,
            "member_count": 1,
            "message_count": 0,
            "rate_limit_per_user": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": body.get("auto_archive_duration", 1440),
                "archive_timestamp": _now(),
                "locked": False,
                "invitable": body.get("invitable", True),
            },
        }
        self.channels[thread_id] = thread
        self.messages[thread_id] = []
        self.thread_members[thread_id] = [self.app_id]
        return thread

    async def _thread_from_message(
        self, body: dict[str, Any], channel: str, message: str
    ) -> web.Response:
        parent = self.channels.get(channel)
        if parent is None:
            return _error(404, 10003, "Unknown Channel")
        if message in self.channels:
            return _error(400, 160004, "A thread has already been created for this message")
        if not any(m["id"] == message for m in self.messages.get(channel, [])):
            return _error(404, 10008, "Unknown Message")
        return _json(self._thread(parent, message, body, PUBLIC_THREAD))

    async def _add_thread_member(self, body: Any, channel: str, user: str) -> web.Response:
        if channel not in self.channels:
            return _error(404, 10003, "Unknown Channel")
        if user in self.left_members or user not in self.users:
            return _error(404, 10007, "Unknown Member")
        members = self.thread_members.setdefault(channel, [])
        if user not in members:
            members.append(user)
        return web.Response(status=204)

    # -- interaction responses -------------------------------------------------------------------

    async def _callback(
        self, body: dict[str, Any], id: str, token: str, with_response: bool = False
    ) -> web.Response:
        record = self.interactions.get(id)
        if record is None or record.token != token:
            return _error(404, 10062, "Unknown interaction")
        if record.callbacks:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        record.acked_at = _loop_time()
        record.callbacks.append(body)
        kind = int(body["type"])
        data = {**(body.get("data") or {}), "_files": body.get("_files", [])}
        result: dict[str, Any] = {
            "interaction": {
                "id": id,
                "type": record.payload["type"],
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
            }
        }
        channel_id = str(record.payload.get("channel_id"))
        if kind in (4, 5):
            message = self._message(channel_id, data)
            if kind == 5:
                message["_loading"] = True
            record.original = message
            result["interaction"]["response_message_id"] = message["id"]
            result["resource"] = {"type": kind, "message": message}
            if kind == 4 and not message["flags"] & EPHEMERAL:
                self.messages.setdefault(channel_id, []).append(message)
        elif kind in (6, 7, 8, 9):
            result["resource"] = {"type": kind}
        # Discord returns the callback object only when asked with ?with_response=true.
        return _json(result) if with_response else web.Response(status=204)

    def _by_token(self, token: str) -> Interaction | None:
        return self._by_token_index.get(token)

    async def _edit_original(self, body: dict[str, Any], app: str, token: str) -> web.Response:
        record = self._by_token(token)
        if record is None or record.original is None:
            return _error(404, 10008, "Unknown Message")
        edited = {**record.original}
        for key in ("content", "components", "allowed_mentions"):
            if key in body:
                edited[key] = body[key]
        if "_files" in body:
            edited["attachments"] = self._attachments(body["_files"])
        edited.pop("_loading", None)
        record.original = edited
        return _json(record.original)

    async def _delete_original(self, body: Any, app: str, token: str) -> web.Response:
        record = self._by_token(token)
        if record is None:
            return _error(404, 10008, "Unknown Message")
        record.deleted_original = True
        record.original = None
        return web.Response(status=204)

    async def _followup(self, body: dict[str, Any], app: str, token: str) -> web.Response:
        record = self._by_token(token)
        if record is None:
            return _error(404, 10015, "Unknown Webhook")
        message = self._message(str(record.payload.get("channel_id")), body)
        if record.original is not None and record.original.get("_loading"):
            # The first followup after a deferral replaces the "thinking…" message.
            message["flags"] = record.original["flags"]
            record.original = message
        else:
            record.followups.append(message)
        return _json(message)

    # -- gateway ---------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 45000}, "s": None, "t": None})
        session: Session | None = None
        async for frame in ws:
            if frame.type != WSMsgType.TEXT:
                continue
            packet = json.loads(frame.data)
            op, data = packet.get("op"), packet.get("d")
            if op == 1:
                await ws.send_json({"op": 11, "d": None})
            elif op == 2:
                session = await self._identify(ws, data)
            elif op == 6:
                session = await self._resume(ws, data)
            await self._notify()
        if session is not None and session.ws is ws:
            session.ws = None
        await self._notify()
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        self.identifies.append(data)
        if data.get("token") not in self.tokens:
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        if self.refuse_identify is not None:  # 4010-4013: a shard, version or intents refused
            code, reason = self.refuse_identify
            await ws.close(code=code, message=reason.encode())
            return None
        shard = tuple(data.get("shard") or (0, 1))
        session = Session(self.snowflake(), (int(shard[0]), int(shard[1])), ws)
        self.sessions[session.id] = session
        guilds = [g for g in self.guilds.values() if self._on_shard(g["id"], session.shard)]
        await self._send(
            session,
            "READY",
            {
                "v": 10,
                "user": self.bot,
                "guilds": [{"id": g["id"], "unavailable": True} for g in guilds],
                "session_id": session.id,
                "resume_gateway_url": self.gateway_url,
                "application": {"id": self.app_id, "flags": 0},
                "shard": list(session.shard),
            },
        )
        for guild in guilds:
            await self._send(session, "GUILD_CREATE", self.guild_payload(guild, unavailable=False))
        return session

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        self.resumes.append(data)
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or data.get("token") not in self.tokens:
            await ws.send_json({"op": 9, "d": False})
            return None
        session.ws = ws
        missed = [p for p in session.buffer if p["s"] > int(data.get("seq") or 0)]
        for packet in missed:
            await ws.send_json(packet)
        session.seq += 1
        await ws.send_json({"op": 0, "t": "RESUMED", "s": session.seq, "d": {}})
        return session

    @staticmethod
    def _on_shard(guild_id: str, shard: tuple[int, int]) -> bool:
        return (int(guild_id) >> 22) % shard[1] == shard[0]

    async def _send(self, session: Session, name: str, data: dict[str, Any]) -> None:
        session.seq += 1
        packet = {"op": 0, "t": name, "s": session.seq, "d": data}
        session.buffer.append(packet)
        if session.ws is not None and not session.ws.closed:
            await session.ws.send_json(packet)

    def session_for(self, guild_id: str) -> Session:
        live = [s for s in self.sessions.values() if self._on_shard(guild_id, s.shard)]
        if not live:
            raise AssertionError(f"no gateway session holds guild {guild_id}")
        return live[-1]

    async def dispatch(self, guild_id: str, name: str, data: dict[str, Any]) -> None:
        await self._send(self.session_for(guild_id), name, data)

    async def join_guild(self, guild: dict[str, Any]) -> None:
        """Kith is added to a server while connected: GUILD_CREATE without ``unavailable``."""
        await self.dispatch(
            guild["id"], "GUILD_CREATE", self.guild_payload(guild, unavailable=None)
        )

    async def remove_guild(self, guild_id: str) -> None:
        """Kith is removed: GUILD_DELETE without ``unavailable``."""
        await self.dispatch(guild_id, "GUILD_DELETE", {"id": guild_id})

    async def reconnect(self, guild_id: str) -> Session:
        """Op 7: ask the client to reconnect (it resumes the same session)."""
        session = self.session_for(guild_id)
        assert session.ws is not None
        await session.ws.send_json({"op": 7, "d": None})
        return session

    # -- interactions ----------------------------------------------------------------------------

    def _member(self, guild_id: str, user: dict[str, Any], admin: bool, roles: list[str]) -> Any:
        permissions = VIEW_AND_SEND | (MANAGE_GUILD if admin else 0)
        return {
            "user": user,
            "roles": roles,
            "permissions": str(permissions),
            "joined_at": _now(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
            "avatar": None,
        }

    async def interact(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        user: dict[str, Any],
        guild_id: str | None,
        channel_id: str,
        admin: bool = False,
        roles: list[str] | None = None,
        message: dict[str, Any] | None = None,
        locale: str = "en-GB",
        guild_locale: str = "en-US",
    ) -> Interaction:
        """Every interaction carries the member's client language (``locale``) and, in a server,
        the server's (``guild_locale``), as Discord documents them."""
        interaction_id = self.snowflake()
        channel = self.channels.get(channel_id) or {"id": channel_id, "type": GUILD_TEXT}
        payload: dict[str, Any] = {
            "id": interaction_id,
            "application_id": self.app_id,
            "type": kind,
            "data": data,
            "channel_id": channel_id,
            "channel": {k: v for k, v in channel.items() if k != "recipients"}
            | ({"recipients": [user]} if channel.get("type") == DM else {}),
            "token": f"tok{interaction_id}",
            "version": 1,
            "app_permissions": str(VIEW_AND_SEND),
            "locale": locale,
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "authorizing_integration_owners": {"0": guild_id} if guild_id else {"1": user["id"]},
            "context": 0 if guild_id else 1,
        }
        if guild_id is not None:
            payload["guild_id"] = guild_id
            payload["guild_locale"] = guild_locale
            payload["member"] = self._member(guild_id, user, admin, roles or [])
        else:
            payload["user"] = user
        if message is not None:
            payload["message"] = message
        record = Interaction(interaction_id, payload["token"], payload)
        self.interactions[interaction_id] = record
        self._by_token_index[record.token] = record
        target = guild_id or next(iter(self.guilds))
        record.sent_at = _loop_time()
        await self.dispatch(target, "INTERACTION_CREATE", payload)
        return record

    def command_id(self, name: str) -> str:
        for commands in self.commands.values():
            for command in commands:
                if command["name"] == name:
                    return str(command["id"])
        raise AssertionError(f"/{name} was never registered")

    async def slash(
        self,
        guild_id: str,
        user: dict[str, Any],
        channel_id: str,
        path: str,
        options: dict[str, Any] | None = None,
        *,
        admin: bool = False,
        focused: str | None = None,
        roles: list[str] | None = None,
        **locales: str,
    ) -> Interaction:
        """Invoke ``/a b c`` with option values, as Discord nests them (subcommand groups). The
        data carries the command's own names whatever language the member's client shows."""
        words = path.split()
        opts = []
        for name, value in (options or {}).items():
            option = {"name": name, "type": self._option_type(words, name), "value": value}
            if name == focused:
                option["focused"] = True
            opts.append(option)
        for word in reversed(words[1:]):
            kind = 1 if not opts or "value" in opts[0] else 2  # subcommand, then its group
            opts = [{"name": word, "type": kind, "options": opts}]
        data = {"id": self.command_id(words[0]), "name": words[0], "type": 1, "options": opts}
        return await self.interact(
            4 if focused else 2,
            data,
            user=user,
            guild_id=guild_id,
            channel_id=channel_id,
            admin=admin,
            roles=roles,
            **locales,
        )

    def _option_type(self, words: list[str], name: str) -> int:
        """The registered type of an option, so the payload matches what Discord would send."""
        node: dict[str, Any] | None = None
        for commands in self.commands.values():
            node = next((c for c in commands if c["name"] == words[0]), node)
        for word in words[1:]:
            node = next((o for o in (node or {}).get("options", []) if o["name"] == word), None)
        option = next((o for o in (node or {}).get("options", []) if o["name"] == name), None)
        if option is None:
            raise AssertionError(f"/{' '.join(words)} has no option {name!r}")
        return int(option["type"])

    async def click(
        self,
        user: dict[str, Any],
        message: dict[str, Any],
        custom_id: str,
        *,
        guild_id: str | None,
        admin: bool = False,
        **locales: str,
    ) -> Interaction:
        return await self.interact(
            3,
            {"custom_id": custom_id, "component_type": 2},
            user=user,
            guild_id=guild_id,
            channel_id=message["channel_id"],
            admin=admin,
            message=message,
            **locales,
        )

    async def submit(
        self,
        user: dict[str, Any],
        custom_id: str,
        values: dict[str, str],
        *,
        guild_id: str | None,
        channel_id: str,
        message: dict[str, Any] | None = None,
        **locales: str,
    ) -> Interaction:
        components = [
            {"type": 18, "id": n, "component": {"type": 4, "custom_id": k, "value": v, "id": n + 1}}
            for n, (k, v) in enumerate(values.items(), start=1)
        ]
        return await self.interact(
            5,
            {"custom_id": custom_id, "components": components},
            user=user,
            guild_id=guild_id,
            channel_id=channel_id,
            message=message,
            **locales,
        )

    async def answer(self, record: Interaction, limit: float = 10.0) -> Interaction:
        await self.until(lambda: record.answered, limit)
        return record

    # -- reading ---------------------------------------------------------------------------------

    def posts(self, channel_id: str) -> list[dict[str, Any]]:
        return list(self.messages.get(channel_id, []))

    def dm_messages(self, user_id: str) -> list[dict[str, Any]]:
        channel = self.dm_of.get(user_id)
        return list(self.messages.get(channel, [])) if channel else []

    def calls_to(self, method: str, pattern: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and re.fullmatch(pattern, c.path)]


def custom_ids(message: dict[str, Any]) -> list[str]:
    return [
        button["custom_id"]
        for row in message.get("components") or []
        for button in row.get("components", [])
        if "custom_id" in button
    ]


def button(message: dict[str, Any], label_part: str) -> str:
    for row in message.get("components") or []:
        for item in row.get("components", []):
            if label_part in str(item.get("label", "")):
                return str(item["custom_id"])
    raise AssertionError(f"no button with {label_part!r} in {custom_ids(message)}")
