"""Kindness streaks in Spanish and Brazilian Portuguese: replies in each member's language, channel
posts (milestones, the challenge, the digest) in the community's, a thank-you note in the thanked
member's own language, and no English left in between."""

from __future__ import annotations

import re
import string
from datetime import timedelta
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.store.sqlite import SqliteDatabase, SqliteTx
from tests.fakes import Harness, Sent, reply_text

ROOT = Path(__file__).resolve().parents[2]
SETUP = "/kith setup kindness channel:#kindness leaderboard:everyone digest:on tz:UTC"
PT = {"locale": "pt-BR"}
ES = {"locale": "es-ES"}


async def spanish_community(h: Harness, setup: str = SETUP) -> str:
    await h.say("ada", "/kith setup language:es")
    return reply_text(await h.say("ada", setup, **ES))


def channel(h: Harness) -> list[str]:
    return [s.text for s in h.chat.to("#kindness")]


def dms(h: Harness, name: str) -> list[Sent]:
    return [s for s in h.chat.to(f"@{name}") if s.private]


async def test_a_portuguese_member_in_a_spanish_community(harness: Harness) -> None:
    setup = await spanish_community(harness)
    assert setup.startswith("Las rachas de amabilidad ya están en #kindness.")
    assert "Clasificación: para todos." in setup
    assert "Resumen semanal: activado, los viernes a las 16:00 (UTC)" in setup
    replies = []
    for act in ("levei o lixo da vizinha", "fiz café para a equipe", "liguei para minha avó"):
        replies.append(reply_text(await harness.say("bia", f"/kind {act}", **PT)))
        await harness.advance(timedelta(days=1))
    first, _, third = replies
    assert "💛 Registrado: “levei o lixo da vizinha”." in first
    assert "🔥 Sua sequência: 1 dia (a mais longa: 1 dia)." in first
    assert "Hoje: 1 de 3 gentilezas contadas (seg., 2 de mar.)." in first
    assert "🔥 Sua sequência: 3 dias (a mais longa: 3 dias)." in third
    assert "🎉 Uma sequência de 3 dias, que conquista! Vou comemorar em #kindness." in third
    # Her milestone is celebrated where the whole community reads: in Spanish.
    (milestone,) = [t for t in channel(harness) if t.startswith("🎉")]
    assert milestone.startswith("🎉 ¡@Bia llegó a una racha de amabilidad de 3 días!")
    assert "Tres días de pequeños gestos amables. ¡Qué buen comienzo! 💛" in milestone

    # Cy (Spanish) thanks Bia: Cy is answered in Spanish, Bia's note is in Portuguese.
    sent = reply_text(await harness.say("cy", "/thanks @bia por el café", **ES))
    assert sent == (
        "💛 Agradecimiento enviado a Bia, en privado. Suma a su contador de «amabilidad "
        "reconocida»."
    )
    (note,) = dms(harness, "bia")
    assert note.text.startswith("💛 @Cy agradeceu você: “por el café”")
    assert "Sua gentileza já foi notada uma vez aqui." in note.text
    assert (
        note.message.note
        == "Só você pode ver isto. Passe adiante com /thanks sempre que alguém ajudar você."
    )
    # And back: Bia (Portuguese) thanks Cy, whose note is in Spanish.
    back = reply_text(await harness.say("bia", "/thanks @cy pela mensagem", **PT))
    assert back.startswith("💛 Agradecimento enviado para Cy, no privado.")
    (cy_note,) = dms(harness, "cy")
    assert cy_note.text.startswith("💛 @Bia te dio las gracias: “pela mensagem”")
    assert "Tu amabilidad se ha reconocido una vez aquí." in cy_note.text

    streak = reply_text(await harness.say("bia", "/streak", **PT))
    assert streak.startswith("🔥 Sua sequência: 3 dias · a mais longa: 3 dias\n")
    assert "Hoje (qui., 5 de mar., UTC): nada registrado ainda; um /kind mantém" in streak
    assert "gentileza notada: 1 vez." in streak
    assert "Como funcionam as sequências:" in streak
    board = reply_text(await harness.say("cy", "/leaderboard", **ES))
    assert "🏆 Gestos amables esta semana (2 mar – 8 mar)" in board
    assert "1. @Bia — 3 gestos" in board and "En caso de empate" in board
    board_pt = reply_text(await harness.say("bia", "/leaderboard by:streak", **PT))
    assert "🏆 Sequências atuais" in board_pt and "1. @Bia — 3 dias" in board_pt

    # Friday 16:00: the week's digest, in the community's language, dates and counts its way.
    await harness.advance_to(harness.clock.now().replace(day=6, hour=16, minute=1))
    (digest,) = [t for t in channel(harness) if "Esta semana en amabilidad" in t]
    assert "3 gestos amables esta semana. ¡Gracias a todos! Gestos amables por día: " in digest
    assert "💌 2 agradecimientos enviados." in digest
    assert "🎉 Hitos de racha: Bia (3 días)." in digest
    assert digest.endswith(
        "Cada pequeño gesto cuenta: /kind anota el tuyo, /thanks le da las gracias a alguien."
    )
    stats_reply = await harness.say("ada", "/kith stats", **ES)
    stats = reply_text(stats_reply)
    assert stats_reply.message is not None and stats_reply.message.attachment is not None
    # The chart's alt text names its days the Spanish way ("2 mar", not "02 Mar").
    assert "Gestos amables por día: " in stats_reply.message.attachment.description
    assert "(2 mar)" in stats_reply.message.attachment.description
    assert "Amabilidad, últimos 30 días" in stats
    assert "Gestos amables contados: 3 (0,1 al día) · miembros que anotan: 1" in stats
    assert "Gestos amables por día: " in stats


