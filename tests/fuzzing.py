"""Shared ground for the bad-input fuzz tests.

``build_world`` sets up two communities with every programme running and members who have used
every feature, once, into a closed SQLite file; each fuzz example works on a fresh copy of it
(``open_world``), so examples are independent and a failure replays exactly. ``exchange`` sends
one event through the real core and checks what every answer to bad input must satisfy: no
exception, a clear human message, nothing changed when the input was refused, and nothing sent
that could ping anyone.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import os
import re
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from adapters.discord import render as discord_render
from adapters.slack import render as slack_render
from bot.choice_ids import ChoiceIdError
from bot.commands.parse import MAX_COMMAND_LENGTH
from bot.context import Services
from bot.core import SORRY, Kith
from bot.errors import UserError
from bot.events import Actor, ClickEvent, CommandEvent, DirectTextEvent, Event, FormSubmitEvent
from bot.features import build_registry
from bot.identity import ChannelRef, CommunityRef, UserRef
from bot.messages import Message, Reply
from bot.prompts import Catalogue, load_catalogue
from bot.registry import Registry
from bot.scheduling.clock import SimulatedClock
from bot.store import open_database
from tests.conftest import START
from tests.fakes import COMMUNITY, FakeChat, Harness, make_harness, snapshot

# Hostile pieces: mentions and broadcasts on both platforms, markup, direction overrides,
# zero-width and control characters, numbers and dates out of range, wrong mention forms.
NASTY = (
    "@everyone",
    "@here",
    "<@123456789012345678>",
    "<@!123456789012345678>",
    "<@&123456789012345678>",
    "<#123456789012345678>",
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U0123ABCD>",
    "<@U0123ABCD|bo>",
    "<#C0123ABCD|general>",
    "<!subteam^S123|@team>",
    "<https://evil.example|click me>",
    "[click](https://evil.example)",
    "https://evil.example/@everyone",
    "**bold**",
    "__under__",
    "`code`",
    "```block```",
    "||spoiler||",
    "> quote",
    "# heading",
    "-# small",
    "\u202eevil\u202c",
    "\u2066isolate",
    "zero\u200bwidth",
    "\ufeffbom",
    "\x00nul",
    "\x1b[31mred",
    "\r\n",
    "👩\u200d👩\u200d👧",
    "e\u0301\u0301\u0301",
    "'; DROP TABLE members; --",
    "%s%n{0}",
    "\\",
    '"',
    '""',
    "“quoted”",
    "#",
    "@",
    ":",
    "#general",
    "@bo",
    "@ada",
    "@zed",
    "#mods",
    "-1",
    "0",
    "1e9",
    "99999999999999999999",
    "²",
    "٣",
    "25:00",
    "9:60",
    "24:00",
    "23:59",
    "-01:00",
    "2026-02-30",
    "2026-13-01",
    "0000-01-01",
    "9999-12-31",
    "2026-W14-3",
    "Mars/Olympus",
    "Etc/GMT+15",
    "../../etc/passwd",
    "UTC",
    "Europe/London",
    "mon-fri",
    "sun-sat",
    "mon--fri",
    ",,,",
)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)  # includes Cc and Cf
INVISIBLE = st.text(st.characters(categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Mn")), max_size=8)
LONG = st.builds(
    lambda piece, n: piece * n,
    st.sampled_from(["a", "@everyone ", "<@123456789012345678>", "💛", "x\u200b"]),
    st.integers(200, MAX_COMMAND_LENGTH + 500),
)
NUMBER = st.integers(-(10**20), 10**20).map(str)
PIECE = st.one_of(st.sampled_from(NASTY), TEXT, INVISIBLE, NUMBER)
WORD = st.one_of(PIECE, st.lists(PIECE, min_size=2, max_size=4).map("".join))
DISPLAY_NAME = st.one_of(
    st.sampled_from(["@everyone", "<@123456789012345678>", "<!channel>", "**Bo**", "\u202eoB"]),
    TEXT,
    LONG,
)


OTHER = CommunityRef("test", "c2")  # a second community in the same database
MEMBERS = ("bo", "cy", "dee", "eve")  # in the buddy pool of both communities
ADMIN = "ada"  # a configured admin in both communities
SETUPS = (
    "/kith setup checkin channel:#general time:09:00 days:daily tz:Europe/London",
    "/kith setup buddies channel:#buddies every:1w day:mon time:09:00 tz:Europe/London remind:1d",
    "/kith setup kindness channel:#kindness leaderboard:everyone challenge:31-day",
    "/kith setup safety alerts:#mods",
    "/kith setup privacy retention:30",
    "/kith prompts add What made you smile this week?",
    "/kith safety phrases add like a ghost",
)


def actor(community: CommunityRef, name: str, display: str | None = None) -> Actor:
    return Actor(
        UserRef(community, name),
        name.capitalize() if display is None else display,
        is_platform_admin=name == ADMIN,
    )


def command(who: Actor, text: str) -> CommandEvent:
    return CommandEvent(who, text, ChannelRef(who.community, "general"))


@dataclass(frozen=True)
class Sent:
    """A choice id Kith gave out: its kind, to whom (a member key, or None on a channel post)."""

    community: str
    owner: str | None
    choice_id: str

    @property
    def kind(self) -> str:
        return self.choice_id.split(":")[1]


@dataclass(frozen=True, repr=False)
class World:
    path: Path
    now: datetime
    issued: tuple[Sent, ...]  # every choice id sent or replied in either community
    # community key → table → row id → its occurrence kind/state, or the member it belongs to
    rows: dict[str, dict[str, dict[int, str]]]
    deleted: dict[str, set[tuple[str, int]]]  # community key → (table, id) of rows gone since

    def __repr__(self) -> str:  # hypothesis prints it with every failing example
        return f"World({self.path.name}, {len(self.issued)} choice ids)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


async def _say(h: Harness, who: Actor, text: str) -> Reply:
    event: Event = command(who, text) if text.startswith("/") else DirectTextEvent(who, text)
    return await h.kith.handle(event, h.chat)


def _issued(community: str, owner: str | None, message: Message | None) -> list[Sent]:
    return [Sent(community, owner, c.id) for c in (message.choices if message else ())]


async def build_world(directory: Path) -> World:
    """Two communities, every programme set up, a week of posts, rounds, acts and answers."""
    path = directory / "world.sqlite3"
    h = await make_harness(path, START)
    issued: list[Sent] = []
    try:
        for ref in (COMMUNITY, OTHER):
            for text in SETUPS:
                await _say(h, actor(ref, ADMIN), text)
            for name in MEMBERS:
                await _say(h, actor(ref, name), "/buddy join")
            await _say(h, actor(ref, "bo"), "/kind made tea for the team")
            await _say(h, actor(ref, "cy"), "/thanks @bo for the soup")
            await _say(h, actor(ref, "dee"), "/buddy avoid @eve")
        # Monday 06:00 → Sunday evening: daily check-ins and challenge posts, a buddy round with
        # its nudge and its "did you connect?" question, and the next round's reminder.
        await h.advance(timedelta(days=6, hours=12))
        for ref in (COMMUNITY, OTHER):
            post = [s for s in h.chat.sent if s.to == f"{ref.key}:general"][-1]
            reflect = next(c.id for c in post.message.choices if c.value == "reflect")
            bo, cy = actor(ref, "bo"), actor(ref, "cy")
            await h.kith.handle(ClickEvent(bo, reflect), h.chat)
            shared = await _say(h, bo, "A quiet day, but a good one.")
            issued += _issued(ref.key, bo.user.key, shared.message)
            await h.kith.handle(ClickEvent(cy, reflect), h.chat)
            await _say(h, cy, "I feel so hopeless lately")  # a caring message with buttons
            # Kith waits for dee's reflection: dee's next direct message is saved as one.
            await h.kith.handle(ClickEvent(actor(ref, "dee"), reflect), h.chat)
            for name in ("bo", "cy"):
                who = actor(ref, name)
                for text in ("/kith privacy", "/kith forget"):
                    issued += _issued(ref.key, who.user.key, (await _say(h, who, text)).message)
        for sent in h.chat.sent:
            owner = sent.to if sent.private else None  # a member's key for a private message
            community = sent.to.rsplit(":", 1)[0]
            issued += [Sent(community, owner, c.id) for c in sent.message.choices]
        # The first check-in post of each community is deleted (as if cleaned up): its buttons
        # are still out there.
        deleted: dict[str, set[tuple[str, int]]] = {}
        for ref in (COMMUNITY, OTHER):
            first = await h.db.fetchval(
                "SELECT MIN(id) FROM occurrences WHERE community_id = ? AND kind = 'checkin.post'",
                ref.key,
            )
            async with h.db.transaction() as tx:
                await tx.execute("DELETE FROM occurrences WHERE id = ?", first)
            deleted[ref.key] = {("occurrences", int(first))}
        rows: dict[str, dict[str, dict[int, str]]] = {}
        for ref in (COMMUNITY, OTHER):
            rows[ref.key] = {
                table: {
                    r["id"]: r["what"]
                    for r in await h.db.fetchall(
                        f"SELECT id, {what} AS what FROM {table} WHERE community_id = ?", ref.key
                    )
                }
                for table, what in (
                    ("occurrences", "kind || '/' || state"),
                    ("reflections", "user_key"),
                    ("buddy_groups", "''"),
                    ("buddy_members", "user_key"),
                    ("safety_events", "user_key"),
                )
            }
        now = h.clock.now()
    finally:
        await h.db.close()
    return World(path, now, tuple(dict.fromkeys(issued)), rows, deleted)


# KITH_FUZZ_SCALE=50 runs every fuzz test with 50 times the examples, on fresh random seeds: for
# hunting, not for CI (which runs the derandomized default, the same examples every time).
FUZZ_SCALE = max(1, int(os.environ.get("KITH_FUZZ_SCALE", "1") or 1))


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples * FUZZ_SCALE,
        deadline=None,
        derandomize=FUZZ_SCALE == 1,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


_built: list[World] = []


def shared_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """The world, built once per test run (it is never written to: examples work on copies)."""
    if not _built:
        _built.append(asyncio.run(build_world(tmp_path_factory.mktemp("fuzz-world"))))
    return _built[0]


def _fresh_copy(world: World, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "copy.sqlite3"
    for stale in directory.glob("copy.sqlite3*"):
        stale.unlink()
    shutil.copyfile(world.path, path)
    return path


async def open_world(world: World, directory: Path) -> Harness:
    """A fresh copy of the world's database with its own core, clock and fake chat."""
    path = _fresh_copy(world, directory)
    # Already migrated; NORMAL skips the fsync per commit, which only a power cut would notice.
    db = await open_database(str(path), migrate=False, sqlite_synchronous="NORMAL")
    clock = SimulatedClock(world.now)
    services = Services(db=db, clock=clock, catalogue=_catalogue(), registry=build_registry())
    h = Harness(Kith(services), db, clock, FakeChat())
    h.admins.add(ADMIN)
    return h


