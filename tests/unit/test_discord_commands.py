"""The slash-command tree is built from the registry alone, within Discord's documented limits."""

from __future__ import annotations

import re
from typing import Any

from adapters.discord.commands import (
    CHANNEL,
    INTEGER,
    MANAGE_GUILD,
    STRING,
    SUB_COMMAND,
    SUB_COMMAND_GROUP,
    USER,
    build_tree,
    zone_suggestions,
)
from bot.commands.parse import Invocation
from bot.context import Context
from bot.features import build_registry
from bot.messages import Reply
from bot.registry import Command, Option, OptionKind, Registry

NAME = re.compile(r"^[-_a-z0-9]{1,32}$")


async def noop(ctx: Context, inv: Invocation) -> Reply:
    return Reply.text("ok")


def walk(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for option in options:
        found.append(option)
        if option["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP):
            found.extend(walk(option.get("options", [])))
    return found


def check_discord_rules(payload: list[dict[str, Any]]) -> None:
    """The documented limits a PUT /applications/{id}/commands body must respect."""
    assert len(payload) <= 100
    for command in payload:
        assert NAME.match(command["name"]) and 1 <= len(command["description"]) <= 100
        assert len(command.get("options", [])) <= 25
        size = 0
        for option in [command, *walk(command.get("options", []))]:
            assert NAME.match(option["name"]), option["name"]
            assert 1 <= len(option["description"]) <= 100
            size += len(option["name"]) + len(option["description"])
            leaf_options = [
                o
                for o in option.get("options", [])
                if o["type"] not in (SUB_COMMAND, SUB_COMMAND_GROUP)
            ]
            required = [o["required"] for o in leaf_options]
            assert required == sorted(required, reverse=True), "required options come first"
            for choice in option.get("choices", []):
                size += len(choice["name"]) + len(str(choice["value"]))
            assert len(option.get("choices", [])) <= 25
        assert size <= 8000


def test_every_registered_command_is_on_discord_within_limits() -> None:
    registry = build_registry()
    tree = build_tree(registry)
    assert tree.skipped == ()
    assert {leaf.command_path for leaf in tree.leaves.values()} == set(registry.commands)
    check_discord_rules(tree.payload)
    for command in tree.payload:
        assert command["contexts"] == [0] and command["integration_types"] == [0]


def test_a_new_feature_command_appears_without_discord_code() -> None:
    registry = build_registry()
    registry.command(
        Command(
            ("circle", "pause"),
            "snooze until a date",
            noop,
            options=(Option("until", OptionKind.DATE, "the date to come back", required=True),),
        )
    )
    registry.command(Command(("circle", "avoid"), "never pair me with them", noop, usage="@member"))
    tree = build_tree(registry)
    circle = next(c for c in tree.payload if c["name"] == "circle")
    subcommands = {o["name"]: o for o in circle["options"]}
    until = dict(subcommands["pause"]["options"][0])
    assert until.pop("name_localizations")["es-ES"] == "hasta"  # a word Kith already translates
    assert until | {"description": ""} == {
        "type": STRING,
        "name": "until",
        "description": "",
        "required": True,
    }
    assert subcommands["avoid"]["options"][0]["type"] == USER
    check_discord_rules(tree.payload)


def test_option_kinds_map_to_discord_types() -> None:
    tree = build_tree(build_registry())
    kith = next(c for c in tree.payload if c["name"] == "kith")
    setup = next(o for o in kith["options"] if o["name"] == "setup")
    assert setup["type"] == SUB_COMMAND_GROUP
    checkin = next(o for o in setup["options"] if o["name"] == "checkin")
    types = {o["name"]: o for o in checkin["options"]}
    assert types["channel"]["type"] == CHANNEL and types["channel"]["channel_types"] == [0, 5]
    assert types["grace"]["type"] == INTEGER
    assert types["tz"]["autocomplete"] is True
    timezone = next(o for o in kith["options"] if o["name"] == "timezone")
    assert timezone["options"][0]["autocomplete"] is True
    stats = next(o for o in kith["options"] if o["name"] == "stats")
    # /kith stats export makes /kith stats a group: the stats themselves are /kith stats show.
    assert stats["type"] == SUB_COMMAND_GROUP
    assert [o["name"] for o in stats["options"]] == ["export", "show"]
    show = next(o for o in stats["options"] if o["name"] == "show")
    assert [c["value"] for c in show["options"][0]["choices"]] == [
        "7d",
        "week",
        "30d",
        "month",
        "90d",
    ]
    pause = next(o for o in kith["options"] if o["name"] == "pause")
    assert "checkin" in [c["value"] for c in pause["options"][0]["choices"]]


def test_admin_only_top_level_commands_need_manage_server_by_default() -> None:
    registry = Registry()
    registry.command(Command(("config", "a"), "admin a", noop, admin=True))
    registry.command(Command(("config", "b"), "admin b", noop, admin=True))
    registry.command(Command(("mixed", "member"), "anyone", noop))
    registry.command(Command(("mixed", "admin"), "admins", noop, admin=True))
    payload = {c["name"]: c for c in build_tree(registry).payload}
    assert payload["config"]["default_member_permissions"] == str(MANAGE_GUILD)
    # Discord cannot hide one subcommand; the core re-checks admin rights on every call.
    assert payload["mixed"]["default_member_permissions"] is None


def test_a_command_that_is_also_a_group_is_offered_as_show() -> None:
    registry = Registry()
    registry.command(Command(("streak",), "my streak", noop, usage="[@member]"))
    registry.command(Command(("streak", "show"), "taken name", noop))
    registry.command(Command(("streak", "milestones"), "milestones", noop, usage="on|off"))
    tree = build_tree(registry)
    assert tree.leaves[("streak", "view")].command_path == ("streak",)
    names = [o["name"] for o in tree.payload[0]["options"]]
    assert sorted(names) == ["milestones", "show", "view"]


def test_commands_discord_cannot_hold_are_reported_not_sent() -> None:
    registry = Registry()
    registry.command(Command(("a", "b", "c", "d"), "too deep", noop))
    registry.command(Command(("Bad Name",), "spaces", noop))
    registry.command(Command(("ok",), "fine", noop))
    tree = build_tree(registry)
    assert [c["name"] for c in tree.payload] == ["ok"]
    assert len(tree.skipped) == 2 and any("/a b c d" in s for s in tree.skipped)


def test_digest_is_stable_and_changes_with_the_tree() -> None:
    first, second = build_tree(build_registry()), build_tree(build_registry())
    assert first.digest == second.digest
    registry = build_registry()
    registry.command(Command(("extra",), "one more", noop))
    assert build_tree(registry).digest != first.digest


def test_zone_suggestions() -> None:
    assert zone_suggestions("")[:2] == ["UTC", "Europe/London"]
    assert zone_suggestions("new york")[0] == "America/New_York"
    assert "Europe/London" in zone_suggestions("lond")
    assert len(zone_suggestions("a")) <= 25
