"""Buddy pairing in each member's language: commands, buttons, and the round's private messages.

START is Monday 2 March 2026, 06:00 UTC; the first round is that morning at 09:00 London, its
nudge on Thursday, its "did you connect?" on Sunday. Ana and Eva read Spanish, Bia and Caio
Brazilian Portuguese, Ed and Fay English (their apps' languages).
"""

from __future__ import annotations

import re
import string
from datetime import timedelta
from pathlib import Path

import pytest

from bot.buddies import followup, intros, reminders
from bot.i18n import use_language
from bot.i18n.messages import extract
from tests.fakes import Harness, Sent, reply_text

SETUP = "/kith setup buddies channel:#buddies every:1w day:mon time:09:00 tz:Europe/London"
LOCALES = {
    "ana": "es-ES",
    "eva": "es-419",
    "bia": "pt-BR",
    "caio": "pt-BR",
    "ed": None,
    "fay": None,
}
ROOT = Path(__file__).resolve().parents[2]


async def join_all(h: Harness, locales: dict[str, str | None] = LOCALES) -> None:
    for name, locale in locales.items():
        await h.say(name, "/buddy join", locale=locale)


async def keep_apart(h: Harness, name: str, *others: str) -> None:
    """Do-not-pair entries that leave one way to pair everyone: by language."""
    for other in others:
        await h.say(name, f"/buddy avoid @{other}", locale=LOCALES[name])


async def three_language_round(h: Harness) -> None:
    assert "set up" in reply_text(await h.say("ada", SETUP))
    await join_all(h)
    await keep_apart(h, "ana", "bia", "caio", "ed", "fay")
    await keep_apart(h, "eva", "bia", "caio", "ed", "fay")
    await keep_apart(h, "bia", "ed", "fay")
    await keep_apart(h, "caio", "ed", "fay")
    await h.advance(timedelta(hours=4))


def last(h: Harness, name: str, text: str) -> Sent:
    found = [s for s in h.chat.to(f"@{name}") if text in s.text]
    assert found, f"nothing with {text!r} to {name}: {[s.text for s in h.chat.to(f'@{name}')]}"
    return found[-1]


def starter(h: Harness, code: str, key: str) -> str:
    catalogue = h.kith.services.catalogue
    prompt = next(p for p in catalogue.starters if p.key == key)
    with use_language(code):
        return catalogue.text(prompt)


async def test_each_group_is_introduced_nudged_and_asked_in_its_members_language(
    harness: Harness,
) -> None:
    await three_language_round(harness)
    key = str(await harness.db.fetchval("SELECT starter_key FROM buddy_rounds"))
    spanish, portuguese, english = (starter(harness, c, key) for c in ("es", "pt_BR", "en"))
    assert len({spanish, portuguese, english}) == 3  # the deck is adapted in each language
    for name in ("ana", "eva"):
        intro = last(harness, name, "Ronda 1 de compañeros de charla")
        assert "En esta ronda se juntan: @Ana y @Eva." in intro.text
        assert f"Para romper el hielo: {spanish}" in intro.text
        assert "Salúdense y busquen un ratito antes del dom, 8 mar" in intro.text
    for name in ("bia", "caio"):
        intro = last(harness, name, "Rodada 1 dos parceiros de conversa")
        assert "Nesta rodada, se juntam: @Bia e @Caio." in intro.text
        assert f"Para quebrar o gelo: {portuguese}" in intro.text
    for name in ("ed", "fay"):
        intro = last(harness, name, "👋 Buddy round 1")
        assert f"Conversation starter: {english}" in intro.text

    await harness.advance(timedelta(days=3))  # Thursday: the nudge, with the starter again
    assert spanish in last(harness, "ana", "🌱 Mitad de la ronda 1").text
    assert portuguese in last(harness, "caio", "🌱 Metade da rodada 1").text
    assert english in last(harness, "fay", "🌱 Halfway through buddy round 1").text

    await harness.advance(timedelta(days=3))  # Sunday: did you connect?
    asked = last(harness, "eva", "🤝 Ronda 1: ¿pudieron hablar?")
    assert [c.label for c in asked.message.choices] == [
        "🤝 Nos vimos",
        "⏳ Todavía no",
        "🙏 Esta vez no pudimos",
    ]
    perguntado = last(harness, "bia", "🤝 Rodada 1: vocês conseguiram conversar?")
    assert perguntado.message.choices[0].label == "🤝 A gente se encontrou"
    assert last(harness, "ed", "did you connect?").message.choices[0].label == "🤝 We met"
    # Each answer is replied to in the language of whoever taps it.
    met = reply_text(await harness.click("eva", asked.choice("met"), locale="es-419"))
    assert met.startswith("¡Qué bien, gracias por hacerse un tiempo!")
    again = reply_text(await harness.click("eva", asked.choice("notyet"), locale="es-419"))
    assert again.startswith("Cambié tu respuesta a «⏳ Todavía no».")
    ok = reply_text(await harness.click("bia", perguntado.choice("couldnt"), locale="pt-BR"))
    assert ok.startswith("Obrigado por avisar.")
    status = reply_text(await harness.say("eva", "/buddy status", locale="es-419"))
    assert "Tu grupo (ronda 1, desde el lun, 2 mar): @Ana." in status
    assert f"Para romper el hielo: {spanish}" in status
    assert "Tu respuesta a «¿pudieron hablar?»: ⏳ Todavía no." in status