@functools.cache
def _catalogue() -> Catalogue:
    return load_catalogue()


@dataclass
class Tracker:
    """Whether the event reached a feature's handler, and whether the handler refused it."""

    reached: bool = False
    refused: bool = False
    crashed: BaseException | None = None


def instrument(registry: Registry) -> Tracker:
    """Wrap every command, choice and form handler to observe how the event ended."""
    tracker = Tracker()

    def wrap(handler: Callable[..., Awaitable[Reply]]) -> Callable[..., Awaitable[Reply]]:
        async def observed(*args: Any) -> Reply:
            tracker.reached = True
            try:
                return await handler(*args)
            except (UserError, ChoiceIdError):
                tracker.refused = True
                raise
            except Exception as exc:
                tracker.crashed = exc
                raise

        return observed

    for path, cmd in list(registry.commands.items()):
        registry.commands[path] = dataclasses.replace(cmd, handler=wrap(cmd.handler))
    for kind, choice in list(registry.choices.items()):
        registry.choices[kind] = wrap(choice)
    for kind, form in list(registry.forms.items()):
        registry.forms[kind] = wrap(form)
    return tracker


@dataclass
class Outcome:
    reply: Reply
    refused: bool  # turned away, by the core's parsing or by the feature
    changed: bool  # any row of any table differs
    sent: list[Message] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.reply.message.plain_text if self.reply.message else ""


