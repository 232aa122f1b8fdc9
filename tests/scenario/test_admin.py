"""Admin rights: the platform's, plus members a community adds; checked in the core."""

from __future__ import annotations

from tests.fakes import Harness, reply_text, snapshot


async def test_added_admin_gains_rights_at_once_and_loses_them_when_removed(
    harness: Harness,
) -> None:
    assert "for this community's admins" in reply_text(await harness.say("bo", "/kith status"))
    await harness.say("bo", "/kith timezone Europe/Paris")  # Kith now knows Bo's name
    added = reply_text(await harness.say("ada", "/kith admins add @bo"))
    assert added == "@Bo can now run admin commands here."
    assert "Nothing is set up yet" in reply_text(await harness.say("bo", "/kith status"))
    assert "@Bo" in reply_text(await harness.say("bo", "/kith admins"))
    assert "no longer" in reply_text(await harness.say("bo", "/kith admins remove @bo"))
    assert "for this community's admins" in reply_text(await harness.say("bo", "/kith status"))


async def test_admin_list_changes_are_refused_for_members_and_bad_input(harness: Harness) -> None:
    await harness.say("ada", "/kith help")  # the community exists from here on
    before = await snapshot(harness.db)
    assert "admins" in reply_text(await harness.say("bo", "/kith admins add @bo"))
    assert "isn't a member" in reply_text(await harness.say("ada", "/kith admins add bo"))
    assert "Use /kith admins" in reply_text(await harness.say("ada", "/kith admins promote @bo"))
    assert "isn't on the list" in reply_text(await harness.say("ada", "/kith admins remove @cy"))
    assert await snapshot(harness.db) == before


async def test_a_bare_group_lists_its_commands(harness: Harness) -> None:
    listing = reply_text(await harness.say("ada", "/kith setup"))
    assert "/kith setup checkin" in listing
    assert "setup checkin" not in reply_text(await harness.say("bo", "/kith setup"))