async def test_a_mixed_group_reads_the_community_language(harness: Harness) -> None:
    """One message for a group whose members read different languages: the community's."""
    await harness.say("ada", SETUP)
    await join_all(harness, {"ana": "es-ES", "bia": "pt-BR"})
    await harness.advance(timedelta(hours=4))
    assert "👋 Buddy round 1" in last(harness, "ana", "Buddy round 1").text
    assert "@Ana and @Bia" in last(harness, "bia", "Buddy round 1").text
    # The admins make Spanish the community's language: the next mixed group reads Spanish.
    await harness.say("ada", "/kith setup language es")
    await harness.advance(timedelta(weeks=1))
    assert "@Ana y @Bia" in last(harness, "bia", "Ronda 2 de compañeros de charla").text


async def test_reminders_left_out_notes_and_the_stay_question_in_each_language(
    harness: Harness,
) -> None:
    await harness.say("ada", SETUP + " remind:1d")
    await join_all(harness, {"ana": "es-ES", "bia": "pt-BR", "ed": None})
    await harness.advance(timedelta(hours=4))  # round 1: three people, one group of three
    await harness.advance(timedelta(days=6))  # Sunday 10:00, the day before round 2
    ana = last(harness, "ana", "⏰ La ronda 2 empieza mañana (lun, 9 mar)")
    assert [c.label for c in ana.message.choices] == ["👍 Cuenta conmigo", "⏭️ Me salto esta"]
    bia = last(harness, "bia", "⏰ A rodada 2 começa amanhã (seg., 9 de mar.)")
    assert [c.label for c in bia.message.choices] == ["👍 Pode contar comigo", "⏭️ Pular esta"]
    assert "⏰ Buddy round 2 starts tomorrow (Mon 09 Mar)" in last(harness, "ed", "⏰").text
    skipped = reply_text(await harness.click("bia", bia.choice("skip"), locale="pt-BR"))
    assert skipped.startswith("Beleza: você fica de fora desta rodada")
    await harness.say("ed", "/buddy skip")
    await harness.advance(timedelta(days=1))  # round 2: Ana alone in the pool
    assert "Por ahora eres la única persona en la lista" in harness.chat.to("@ana")[-1].text


async def test_the_quiet_are_asked_in_their_language(harness: Harness) -> None:
    await harness.say("ada", SETUP)
    await join_all(harness, {"ana": "es-ES", "bia": "pt-BR"})
    await harness.advance(timedelta(weeks=4, hours=4))  # four rounds nobody answers
    ana = last(harness, "ana", "Compañeros de charla: ¿sigues con ganas?")
    assert [c.label for c in ana.message.choices] == [
        "🙂 Sigo dentro",
        "⏸️ Pausa de 4 semanas",
        "👋 Salir por ahora",
    ]
    bia = last(harness, "bia", "Parceiros de conversa: ainda topa?")
    paused = reply_text(await harness.click("bia", bia.choice("pause"), locale="pt-BR"))
    assert paused.startswith("Em pausa até ")
    assert "Aproveite o descanso" in paused


