"""Bad input to every command, fuzzed through the real core.

Commands come from the registry, so a new command is fuzzed without touching this file. Every
example runs on a fresh copy of a community with every programme set up (``tests.fuzzing``), as a
member, a newcomer, an admin or a member of another community, with hostile display names too.
``exchange`` checks each answer: no exception, a clear message, no ping, and nothing changed when
the input was refused. On top of that, input that is invalid by construction (checked against the
same parsers the features use) must be refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import cycle
from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from adapters.discord import inbound as discord_inbound
from adapters.discord.commands import build_tree
from adapters.slack import inbound as slack_inbound
from bot.commands.parse import MAX_COMMAND_LENGTH, clean_text, split_words
from bot.events import Actor, DirectTextEvent
from bot.features import build_registry
from bot.identity import ChannelRef
from bot.registry import Command, Option, OptionKind
from bot.scheduling.recurrence import ScheduleError, parse_days, parse_time
from bot.scheduling.timezones import UnknownTimeZone, canonical_zone
from tests.fakes import COMMUNITY
from tests.fuzzing import (
    ADMIN,
    DISPLAY_NAME,
    LONG,
    OTHER,
    WORD,
    World,
    actor,
    command,
    exchange,
    fuzz_settings,
    open_world,
    shared_world,
)

REGISTRY = build_registry()
COMMANDS = sorted(REGISTRY.commands.values(), key=lambda c: c.path)
ADMIN_COMMANDS = [c for c in COMMANDS if c.admin]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield shared_world(tmp_path_factory)


@st.composite
def someone(draw: st.DrawFn) -> Actor:
    """An admin, a member, a newcomer, or a member of the other community; any display name."""
    community = draw(st.sampled_from([COMMUNITY, OTHER]))
    name = draw(st.sampled_from([ADMIN, "bo", "cy", "dee", "zed"]))
    display = draw(st.none() | DISPLAY_NAME)
    return actor(community, name, display)


def _option_word(option: Option, value: str) -> str:
    return f"{option.name}:{value}"


@st.composite
def command_line(draw: st.DrawFn, cmd: Command) -> str:
    """The command's path (in any case), then fuzz words and its options with fuzz values."""
    path = [draw(st.sampled_from([w, w.upper(), w.capitalize()])) for w in cmd.path]
    words: list[str] = []
    for _ in range(draw(st.integers(0, 4))):
        if cmd.options and draw(st.booleans()):
            option = draw(st.sampled_from(cmd.options))
            words.append(_option_word(option, draw(WORD)))
        else:
            words.append(draw(st.one_of(WORD, LONG) if draw(st.integers(0, 9)) == 0 else WORD))
    separator = draw(st.sampled_from([" ", "  ", "\t", "\n", " \u200b "]))
    quoted = draw(st.booleans())
    rest = separator.join(f'"{w}"' if quoted and " " in w else w for w in words)
    return "/" + " ".join(path) + (separator + rest if rest else "")


def _refused_by_construction(who: Actor, line: str) -> bool:
    """What must be refused whatever a feature does: lines the core cannot read (too long, no
    slash), unknown commands, and admin commands from non-admins. The command is looked up the
    way the core does, since fuzz words after a path may make a longer one (/streak milestones)."""
    text = clean_text(line)
    if len(text) > MAX_COMMAND_LENGTH or not text.startswith("/"):
        return True
    found, _ = REGISTRY.find(split_words(text[1:]))
    return found is None or (found.admin and who.user.id != ADMIN)


@fuzz_settings(50)
@given(data=st.data())
async def test_every_command_with_fuzzed_arguments(
    world: World, tmp_path: Path, data: st.DataObject
) -> None:
    cmd = data.draw(st.sampled_from(COMMANDS), label="command")
    who = data.draw(someone(), label="actor")
    line = data.draw(command_line(cmd), label="line")
    h = await open_world(world, tmp_path)
    try:
        outcome = await exchange(h, command(who, line))
    finally:
        await h.db.close()
    refuse = _refused_by_construction(who, line)
    event("must be refused" if refuse else "accepted" if not outcome.refused else "refused")
    if refuse:
        assert outcome.refused, f"{line!r} by {who.user.key} was accepted: {outcome.text!r}"