async def test_the_challenge_in_the_community_language_and_logged_in_the_members(
    harness: Harness,
) -> None:
    setup = await spanish_community(
        harness, "/kith setup kindness channel:#kindness challenge:31-day"
    )
    assert "Reto de 31 días: una propuesta al día a las 09:00 (UTC), 2 mar – 1 abr." in setup
    assert "El día 1 se publica el lun, 2 mar 09:00 UTC." in setup
    await harness.advance(timedelta(hours=4))
    (post,) = [s for s in harness.chat.to("#kindness") if "Reto de amabilidad" in s.text]
    assert post.text.startswith("🌱 Reto de amabilidad · día 1 de 31\nMándale un mensajito")
    assert [c.label for c in post.message.choices] == ["✅ Lo hice"]
    logged = reply_text(await harness.click("bia", post.choice("done"), **PT))
    assert logged.startswith("💛 Registrado: “Desafio, dia 1: Mande uma mensagem curtinha")
    spanish = reply_text(await harness.click("cy", post.choice("done"), **ES))
    assert spanish.startswith("💛 Anotado: “Reto, día 1: Mándale un mensajito")
    status = reply_text(await harness.say("ada", "/kith status", **ES))
    assert "Rachas de amabilidad · #kindness · clasificación voluntaria" in status
    assert "clasificación voluntaria · reto de 31 días 2 mar – 1 abr, cada día a las 09:00" in (
        status
    )
    board = reply_text(await harness.say("bia", "/leaderboard window:challenge", **PT))
    assert "Gentilezas no desafio de 31 dias (2 de mar. – 1 de abr.)" in board


async def test_refusals_are_in_the_members_language_and_change_nothing(harness: Harness) -> None:
    await spanish_community(harness)
    await harness.say("bia", "/kith language pt-BR")
    await harness.refuses(
        "bia",
        {
            "/kind ok": "Me conta o que você fez depois do /kind",
            "/kind " + "x" * 301: "uma gentileza cabe em até 300 caracteres",
            "/kind for:@bia ajudei": "for: é para outra pessoa",
            "/thanks": "Diga quem e por quê",
            "/thanks @bia por tudo": "Aqui não dá para agradecer a si mesmo",
            "/leaderboard forever": "“forever” não é uma opção do ranking",
            "/leaderboard window:challenge": "Ainda não rolou nenhum desafio de 31 dias aqui",
            "/streak milestones loud": "/streak milestones public comemora",
        },
    )
    harness.admins.add("cy")
    await harness.refuses(
        "cy",
        {
            "/kith setup kindness leaderboard:maybe": "leaderboard: es opt-in, everyone u off.",
            "/kith setup kindness digest:maybe": "digest: es on u off. No se cambió nada.",
            "/kith setup kindness challenge:60-day": "challenge: es 31-day (empieza uno) u off.",
            "/kith setup kindness grace:lots": "puede salir aún una publicación del reto",
        },
    )


# ---- no English left ----------------------------------------------------------------------------