async def exchange(h: Harness, event: Event) -> Outcome:
    """Send one event through the core and check the answer; refusals must change nothing."""
    tracker = instrument(h.kith.services.registry)
    before, already = await snapshot(h.db), len(h.chat.sent)
    reply = await h.kith.handle(event, h.chat)  # nothing may escape
    after = await snapshot(h.db)
    changed = after != before
    # Every free text is screened, whatever happens to the command: a signal is recorded (and
    # its caring message sent) even for a refused one. Nothing else may change.
    screened = {t for t in after if after[t] != before.get(t)} == {"safety_events"}
    sent = [s.message for s in h.chat.sent[already:]]
    assert tracker.crashed is None, f"handler crashed: {tracker.crashed!r}"
    # A direct message that got care is answered by the caring message alone (or, inside the
    # quiet period, left in peace): either way it recorded a safety event.
    cared = isinstance(event, DirectTextEvent) and reply.message is None and changed
    if not cared:
        assert_clear(reply, _typed(event))
    for message in ([reply.message] if reply.message else []) + sent:
        assert_cannot_ping(message)
    refused = not tracker.reached or tracker.refused
    if refused and not isinstance(event, DirectTextEvent) and not screened:
        # A direct message is screened for safety whatever it says, which may record a signal.
        assert not changed, f"refused input changed the database: {clear_text(reply)!r}"
        assert reply.private, "a refusal is shown to the member alone"
        assert not sent, f"refused input sent messages: {[m.plain_text for m in sent]}"
    elif refused and screened:
        assert reply.private, "a refusal is shown to the member alone"
    return Outcome(reply, refused, changed, sent)


