"""A route registered twice is a mistake: the second would silently replace the first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.features import build_registry
from bot.messages import Reply
from bot.registry import Command, Registry


async def first(*_: object) -> Reply:
    return Reply.text("first")


async def second(*_: object) -> Reply:
    return Reply.text("second")


def test_every_feature_registers_each_command_button_and_form_once() -> None:
    registry = build_registry()
    assert registry.commands and registry.choices and registry.forms


def _command(registry: Registry, handler: Any) -> object:
    registry.command(Command(("hello",), "says hello", handler))
    return registry.commands[("hello",)].handler


def _choice(registry: Registry, handler: Any) -> object:
    registry.choice("mood", handler, fields=1)
    return registry.choices["mood"]


def _form(registry: Registry, handler: Any) -> object:
    registry.form("reflect", handler, fields=1)
    return registry.forms["reflect"]


@pytest.mark.parametrize(
    ("register", "message"),
    [(_command, "/hello"), (_choice, "button kind 'mood'"), (_form, "form kind 'reflect'")],
)
def test_a_second_registration_is_refused_and_the_first_kept(
    register: Callable[[Registry, Any], object], message: str
) -> None:
    registry = Registry()
    assert register(registry, first) is first
    with pytest.raises(ValueError, match=f"{message}.* registered twice"):
        register(registry, second)
    assert _lookup(registry, register) is first


def _lookup(registry: Registry, register: Callable[[Registry, Any], object]) -> object:
    if register is _command:
        return registry.commands[("hello",)].handler
    return (registry.choices if register is _choice else registry.forms)[
        "mood" if register is _choice else "reflect"
    ]