# A value of each option kind that the feature's own parser cannot accept. Text options have no
# invalid values (``alerts:`` is checked as a channel below).
def _rejects(check: object) -> object:
    def invalid(value: str) -> bool:
        try:
            check(value.strip())  # type: ignore[operator]
        except (ScheduleError, UnknownTimeZone, ValueError):
            return True
        return False

    return invalid


def _not_a_choice(option: Option) -> object:
    def invalid(value: str) -> bool:
        word = value.strip().lower()
        # Aliases (thursday for thu, 7 for 7d) are accepted on purpose: stay clear of them.
        return not any(word.startswith(c[:1]) or c.startswith(word) for c in option.choices)

    return invalid


def _one_word(value: str) -> bool:
    seen = clean_text(value)
    return bool(seen) and '"' not in seen and not any(c.isspace() for c in seen)


# Not a whole number, or far beyond any range (grace: 0-1440, retention: 7-365). Superscripts pass
# str.isdigit() but are no number to int(); other scripts' decimal digits are numbers ("٣٣٣٣٣").
NOT_AN_INTEGER = ("-5", "99999999", "²", "³⁵", "٣٣٣٣٣", "1e3", "0x10", "+5", "5.5", "seven", "∞")
INVALID = {
    OptionKind.CHANNEL: lambda o: lambda v: not v.startswith("#"),
    OptionKind.USER: lambda o: lambda v: not v.startswith("@"),
    OptionKind.TIME: lambda o: _rejects(parse_time),
    OptionKind.DAYS: lambda o: _rejects(parse_days),
    OptionKind.TIMEZONE: lambda o: _rejects(canonical_zone),
    OptionKind.DATE: lambda o: _rejects(date.fromisoformat),
    OptionKind.INTEGER: lambda o: lambda v: v in NOT_AN_INTEGER,
    OptionKind.CHOICE: _not_a_choice,
}
CHANNEL_TEXT = {("kith", "setup", "safety"): "alerts"}  # text options that name a channel
CHECKABLE = [
    (cmd, option)
    for cmd in COMMANDS
    for option in cmd.options
    if option.kind in INVALID or CHANNEL_TEXT.get(cmd.path) == option.name
]


def test_every_option_kind_has_a_fuzz_rule() -> None:
    """A new option kind needs a rule for values it refuses (or a reason to have none)."""
    assert set(OptionKind) - set(INVALID) == {OptionKind.TEXT}
    assert COMMANDS and CHECKABLE


@st.composite
def invalid_value(draw: st.DrawFn, cmd: Command, option: Option) -> str:
    kind = OptionKind.CHANNEL if option.kind is OptionKind.TEXT else option.kind
    ok = INVALID[kind](option)
    if kind is OptionKind.INTEGER:
        return draw(st.sampled_from(NOT_AN_INTEGER))
    return draw(
        WORD.filter(
            lambda v: (
                _one_word(v)
                and ok(clean_text(v))  # type: ignore[operator]
                and clean_text(v).lower() not in {"off", "none"}
            )
        )
    )


@fuzz_settings(40)
@given(data=st.data())
async def test_invalid_option_values_are_refused_and_change_nothing(
    world: World, tmp_path: Path, data: st.DataObject
) -> None:
    cmd, option = data.draw(st.sampled_from(CHECKABLE), label="option")
    value = data.draw(invalid_value(cmd, option), label="value")
    who = actor(COMMUNITY, ADMIN if cmd.admin else "bo")
    line = "/" + " ".join(cmd.path) + " " + _option_word(option, value)
    h = await open_world(world, tmp_path)
    try:
        outcome = await exchange(h, command(who, line))
    finally:
        await h.db.close()
    assert outcome.refused, f"{line!r} was accepted: {outcome.text!r}"


