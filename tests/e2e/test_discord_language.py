"""Kith on Discord in the member's language: every interaction carries the member's client
language (``locale``) and the server's (``guild_locale``); the synced commands carry their names
and descriptions in every shipped language, while interactions keep the English names."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.commands.parse import Invocation
from bot.context import Context
from bot.messages import Reply
from bot.registry import Command, Registry
from tests.e2e.discord_fake import command_problems
from tests.e2e.discord_helpers import World, discord_world

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # Monday 06:00 UTC


@pytest.fixture
async def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[World]:
    async with discord_world(tmp_path, monkeypatch, START) as w:
        yield w


def synced(world: World, *path: str) -> dict[str, object]:
    (commands,) = world.fake.commands.values()
    node: dict[str, object] = {"options": commands}
    for word in path:
        node = next(n for n in node["options"] if n["name"] == word)  # type: ignore[attr-defined]
    return node


async def test_a_spanish_locale_interaction_is_answered_in_spanish(world: World) -> None:
    spain = await world.slash(world.bo, "kith language", locale="es-ES")
    assert spain.text.startswith("Aquí te hablo en Español."), spain.text
    latin = await world.slash(world.cy, "kith language", locale="es-419")
    assert latin.text.startswith("Aquí te hablo en Español."), latin.text
    brazil = await world.slash(world.ada, "kith language", locale="pt-BR")
    assert brazil.text.startswith("Aqui eu falo com você em Português (Brasil)."), brazil.text
    british = await world.slash(world.bo, "kith language", locale="en-GB")
    assert british.text.startswith("I speak English to you here."), british.text
    # The member's own choice beats the client's language.
    chosen = await world.slash(world.bo, "kith language", {"language": "pt-BR"}, locale="es-ES")
    assert chosen.text.startswith("Pronto:"), chosen.text
    again = await world.slash(world.bo, "kith language", locale="es-ES")
    assert again.text.startswith("Aqui eu falo com você em Português (Brasil)."), again.text


async def test_the_server_locale_is_the_default_for_a_client_kith_does_not_speak(
    world: World,
) -> None:
    reply = await world.slash(world.cy, "kith language", locale="fr", guild_locale="pt-BR")
    assert reply.text.startswith("Aqui eu falo com você em Português (Brasil)."), reply.text


async def test_the_adapters_own_words_are_in_the_members_language(world: World) -> None:
    async def announce(ctx: Context, inv: Invocation) -> Reply:
        return Reply.text("📣", private=False)

    def extend(registry: Registry) -> None:
        registry.command(Command(("kith", "announce"), "say something to everyone", announce))

    await world.restart(extend=extend, ack_budget=0.0)  # always defer: Kith adds "Done."
    slow = await world.slash(world.bo, "kith announce", locale="es-419")
    assert slow.original is not None and slow.original["content"] == "Listo.", slow.original
    slow = await world.slash(world.cy, "kith announce", locale="pt-BR")
    assert slow.original is not None and slow.original["content"] == "Pronto."

    # A button click whose form can no longer open (the answer was deferred).
    setup = await world.slash(
        world.ada,
        "kith setup checkin",
        {"channel": world.general["id"], "time": "09:00", "days": "mon-fri", "tz": "UTC"},
    )
    assert "set up" in setup.text, setup.text
    await world.advance(timedelta(hours=4))
    [post] = world.fake.posts(world.general["id"])
    late = await world.click(world.bo, post, "Reflect", locale="es-ES")
    assert late.text == (
        "Tardé un poquito de más y no pude abrir el cuadro de texto. "
        "Toca el botón otra vez, por favor."
    )


async def test_the_synced_commands_carry_localisations(world: World) -> None:
    kith = synced(world, "kith")
    assert kith["description_localizations"]["es-ES"].startswith("kith: admins, exportar")  # type: ignore[index]
    help_ = synced(world, "kith", "help")
    assert help_["name_localizations"] == {"es-ES": "ayuda", "es-419": "ayuda", "pt-BR": "ajuda"}
    language = synced(world, "kith", "setup", "language", "language")
    assert language["name_localizations"]["pt-BR"] == "idioma"  # type: ignore[index]
    assert language["description_localizations"]["es-ES"] == "un idioma, o auto"  # type: ignore[index]
    zone = synced(world, "kith", "timezone", "zone")
    assert zone["name_localizations"] == {"es-ES": "zona", "es-419": "zona", "pt-BR": "fuso"}
    window = synced(world, "leaderboard", "show", "window")
    month = window["choices"][1]  # type: ignore[index]
    assert month["value"] == "month" and month["name_localizations"]["es-ES"] == "mes"
    # What Discord checks on a bulk overwrite, the fake checks too; nothing was refused.
    (commands,) = world.fake.commands.values()
    assert [p for c in commands for p in command_problems(c)] == []


def test_the_fake_refuses_what_discord_refuses() -> None:
    bad = {
        "name": "kith",
        "description": "d",
        "options": [
            {"name": "help", "description": "d", "name_localizations": {"es-ES": "Ayuda"}},
            {"name": "export", "description": "d", "name_localizations": {"xx": "exportar"}},
            {"name": "forget", "description": "d", "name_localizations": {"pt-BR": "sair"}},
            {"name": "leave", "description": "d", "name_localizations": {"pt-BR": "sair"}},
        ],
    }
    assert command_problems(bad) == [
        "/kith: options repeat a name in pt-BR",
        "/kith/help: name_localizations.es-ES",
        "/kith/export: name_localizations.xx",
    ]