async def test_member_commands_answer_in_the_member_language(harness: Harness) -> None:
    await harness.say("ada", SETUP)
    joined = reply_text(await harness.say("ana", "/buddy join", locale="es-ES"))
    assert joined.startswith("¡Ya estás en la lista! 🎉")
    assert "cada semana, los lunes a las 09:00 (Europe/London), grupos de 2" in joined
    assert "Próxima ronda:" in joined
    entrou = reply_text(await harness.say("bia", "/buddy join", locale="pt-BR"))
    assert entrou.startswith("Você entrou na lista! 🎉")
    assert "toda semana, segunda-feira, às 09:00 (Europe/London)" in entrou
    pausa = reply_text(await harness.say("ana", "/buddy pause until:2026-04-20", locale="es-ES"))
    assert pausa.startswith("En pausa hasta el lun, 20 abr 2026:")
    assert "Tu primera ronda de vuelta: lun, 20 abr 09:00 BST." in pausa
    await harness.refuses(
        "ana",
        {
            "/buddy avoid": "¿Con quién? Menciona a la persona: /buddy avoid @nombre.",
            "/buddy avoid @ana": "¡Esa persona eres tú! Nunca te emparejo contigo.",
            "/buddy unavoid @bia": "@Bia no está en tu lista de «no emparejar», así que no cambió",
            "/buddy pause until:2026-03-01": "Esa fecha ya llegó.",
        },
    )
    avoided = reply_text(await harness.say("bia", "/buddy avoid @ana", locale="pt-BR"))
    assert avoided.startswith("Pronto: você não vai ficar no mesmo grupo que @Ana.")
    assert "Parceiros de conversa" in reply_text(
        await harness.say("bia", "/buddy status", locale="pt-BR")
    )


async def test_setup_status_and_stats_for_an_admin_reading_spanish(harness: Harness) -> None:
    harness.admins.add("rosa")
    done = reply_text(await harness.say("rosa", SETUP + " size:3", locale="es-ES"))
    assert done.startswith("Listo: los compañeros de charla quedan configurados en")
    assert "sin repetir compañía en 6 rondas" in done
    refused = reply_text(await harness.say("rosa", "/kith setup buddies size:9", locale="es-ES"))
    assert refused == "size: es cuántas personas hay por grupo: 2, 3 o 4. No cambió nada."
    await join_all(harness)
    await harness.advance(timedelta(weeks=1, hours=4))
    status = reply_text(await harness.say("rosa", "/kith status", locale="es-ES"))
    assert "Lista: 6 personas." in status
    assert "Última ronda: 2 (lun, 9 mar): 2 grupos, 6 personas emparejadas." in status
    assert "Próxima ronda: lun, 16 mar 09:00 GMT." in status
    stats = reply_text(await harness.say("rosa", "/kith stats", locale="es-ES"))
    assert "Rondas: 2 · grupos: 4 · personas emparejadas: 12" in stats
    assert "Ronda 1 (lun, 2 mar): 2 grupos · 6 personas emparejadas · respondieron 0 de 6" in stats
    pt = reply_text(await harness.say("rosa", "/kith stats", locale="pt-BR"))
    assert "Rodadas: 2 · grupos: 4 · pessoas em grupos: 12" in pt


# --- no English left --------------------------------------------------------------------------


def _english_fragments() -> list[str]:
    """The buddy texts' words between placeholders, long enough to be unmistakably English."""
    fragments: set[str] = set()
    for message in extract(ROOT)["buddies"]:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in ids:
            for literal, *_rest in string.Formatter().parse(text):
                for piece in re.split(r"/\S+|[“”()]", literal):
                    piece = piece.strip(" .,:;!?-")
                    if len(piece) >= 14 and not re.fullmatch(r"[\W\d]+", piece):
                        fragments.add(piece)
    return sorted(fragments)


def _everything_said(h: Harness, replies: list[str]) -> list[str]:
    sent = [s.text for s in h.chat.sent if s.private]
    labels = [c.label for s in h.chat.sent for c in s.message.choices]
    return [*replies, *sent, *labels]