@pytest.mark.parametrize(
    "line",
    [
        "/kith setup checkin grace:²",
        "/kith setup buddies grace:³⁵",
        "/kith setup kindness grace:²m",
        "/kith setup privacy retention:²",
        "/kith setup privacy retention:³⁵d",
        "/kith prompts remove ²",
        "/kith prompts remove #³",
    ],
)
async def test_superscript_digits_get_a_clear_refusal(
    world: World, tmp_path: Path, line: str
) -> None:
    """Regression: "²" passed str.isdigit(), then int() raised and the admin got the catch-all
    apology (and an error in the log) instead of the option's own message."""
    h = await open_world(world, tmp_path)
    try:
        outcome = await exchange(h, command(actor(COMMUNITY, ADMIN), line))
    finally:
        await h.db.close()
    assert outcome.refused
    assert "Nothing was changed" in outcome.text or "Which prompt" in outcome.text


@fuzz_settings(30)
@given(data=st.data())
async def test_admin_commands_are_refused_to_members_whatever_follows(
    world: World, tmp_path: Path, data: st.DataObject
) -> None:
    cmd = data.draw(st.sampled_from(ADMIN_COMMANDS), label="command")
    who = actor(data.draw(st.sampled_from([COMMUNITY, OTHER])), "bo")
    line = data.draw(command_line(cmd), label="line")
    h = await open_world(world, tmp_path)
    try:
        outcome = await exchange(h, command(who, line))
    finally:
        await h.db.close()
    assert outcome.refused, f"{line!r} by a member was accepted: {outcome.text!r}"


@fuzz_settings(30)
@given(text=st.one_of(WORD, LONG, st.lists(WORD, max_size=6).map(" ".join)), who=someone())
async def test_free_text_to_kith_in_private(
    world: World, tmp_path: Path, text: str, who: Actor
) -> None:
    """A direct message is screened and answered (or saved as a reflection for someone Kith is
    waiting on), never a crash or a ping, whatever it holds."""
    h = await open_world(world, tmp_path)
    try:
        await exchange(h, DirectTextEvent(who, text))
    finally:
        await h.db.close()


# Every command, every run: hostile positional words, every option given a hostile value, an
# overlong line, and the same again from a member, whatever hypothesis happens to draw above.
HOSTILE = (
    "@everyone <@123456789012345678> <@&123456789012345678> <!channel> <!here> <@U0123ABCD>"
    " **x** `y` \u202eevil\u202c zero\u200bwidth \x00 \x1b[31m [a](https://evil.example) ²"
)


def _sweep(cmd: Command) -> list[str]:
    path = "/" + " ".join(cmd.path)
    options = " ".join(f"{o.name}:{word}" for o, word in zip(cmd.options, cycle(HOSTILE.split())))
    return [
        f"{path} {HOSTILE}",
        f"{path} {options}",
        f"{path} " + "@everyone " * 250,
        path.upper(),
    ]


@pytest.mark.parametrize("cmd", COMMANDS, ids=[c.name for c in COMMANDS])
async def test_every_command_with_hostile_input(world: World, tmp_path: Path, cmd: Command) -> None:
    h = await open_world(world, tmp_path)
    try:
        for line in _sweep(cmd):
            for who in (actor(COMMUNITY, ADMIN, "@everyone"), actor(COMMUNITY, "bo", "<!here>")):
                outcome = await exchange(h, command(who, line))
                if cmd.admin and who.user.id != ADMIN:
                    assert outcome.refused, line
    finally:
        await h.db.close()


@pytest.mark.parametrize("phrase", ["умру", "死にたい", "💔💔💔", "a a a", "!!! ???"])
async def test_safety_phrases_that_could_never_match_are_refused(
    world: World, tmp_path: Path, phrase: str
) -> None:
    """Regression: a phrase without 3 letters a-z was "Added" and then never matched anything."""
    h = await open_world(world, tmp_path)
    try:
        outcome = await exchange(
            h, command(actor(COMMUNITY, ADMIN), f"/kith safety phrases add {phrase}")
        )
    finally:
        await h.db.close()
    assert outcome.refused and "could never match" in outcome.text


