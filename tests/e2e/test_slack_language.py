"""The member's Slack language (``users.info`` with ``include_locale``, the same cached call
that gives their time zone) is the language Kith answers them in, through the real slack-bolt
app in both modes; the App Home and the adapter's own words follow it too."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.context import Context
from bot.i18n import current_language
from tests.conftest import START
from tests.e2e.slack_fake import dm_message, home_opened
from tests.e2e.slack_world import BO, CY, DEE, SlackWorld, block_text, open_world


@pytest.fixture(params=["http", "socket"])
async def world(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[SlackWorld]:  # type: ignore[no-untyped-def]
    opened = await open_world(tmp_path / "kith.sqlite3", request.param, START)
    opened.fake.users[BO].locale = "pt-BR"
    opened.fake.users[CY].locale = "es-LA"  # Slack's Latin American Spanish
    opened.fake.users[DEE].locale = "ja-JP"  # a language Kith does not speak
    yield opened
    await opened.close()


async def text_of(world: SlackWorld, user: str, command: str) -> str:
    return block_text((await world.command(user, command))["blocks"])


async def test_a_member_whose_slack_locale_is_pt_br_is_answered_in_portuguese(
    world: SlackWorld,
) -> None:
    shown = await text_of(world, BO, "language")
    assert "Aqui eu falo com você em Português (Brasil)." in shown, shown
    unknown = await text_of(world, BO, "nonsense")
    assert unknown.startswith("Não conheço o comando /kith nonsense."), unknown
    assert (await text_of(world, CY, "nonsense")).startswith("No conozco el comando")
    # Japanese is not shipped: the community's language, English by default.
    assert (await text_of(world, DEE, "nonsense")).startswith("I don't know the command")
    # One users.info per member for all of it, asking for the locale.
    asked = [c for c in world.fake.called("users.info") if c.args.get("user") == BO]
    assert len(asked) == 1, asked
    assert asked[0].args.get("include_locale") == "1"


async def test_a_direct_message_is_answered_in_the_members_language(world: SlackWorld) -> None:
    event = dm_message(world.fake, user=BO, text="oi, tudo bem?")
    await world.event(event, event_id="Ev0DMPT")
    await world.fake.wait_for(lambda: bool(world.fake.posts(event["channel"])))
    [reply] = world.fake.posts(event["channel"])
    assert block_text(reply["blocks"]).startswith("Obrigado por escrever."), reply


async def test_the_app_home_is_built_in_the_members_language(world: SlackWorld) -> None:
    async def language_section(ctx: Context) -> list[str]:
        return [f"language={current_language()}"]

    world.kith.services.registry.home_sections.append(language_section)
    await world.event(home_opened(BO), event_id="Ev0HOMEPT")
    await world.event(home_opened(DEE), event_id="Ev0HOMEJA")
    await world.fake.wait_for(lambda: BO in world.fake.homes and DEE in world.fake.homes)
    assert "language=pt_BR" in block_text(world.fake.homes[BO]["blocks"])
    assert "language=en" in block_text(world.fake.homes[DEE]["blocks"])


async def test_the_adapters_own_words_follow_the_stored_language(world: SlackWorld) -> None:
    await world.command(BO, "timezone America/Sao_Paulo")  # Bo is a member: his language is kept
    world.fake.token_error = "token_revoked"  # now it cannot even look him up
    world.adapter.directory.forget(BO)
    answer = await text_of(world, BO, "status")
    assert answer.startswith("O Kith não consegue funcionar neste workspace agora"), answer
