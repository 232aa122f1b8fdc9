"""Which language Kith speaks: the platform's, a member's own choice, a community's default."""

from __future__ import annotations

from tests.fakes import Harness, reply_text


async def test_a_member_is_answered_in_their_platform_language(harness: Harness) -> None:
    unknown = reply_text(await harness.say("ana", "/kith nonsense", locale="es-ES"))
    assert unknown == "No conozco el comando /kith nonsense. Prueba con /kith help."
    assert "Não conheço" in reply_text(await harness.say("bia", "/kith nonsense", locale="pt-BR"))
    assert "I don't know" in reply_text(await harness.say("cy", "/kith nonsense", locale="fr"))
    assert "I don't know" in reply_text(await harness.say("dee", "/kith nonsense"))


async def test_a_member_choice_beats_the_platform_and_auto_goes_back(harness: Harness) -> None:
    done = reply_text(await harness.say("ana", "/kith language pt-BR", locale="es-ES"))
    assert done == "Pronto: a partir de agora falo com você em Português (Brasil)."
    assert "Não conheço" in reply_text(await harness.say("ana", "/kith nope", locale="es-ES"))
    assert "Aqui eu falo" in reply_text(await harness.say("ana", "/kith language"))
    back = reply_text(await harness.say("ana", "/kith language auto", locale="es-ES"))
    assert back.startswith("Listo: vuelvo a seguir el idioma de tu app")
    assert "No conozco" in reply_text(await harness.say("ana", "/kith nope", locale="es-ES"))


async def test_the_stored_platform_language_serves_events_without_one(harness: Harness) -> None:
    await harness.say("ana", "/kith timezone Europe/Madrid", locale="es-419")
    assert "No conozco" in reply_text(await harness.say("ana", "/kith nope"))
    # She switched her app to Portuguese: remembered from her next event on.
    await harness.say("ana", "/kith help", locale="pt-BR")
    assert "Não conheço" in reply_text(await harness.say("ana", "/kith nope"))


async def test_language_names_and_bad_codes(harness: Harness) -> None:
    assert "Español" in reply_text(await harness.say("ana", "/kith language español"))
    await harness.refuses(
        "ana",
        {
            "/kith language klingon": "Todavía no hablo «klingon», así que no cambió nada.",
            "/kith language language:fr": "Todavía no hablo «fr»",
        },
    )


async def test_community_language_is_for_admins_and_sets_the_default(harness: Harness) -> None:
    harness.admins.add("ada")
    refused = reply_text(await harness.say("bo", "/kith setup language es"))
    assert "for this community's admins" in refused
    # The admin is answered in her own language (her app's is unknown, and it was English).
    done = reply_text(await harness.say("ada", "/kith setup language:es"))
    assert done.startswith("Done: this community's channel posts will be in Español.")
    # Bo has no language of his own and his app's is unknown: the community's.
    assert "No conozco" in reply_text(await harness.say("bo", "/kith nope"))
    # A member whose app speaks a language Kith has keeps it.
    assert "Não conheço" in reply_text(await harness.say("bia", "/kith nope", locale="pt-BR"))
    shown = reply_text(await harness.say("ada", "/kith setup language", locale="en-GB"))
    assert shown.startswith("This community's posts are in Español (chosen here).")
    await harness.say("ada", "/kith setup language auto")
    assert "I don't know" in reply_text(await harness.say("bo", "/kith nope"))


async def test_the_server_locale_is_the_community_default(harness: Harness) -> None:
    reply = await harness.say("bo", "/kith nope", community_locale="pt-BR")
    assert "Não conheço" in reply_text(reply)
    # Remembered for events (and scheduled posts) that carry no server locale.
    assert "Não conheço" in reply_text(await harness.say("cy", "/kith nope"))


async def test_many_members_languages_at_once_are_each_their_own(harness: Harness) -> None:
    """A round's worth of members is read on a reader (off the event loop) in slices: every
    member still gets their own language, and members Kith never met the community's."""
    from bot.community import member_languages
    from tests.fakes import COMMUNITY

    harness.admins.add("ada")
    await harness.say("ada", "/kith setup language es")
    tags = ["pt-BR", "en-GB", "es-419", None]
    async with harness.db.transaction() as tx:
        for i in range(1_203):
            await tx.execute(
                "INSERT INTO members (community_id, user_key, display_name, created_at,"
                " platform_locale) VALUES (?, ?, ?, 0, ?)",
                COMMUNITY.key,
                f"{COMMUNITY.key}:m{i}",
                f"m{i}",
                tags[i % 4],
            )
    keys = [f"{COMMUNITY.key}:m{i}" for i in range(1_203)] + [f"{COMMUNITY.key}:stranger"]
    languages = await member_languages(harness.db, COMMUNITY.key, keys)
    expected = {"pt-BR": "pt_BR", "en-GB": "en", "es-419": "es", None: "es"}
    assert [languages[k] for k in keys[:-1]] == [expected[tags[i % 4]] for i in range(1_203)]
    assert languages[keys[-1]] == "es"