@fuzz_settings(25)
@given(phrase=st.one_of(WORD, st.lists(WORD, min_size=1, max_size=4).map(" ".join)))
async def test_an_added_safety_phrase_is_recognised(
    world: World, tmp_path: Path, phrase: str
) -> None:
    """Whatever an admin adds to the phrase list, a member writing exactly that is looked after."""
    h = await open_world(world, tmp_path)
    try:
        admin = actor(COMMUNITY, ADMIN)
        added = await exchange(h, command(admin, f"/kith safety phrases add {phrase}"))
        event("added" if not added.refused else "refused")
        if not added.refused:
            before = await h.db.fetchval("SELECT COUNT(*) FROM safety_events")
            await exchange(h, DirectTextEvent(actor(COMMUNITY, "eve"), phrase))
            assert await h.db.fetchval("SELECT COUNT(*) FROM safety_events") == before + 1
    finally:
        await h.db.close()


@pytest.mark.parametrize(
    "text",
    ["I want to ki\u200bll myself", "I think about sui\u00adcide", "I feel so hope\u200dless"],
)
async def test_invisible_characters_do_not_hide_a_worrying_message(
    world: World, tmp_path: Path, text: str
) -> None:
    """Regression: a zero-width space or soft hyphen inside a word split it for the screen."""
    h = await open_world(world, tmp_path)
    try:
        before = len(h.chat.to("@eve"))
        await exchange(h, DirectTextEvent(actor(COMMUNITY, "eve"), text))
        assert len(h.chat.to("@eve")) == before + 1  # the caring message
    finally:
        await h.db.close()


TREE = build_tree(REGISTRY)
SLACK_MARKUP = st.sampled_from(
    ["<!here>", "<!channel>", "<@U0123ABCD|bo>", "<#C0123ABCD|general>", "&lt;!here&gt;", "&amp;"]
)


@fuzz_settings(30)
@given(data=st.data())
async def test_platform_payloads_through_the_adapters_and_the_core(
    world: World, tmp_path: Path, data: st.DataObject
) -> None:
    """Slack slash-command text (escaped, with markup) and Discord typed option values of any
    kind, rebuilt into command lines by the adapters' inbound parsing, then handled."""
    who = data.draw(someone(), label="actor")
    channel = ChannelRef(who.community, "general")
    if data.draw(st.booleans(), label="slack"):
        words = st.lists(st.one_of(WORD, SLACK_MARKUP), max_size=6).map(" ".join)
        body = {
            "command": data.draw(st.sampled_from(sorted({"/" + c.path[0] for c in COMMANDS}))),
            "text": data.draw(st.one_of(words, LONG), label="text"),
            "channel_id": "C0123ABCD",
        }
        event = slack_inbound.command_event(body, who)
    else:
        leaf = TREE.leaves[data.draw(st.sampled_from(sorted(TREE.leaves)), label="leaf")]
        values = {
            p.name: data.draw(st.one_of(st.none(), WORD, st.integers(-(2**64), 2**64)))
            for p in leaf.params
        }
        event = discord_inbound.command_event(
            who, channel, discord_inbound.Invocation(leaf.path, values), leaf
        )
    h = await open_world(world, tmp_path)
    try:
        await exchange(h, event)
    finally:
        await h.db.close()


async def test_an_empty_channel_option_says_what_is_missing(world: World, tmp_path: Path) -> None:
    """Regression: ``alerts:`` with nothing after it answered “” isn't a channel here."""
    h = await open_world(world, tmp_path)
    try:
        outcome = await exchange(h, command(actor(COMMUNITY, ADMIN), "/kith setup safety alerts:"))
    finally:
        await h.db.close()
    assert outcome.refused and outcome.text.startswith("No channel was given"), outcome.text
