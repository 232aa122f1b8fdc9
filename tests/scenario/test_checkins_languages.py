"""Check-ins in Spanish and Brazilian Portuguese: a community whose posts are in Spanish, with a
member whose app speaks Portuguese. The channel's words are the community's; what each member
reads privately (answers, the reflection form, their own check-ins) is theirs."""

from __future__ import annotations

import string
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n.messages import extract, po_path
from bot.prompts import load_catalogue
from tests.fakes import Harness, Sent, reply_text

ROOT = Path(__file__).resolve().parents[2]
SETUP = "/kith setup checkin channel:#general time:09:00 days:mon-fri tz:Europe/Madrid"
PT = {"locale": "pt-BR"}


async def spanish_community(h: Harness) -> None:
    """Ada runs a Spanish-speaking server (her app is in Spanish) and sets check-ins up."""
    await h.say("ada", "/kith setup language:es", locale="es-ES")
    done = reply_text(await h.say("ada", SETUP, locale="es-ES"))
    assert done.startswith("Check-ins diarios listos: #general a las 09:00"), done


def prompt_key(post: Sent) -> str:
    """The stored prompt of a post, found by its words in the community's language."""
    deck = load_catalogue()
    found = [p.key for p in deck.checkins if deck.texts["es"][p.key] in post.text]
    assert len(found) == 1, post.text
    return found[0]


async def test_the_post_is_in_spanish_and_her_private_answers_in_portuguese(
    harness: Harness,
) -> None:
    harness.chat.capabilities = type(harness.chat.capabilities)(modals=True)
    await spanish_community(harness)
    await harness.advance(timedelta(hours=4))
    [post] = harness.chat.to("#general")
    assert post.text.startswith("☀️ Check-in diario\n")
    assert "¿Cómo estás hoy? Toca un estado de ánimo del 1 (difícil) al 5 (genial)." in post.text
    assert [c.label for c in post.message.choices][-1] == "✍️ Reflexionar"
    key = prompt_key(post)
    deck = load_catalogue()

    mood = await harness.click("bia", post.choice("4"), **PT)
    assert mood.private
    assert reply_text(mood).startswith("Obrigado por contar como você está 🙂 (4/5). Só você")
    again = reply_text(await harness.click("bia", post.choice("4"), **PT))
    assert again == "Você já respondeu 🙂 (4/5) hoje; está anotado."
    changed = reply_text(await harness.click("bia", post.choice("5"), **PT))
    assert changed.startswith("Mudei sua resposta para 😄 (5/5).")

    # The reflection form shows the prompt in her language, not the channel's.
    opened = await harness.click("bia", post.choice("reflect"), **PT)
    assert opened.form is not None
    assert opened.form.title == "Reflita em particular"
    assert opened.form.fields[0].label == "O que está passando pela sua cabeça?"
    assert opened.form.fields[0].placeholder == "Uma ou duas linhas já bastam."
    assert opened.form.intro == deck.texts["pt_BR"][key]
    empty = reply_text(await harness.submit("bia", opened.form.id, {"text": " "}, **PT))
    assert empty == "Sua reflexão estava vazia, então nada foi salvo."
    saved = await harness.submit("bia", opened.form.id, {"text": "Dia corrido, mas bom."}, **PT)
    assert reply_text(saved).startswith("Salvo, em particular.")
    assert saved.message is not None
    labels = {c.value: c.label for c in saved.message.choices}
    assert labels == {
        "keep": "Manter em particular",
        "named": "Compartilhar com meu nome",
        "anon": "Compartilhar anonimamente",
    }
    named = next(c.id for c in saved.message.choices if c.value == "named")
    refused = reply_text(await harness.click("cy", named, locale="es-419"))
    assert refused == "Solo quien escribió una reflexión puede compartirla."
    shared = reply_text(await harness.click("bia", named, **PT))
    assert shared == "Compartilhada no tópico do check-in. Obrigado por se abrir. 💛"
    # The reflection is posted for everyone in the thread: in the community's Spanish.
    [thread] = [s for s in harness.chat.to("#general") if s.thread == post.id]
    assert thread.text == "💬 Bia compartió una reflexión:\nDia corrido, mas bom."
    assert reply_text(await harness.click("bia", named, **PT)) == (
        "Essa reflexão já foi compartilhada."
    )

    # /checkin gives her today's post again, privately, in Portuguese with the same prompt.
    own = await harness.say("bia", "/checkin", **PT)
    assert own.message is not None and own.message.choices[0].id == post.choice("1")
    assert deck.texts["pt_BR"][key] in reply_text(own)
    assert "Sua resposta fica só com você" in reply_text(own)
    assert [c.label for c in own.message.choices][-1] == "✍️ Refletir"