# Kindness commands a member or an admin runs, each answered in the language asked for.
COMMANDS = (
    "/kith setup kindness channel:#kindness challenge:31-day digest:on",
    "/kith setup kindness leaderboard:opt-in",
    "/kind helped a friend move house",
    "/kind helped a friend move house",
    "/kind for:@cy made them tea",
    "/kind watered the plants",
    "/kind tidied the kitchen",
    "/streak",
    "/streak @cy",
    "/streak milestones private",
    "/streak milestones public",
    "/leaderboard",
    "/leaderboard join",
    "/leaderboard window:month",
    "/leaderboard window:all by:streak",
    "/leaderboard window:challenge",
    "/leaderboard leave",
    "/leaderboard",
    "/thanks @cy for the tea",
    "/thanks @cy for the cake",
    "/kind x",
    "/thanks @bia for me",
    "/leaderboard window:year",
    "/kith setup kindness leaderboard:off",
    "/leaderboard",
)
LAST = ("/kith stats", "/kith setup kindness challenge:off digest:off", "/kith setup kindness")
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


@cache
def english_fragments(code: str) -> frozenset[str]:
    """Runs of English words from the kindness catalogue's message ids (every text the code
    marks, as ``make messages`` keeps them) that no translation in ``code`` repeats: slash
    commands and option words are the same in every language."""
    with (ROOT / "locales" / code / "LC_MESSAGES" / "kindness.po").open("rb") as handle:
        catalogue = read_po(handle, locale=code)
    translated = " ".join(
        " ".join(m.string) if isinstance(m.string, tuple) else str(m.string)
        for m in catalogue
        if m.id
    )
    fragments = set()
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for ident in ids:
            for piece in PLACEHOLDER.split(ident):
                piece = piece.strip(" .,;:()·–—🔥💛🎉🌱🌼💌✅" + string.whitespace)
                if len(piece) >= 10 and " " in piece and piece not in translated:
                    fragments.add(piece)
    return frozenset(fragments)


def english_in(text: str, code: str) -> list[str]:
    return sorted(f for f in english_fragments(code) if f in text)


@pytest.mark.parametrize(("locale", "code"), [("es-ES", "es"), ("pt-BR", "pt_BR")])
async def test_no_english_is_left_in_kindness(harness: Harness, locale: str, code: str) -> None:
    assert "Your streak" in english_fragments(code)  # the check can see English at all
    harness.admins.add("bia")
    await harness.say("ada", f"/kith setup language:{code}")
    await harness.say("cy", "/kith help", locale=locale)
    texts = []
    for _ in range(3):
        for command in COMMANDS:
            texts.append((command, reply_text(await harness.say("bia", command, locale=locale))))
        await harness.advance(timedelta(days=1))
    (post, *_more) = [s for s in harness.chat.sent if s.message.choices]
    clicked = await harness.click("bia", post.choice("done"), locale=locale)
    texts.append(("I did it", reply_text(clicked)))
    await harness.advance(timedelta(days=7))
    for command in LAST:
        texts.append((command, reply_text(await harness.say("bia", command, locale=locale))))
    texts += [("sent", s.text) for s in harness.chat.sent]
    texts += [("note", s.message.note or "") for s in harness.chat.sent]
    left = {what: english_in(text, code) for what, text in texts if english_in(text, code)}
    assert not left, left


async def test_kind_in_spanish_costs_the_store_no_more_than_in_english(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hot path: answering /kind in a member's language reads nothing more than in English
    (the language comes with the event; dates and words are formatted in memory)."""
    statements: list[str] = []
    for cls, names in (
        (SqliteTx, ("execute", "executemany", "fetchall", "fetchone", "fetchval")),
        (SqliteDatabase, ("fetchall", "fetchone", "fetchval")),
    ):
        for name in names:
            original = getattr(cls, name)

            def counted(self: object, sql: str, *args: object, _f: object = original) -> object:
                statements.append(sql)
                return _f(self, sql, *args)  # type: ignore[operator]

            monkeypatch.setattr(cls, name, counted)
    await harness.say("ada", SETUP)
    costs = {}
    for name, locale in (("al", "en-US"), ("bia", "pt-BR"), ("cy", "es-ES")):
        await harness.say(name, "/kind a first act today", locale=locale)
        statements.clear()
        reply = reply_text(await harness.say(name, "/kind a second act today", locale=locale))
        costs[locale] = len(statements)
        assert "2 " in reply  # 2 of 3 counted, in whichever language
    assert costs["en-US"] >= 4, costs  # the act itself: read, act, member, totals
    assert costs["pt-BR"] == costs["es-ES"] == costs["en-US"], costs