@pytest.mark.parametrize("locale", ["es-ES", "pt-BR"])
async def test_no_english_is_left_in_buddy_pairing(harness: Harness, locale: str) -> None:
    fragments = _english_fragments()
    assert len(fragments) > 100 and "Say hello and find a little time before" in fragments
    harness.admins.add("rosa")
    replies = []

    async def say(name: str, text: str) -> None:
        replies.append(reply_text(await harness.say(name, text, locale=locale)))

    await say("rosa", "/buddy status")
    await say("rosa", "/kith setup buddies")
    await say("rosa", SETUP + " remind:1d")
    await say("rosa", "/kith setup buddies")
    for name in ("ana", "bia", "cy", "di", "ed"):
        await say(name, "/buddy join")
    await say("ana", "/buddy avoid @bia")
    await say("ana", "/buddy skip")
    await say("ana", "/buddy skip")
    await say("ana", "/buddy resume")
    await say("bia", "/buddy pause until:2026-03-20")
    await say("bia", "/buddy status")
    await say("bia", "/buddy resume")
    await say("ana", "/buddy unavoid @bia")
    await say("rosa", "/buddy")  # the commands listed, with their summaries
    for bad in ("every:9w", "day:xyz", "window:99", "timezones:maybe", "remind:2d", "time:25:00"):
        await say("rosa", f"/kith setup buddies {bad}")
    await harness.advance(timedelta(hours=4))
    await harness.advance(timedelta(days=6))  # nudge, follow-up and the next reminder
    for name in ("ana", "bia", "cy", "di", "ed"):
        for sent in harness.chat.to(f"@{name}"):
            for choice in sent.message.choices:
                replies.append(reply_text(await harness.click(name, choice.id, locale=locale)))
        await say(name, "/buddy status")
    await say("rosa", "/kith status")
    await say("rosa", "/kith stats")
    await say("cy", "/buddy leave")
    said = _everything_said(harness, replies)
    left = sorted({f for f in fragments for text in said if f in text})
    assert not left, f"English left in {locale}: {left}"
    assert any("cy" in s.lower() for s in said)


def test_button_words_and_replies_are_all_marked() -> None:
    """Every button's words are catalogue texts (they are shown with ``_()``)."""
    with use_language("es"):
        from bot.i18n import _

        for table in (followup.ANSWERS, followup.REPLIES, reminders.CHOICES):
            for word in table.values():
                assert _(word) != word, word
        for _value, word in intros.STAY_CHOICES:
            assert _(word) != word, word


async def test_languages_are_looked_up_once_per_batch_not_per_member(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A round of any size asks the store for its members' languages a fixed number of times."""
    from bot import community

    calls: list[int] = []

    async def counted(db: object, community_key: str, user_keys: list[str]) -> dict[str, str]:
        calls.append(len(user_keys))
        return await community.member_languages(db, community_key, user_keys)  # type: ignore[arg-type]

    for module in (intros, followup, reminders):
        monkeypatch.setattr(module, "member_languages", counted)
    await harness.say("ada", SETUP + " remind:1d")
    members = {f"m{i}": ("es-ES" if i % 2 else "pt-BR") for i in range(24)}
    await join_all(harness, members)  # type: ignore[arg-type]
    await harness.advance(timedelta(hours=4))
    # The round: the quiet (none), the left out (none) and all 12 groups' members at once.
    assert calls == [0, 0, 24]
    calls.clear()
    await harness.advance(timedelta(days=6, hours=1))  # nudge, follow-up, next reminder
    assert calls == [24, 24, 24]
    # Everyone had their intro, nudge, follow-up and reminder all the same.
    assert all(len(harness.chat.to(f"@{name}")) == 4 for name in members)


async def test_the_digest_line_is_in_the_community_language(harness: Harness) -> None:
    """The weekly kindness digest is a channel post: its buddy line reads the community's."""
    await harness.say("ada", "/kith setup language pt-BR")
    await harness.say("ada", SETUP)
    await harness.say("ada", "/kith setup kindness channel:#kindness digest:on tz:UTC")
    names = ["ana", "bo", "cy", "di", "ed", "fa"]
    await join_all(harness, {name: "es-ES" if name == "ana" else None for name in names})
    await harness.advance(timedelta(days=6, hours=4))  # Sunday 10:00: the follow-up came
    for name in names[:5]:
        asked = harness.chat.to(f"@{name}")[-1]
        await harness.click(name, asked.choice("met"))
    await harness.advance_to(harness.clock.now().replace(day=13, hour=16, minute=1))
    [line] = [
        line
        for post in harness.chat.to("#kindness")
        for line in post.text.splitlines()
        if line.startswith("🤝")
    ]
    assert line.startswith("🤝 Rodada 1 dos parceiros de conversa: se encontraram em ")