async def test_stats_and_status_read_in_the_admins_language(harness: Harness) -> None:
    await spanish_community(harness)
    await harness.advance(timedelta(hours=4))
    [post] = harness.chat.to("#general")
    for name, mood in [("a1", 4), ("a2", 5), ("a3", 3), ("a4", 4), ("a5", 4)]:
        await harness.click(name, post.choice(str(mood)))
    stats = reply_text(await harness.say("ada", "/kith stats window:7d", locale="es-ES"))
    assert "Check-ins, últimos 7 días" in stats
    assert "Publicaciones: 1 · respuestas: 5 de 5 miembros · 5,0 respuestas por" in stats
    assert "Ánimo general: 4,0/5 de 5 respuestas" in stats
    assert "Semana del 2 mar: 4,0/5 de 5 respuestas" in stats
    assert "Respuestas por día: " in stats and "Ánimo por semana: " in stats
    # The same figures for an admin whose app is in Portuguese.
    harness.admins.add("bea")
    stats_pt = reply_text(await harness.say("bea", "/kith stats window:7d", **PT))
    assert "Humor geral: 4,0/5 de 5 respostas" in stats_pt
    assert "Semana de 2 de mar.: 4,0/5 de 5 respostas" in stats_pt
    await harness.say("bo", "/checkin daily time:07:00", **PT)
    status = reply_text(await harness.say("ada", "/kith status", locale="es-ES"))
    assert "Check-ins personales: 1 miembro usa su propia hora." in status


async def test_personal_checkins_come_in_each_members_language(harness: Harness) -> None:
    await spanish_community(harness)
    set_pt = reply_text(await harness.say("bia", "/checkin daily time:07:00 remind:on", **PT))
    assert set_pt.startswith("Seu check-in está pronto: 07:00")
    assert "com um lembrete gentil 3 horas depois" in set_pt
    set_es = reply_text(await harness.say("carlos", "/checkin daily time:07:00", locale="es-MX"))
    assert set_es.startswith("Tu check-in propio está listo: 07:00")
    assert "sin recordatorios" in set_es
    # Dee's app is unknown and she chose English herself.
    await harness.say("dee", "/kith language en")
    await harness.say("dee", "/checkin daily time:07:00")
    await harness.advance(timedelta(hours=1, minutes=5))  # 07:05 in Madrid
    dms = {s.to.rsplit(":", 1)[1]: s for s in harness.chat.sent if s.private}
    assert set(dms) == {"bia", "carlos", "dee"}
    deck = load_catalogue()
    bia, carlos, dee = dms["bia"].text, dms["carlos"].text, dms["dee"].text
    assert bia.startswith("☀️ Check-in diário\n") and "Como você está hoje?" in bia
    assert "Seu check-in, 07:00" in bia
    assert carlos.startswith("☀️ Check-in diario\n") and "¿Cómo estás hoy?" in carlos
    assert "Tu check-in propio, 07:00" in carlos
    assert dee.startswith("☀️ Daily check-in\n") and "Your own check-in, 07:00" in dee
    # Each prompt in its reader's words.
    texts = {lang: deck.texts.get(lang, {}) for lang in ("es", "pt_BR")}
    assert any(t in bia for t in texts["pt_BR"].values())
    assert any(t in carlos for t in texts["es"].values())
    assert any(p.text in dee for p in deck.checkins)
    # Bia left hers unanswered: her one reminder is in Portuguese too.
    await harness.advance(timedelta(hours=3))
    nudges = [s for s in harness.chat.sent if s.private and "🌱" in s.text]
    assert [n.to for n in nudges] == ["test:c1:bia"]
    assert nudges[0].text.startswith("🌱 Um lembrete gentil\nVocê pediu um lembrete")
    assert "/checkin daily remind:off desliga este lembrete." in nudges[0].text
    # Her answer to the DM, in Portuguese.
    answer = reply_text(await harness.click("bia", dms["bia"].choice("3"), **PT))
    assert answer.startswith("Obrigado por contar como você está 😐 (3/5).")