def clear_text(reply: Reply) -> str:
    return reply.message.plain_text if reply.message else ""


_TECHNICAL = re.compile(r"Traceback|\b[A-Z][A-Za-z]*(Error|Exception)\b|\bNone\b|\\x[0-9a-f]{2}")


def _typed(event: Event) -> str:
    """Everything the member controlled in an event (a reply may quote it back)."""
    if isinstance(event, (CommandEvent, DirectTextEvent)):
        parts = [event.text]
    elif isinstance(event, ClickEvent):
        parts = [event.choice_id]
    else:
        parts = [event.form_id, *event.values.values()]
    return "\n".join([*parts, event.actor.display_name])


def assert_clear(reply: Reply, typed: str = "") -> None:
    """A human answer: some words, not the catch-all apology, nothing from inside the program
    (a word like "Error" counts only if the member did not type it themselves)."""
    if reply.message is None:
        assert reply.form is not None and reply.form.title.strip(), "an empty reply"
        return
    text = reply.message.plain_text.strip()
    assert text, "an empty reply"
    assert text != SORRY, "the catch-all apology: an exception was raised inside the core"
    for found in _TECHNICAL.finditer(text):
        assert found.group(0) in typed, f"a technical reply: {text[:200]!r}"


# Discord pings only through these; discord.py's escape puts a zero-width space after the @.
_DISCORD_PING = re.compile(r"@(everyone|here)|<@[!&]?\d{17,20}>")


def assert_cannot_ping(message: Message) -> None:
    """However member text ends up in a message, no platform can turn it into a ping."""
    assert not message.pings, f"a message asks to ping {message.pings}"
    for part in discord_render.render_message(message):
        assert part.allowed_mentions() == {"parse": [], "users": [], "replied_user": False}
        found = _DISCORD_PING.search(part.content)
        assert found is None, f"a live Discord mention {found.group(0)!r} in {part.content!r}"
    rendered = slack_render.render_message(message)
    for text in [rendered.text, *_mrkdwn(rendered.blocks)]:
        assert "<!" not in text and "<@" not in text, f"a live Slack mention in {text!r}"


def _mrkdwn(value: object) -> list[str]:
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn":
            return [str(value.get("text", ""))]
        return [t for v in value.values() for t in _mrkdwn(v)]
    if isinstance(value, list):
        return [t for v in value for t in _mrkdwn(v)]
    return []


def click(who: Actor, choice_id: str, *, in_dm: bool = False) -> ClickEvent:
    """A click on a post in #general, or (``in_dm``) on a private message, with no channel."""
    channel = None if in_dm else ChannelRef(who.community, "general")
    return ClickEvent(who, choice_id, channel=channel)


def submit(who: Actor, form_id: str, values: dict[str, str]) -> FormSubmitEvent:
    return FormSubmitEvent(who, form_id, values)