def english_fragments(code: str) -> list[str]:
    """Each literal stretch (12+ characters) of every check-ins text, where the translation
    does not keep it (command words such as ``/checkin daily remind:off`` stay English)."""
    template = extract(ROOT)["checkins"]
    with po_path(ROOT, code, "checkins").open("rb") as handle:
        catalogue = read_po(handle, locale=code)
    fragments: set[str] = set()
    for message in template:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        found = catalogue.get(ids[0], context=message.context)
        translated = " ".join(found.string if isinstance(found.string, tuple) else [found.string])
        for ident in ids:
            for literal, *_rest in string.Formatter().parse(ident):
                piece = literal.strip()
                if len(piece) >= 12 and piece not in translated:
                    fragments.add(piece)
    return sorted(fragments)


@pytest.mark.parametrize(("locale", "code"), [("es-ES", "es"), ("pt-BR", "pt_BR")])
async def test_no_english_left_in_checkins(harness: Harness, locale: str, code: str) -> None:
    harness.admins.add("mod")
    seen: list[str] = []

    async def say(text: str, who: str = "mod") -> None:
        seen.append(reply_text(await harness.say(who, text, locale=locale)))

    async def click(choice: str, who: str = "mod") -> str:
        reply = await harness.click(who, choice, locale=locale)
        seen.append(reply_text(reply))
        return reply_text(reply)

    await harness.say("mod", f"/kith setup language:{code}", locale=locale)
    for command in (
        "/checkin",
        "/checkin daily",
        "/kith setup checkin",
        SETUP + " grace:20",
        "/kith setup checkin personal:maybe",
        "/kith setup checkin time:25:00",
        "/kith prompts add short",
        "/kith prompts add What is one small win from this week?",
        "/kith prompts add What is one small win from this week?",
        "/kith prompts add " + load_catalogue().checkins[0].text,
        "/kith prompts list",
        "/kith prompts remove x",
        "/kith prompts remove 99",
        "/kith prompts remove 1",
        "/checkin",
        "/checkin resume",
        "/checkin off",
        "/checkin daily days:daily",
        "/checkin daily time:07:00 remind:maybe",
        "/checkin daily time:07:00 remind:on",
        "/checkin daily time:07:30 remind:off",
        "/checkin pause until:2026-03-01",
        "/checkin pause until:2028-03-01",
        "/checkin pause until:2026-03-10",
        "/checkin resume",
        "/checkin resume",
    ):
        await say(command)
    await harness.advance(timedelta(hours=4))
    posts = [s for s in harness.chat.sent if not s.private]
    seen.extend(s.text for s in harness.chat.sent)
    post = posts[-1]
    await click(post.choice("2"))
    await click(post.choice("2"))
    await click(post.choice("3"))
    await click(post.choice("reflect"))
    saved = await harness.say("mod", "a calm morning", locale=locale)
    seen.append(reply_text(saved))
    assert saved.message is not None
    for choice in saved.message.choices:
        seen.append(choice.label)
    anon = next(c.id for c in saved.message.choices if c.value == "anon")
    await click(anon, "zed")
    await click(anon)
    await click(anon)
    await click(post.choice("reflect"))
    again = await harness.say("mod", "one more", locale=locale)
    assert again.message is not None
    await click(next(c.id for c in again.message.choices if c.value == "keep"))
    await harness.advance(timedelta(days=8))
    await click(post.choice("1"))
    await say("/kith stats")
    await say("/kith stats window:90d")
    await say("/checkin off")
    seen.extend(s.text for s in harness.chat.sent)
    seen.extend(c.label for s in harness.chat.sent for c in s.message.choices)
    output = "\n".join(seen)
    english = [f for f in english_fragments(code) if f in output]
    assert not english, english
    deck = load_catalogue()
    left = [p.text for p in deck.checkins if p.text in output]
    left += [title for title in deck.themes.values() if title in output]
    assert not left, left
    assert deck.theme_titles[code]["gratitude"] in output  # /kith prompts list's themes
