"""Care in the member's language, alerts in the community's: a Spanish and a Brazilian member
in crisis, asking for a person, the care buttons and the safety settings in Spanish and
Portuguese, the language a member reads beating the language a message happened to be in, and
care that still goes out (in English) when a translation is broken."""

from __future__ import annotations

import gettext
import logging
from datetime import timedelta
from pathlib import Path

import pytest

from bot.i18n import translate
from bot.i18n.messages import extract
from bot.ports import DeliveryError
from bot.safety.resources import regions
from tests.fakes import Harness, reply_text

ALERTS = "/kith setup safety alerts:#mods"


async def test_a_mexican_member_gets_care_in_spanish_and_mexicos_lines(harness: Harness) -> None:
    await harness.say("ada", ALERTS)
    await harness.say("ana", "ya no puedo más, quiero morirme", locale="es-MX")
    [care] = harness.chat.to("@ana")
    assert care.text.startswith("💛 Lo que escribiste suena muy duro")
    assert "No tienes que cargar con esto a solas." in care.text
    assert "llama al 911" in care.text  # Mexico's emergency number, from her locale
    assert "(https://www.gob.mx/salud/conasama): llama al 800 911 2000" in care.text
    assert "findahelpline.com" in care.text  # the directory beside the country's lines
    assert "Kith es un compañero de apoyo entre pares, no un servicio de crisis." in care.text
    assert [c.label for c in care.message.choices] == ["Esto no es lo que necesito", "Falsa alarma"]
    # The moderators' channel reads the community's language (English here), and is told which
    # language she wrote in and was written to in, so that whoever reaches out can match it.
    [alert] = harness.chat.to("#mods")
    assert alert.text.startswith("🛟 Kith noticed that @Ana may be struggling")
    assert "What they wrote was in Spanish." in alert.text
    assert "Kith wrote to them in Spanish, the language they use Kith in." in alert.text


async def test_a_brazilian_member_gets_care_in_portuguese_and_the_alert_in_spanish(
    harness: Harness,
) -> None:
    await harness.say("ada", ALERTS)
    await harness.say("ada", "/kith setup safety quote:on")
    await harness.say("ada", "/kith setup language es")
    await harness.say("bia", "não aguento mais, quero morrer", locale="pt-BR")
    [care] = harness.chat.to("@bia")
    assert care.text.startswith("💛 O que você escreveu pareceu bem pesado")
    assert "ligue para o 192 (SAMU)" in care.text
    assert "Centro de Valorização da Vida (https://cvv.org.br): ligue para o 188" in care.text
    assert [c.label for c in care.message.choices] == ["Não é disso que eu preciso", "Alarme falso"]
    [alert] = harness.chat.to("#mods")
    assert alert.text.startswith(
        "🛟 Kith notó, en un mensaje privado a Kith, que @Bia podría estar pasando por un mal"
    )
    assert "Se le enviaron recursos de apoyo en privado." in alert.text
    assert "Lo que escribió estaba en portugués." in alert.text
    assert "Kith le escribió en portugués (Brasil)" in alert.text
    assert "Escribió: «não aguento mais, quero morrer»" in alert.text  # her words, as written


async def test_two_members_two_languages_one_community(harness: Harness) -> None:
    await harness.say("ada", ALERTS)
    await harness.say("ana", "me quiero matar", locale="es-ES")
    await harness.say("bia", "eu quero me matar", locale="pt-BR")
    [ana] = harness.chat.to("@ana")
    [bia] = harness.chat.to("@bia")
    assert "Línea 024" in ana.text and "llama al 024" in ana.text  # Spain, from es-ES
    assert "CVV" in bia.text and "ligue para o 188" in bia.text  # Brazil, from pt-BR
    alerts = [a.text for a in harness.chat.to("#mods")]
    assert all(a.startswith("🛟 Kith noticed that") for a in alerts)
    assert "may be at risk" in alerts[0] and "may be at risk" in alerts[1]


async def test_the_members_language_not_the_messages_decides_the_care(harness: Harness) -> None:
    """Every text is screened in every shipped language; care follows the language the member
    reads Kith in (a wrong guess from one short message could hand them text they can't follow)."""
    await harness.say("ada", ALERTS)
    await harness.say("dee", "quiero morirme", locale="en-US")
    [care] = harness.chat.to("@dee")
    assert care.text.startswith("💛 What you wrote sounded heavy")
    assert "What they wrote was in Spanish." in harness.chat.to("#mods")[0].text
    assert "Kith wrote to them" not in harness.chat.to("#mods")[0].text  # English, as here
    await harness.say("bia", "honestly I want to die", locale="pt-BR")
    [care] = harness.chat.to("@bia")
    assert care.text.startswith("💛 O que você escreveu pareceu bem pesado")
    alert = harness.chat.to("#mods")[1].text
    assert "What they wrote was in" not in alert  # English words, an English channel
    assert "Kith wrote to them in Portuguese (Brazil)" in alert
    # Words two languages share are named as both.
    await harness.say("cy", "me mato", locale="en-GB")
    assert "What they wrote was in Spanish or Portuguese." in harness.chat.to("#mods")[2].text


async def test_the_country_follows_her_zone_then_her_locale_then_her_chosen_language(
    harness: Harness,
) -> None:
    await harness.say("ana", "/kith timezone Europe/Madrid", locale="es-MX")
    await harness.say("ana", "quiero morirme", locale="es-MX")
    assert "llama al 024" in harness.chat.to("@ana")[0].text  # she lives in Spain
    await harness.say("bia", "/kith language pt-BR")  # no app language, a chosen one
    await harness.say("bia", "quero morrer")
    assert "ligue para o 188" in harness.chat.to("@bia")[0].text
    await harness.say("cy", "quiero morirme", locale="es-419")  # Latin America: no one country
    care = harness.chat.to("@cy")[0].text
    assert "llama al número de emergencias de tu país" in care and "findahelpline" in care


async def test_care_that_cannot_be_sent_privately_is_shown_in_her_language(
    harness: Harness,
) -> None:
    await harness.say("ada", ALERTS)
    await harness.say("ada", "/kith setup language pt-BR")
    harness.chat.fail_next.append(DeliveryError("cannot send to this user", permanent=True))
    reply = await harness.say("ana", "/kith nope quiero morirme", locale="es-MX")
    assert reply.private
    text = reply_text(reply)
    assert text.startswith("💛 Lo que escribiste suena muy duro")  # her care, where she wrote
    assert "No conozco el comando /kith nope" in text  # and the answer to what she did
    assert harness.chat.to("@ana") == []
    [alert] = harness.chat.to("#mods")  # the moderators hear the truth, in their language
    assert "O Kith não conseguiu falar com a pessoa em particular" in alert.text
    assert "em um comando que enviou ao Kith" in alert.text


async def test_worry_for_a_friend_in_spanish_and_portuguese(harness: Harness) -> None:
    await harness.say("ada", ALERTS)
    await harness.say("ana", "mi amiga dice que se quiere morir", locale="es-MX")
    [care] = harness.chat.to("@ana")
    assert care.text.startswith("💛 Parece que te preocupa alguien.")
    assert "preguntarlo no le mete la idea en la cabeza" in care.text
    assert "llama al 911" in care.text and "800 911 2000" in care.text
    await harness.say("bia", "minha amiga disse que quer morrer", locale="pt-BR")
    [care] = harness.chat.to("@bia")
    assert care.text.startswith("💛 Parece que alguém está te preocupando.")
    assert "perguntar não coloca a ideia na cabeça dela" in care.text
    assert harness.chat.to("#mods") == []  # worry for someone else names nobody


async def test_a_follow_up_and_a_repeat_in_spanish(harness: Harness) -> None:
    await harness.say("ada", ALERTS)
    await harness.say("ada", "/kith setup language es")
    await harness.say("ana", "quiero morirme", locale="es-AR")
    await harness.advance(timedelta(hours=2))
    await harness.say("ana", "me quiero matar esta noche, tengo un plan", locale="es-AR")
    followup = harness.chat.to("@ana")[-1]
    assert len(harness.chat.to("@ana")) == 2
    assert followup.text.startswith("💛 Sigo aquí, y lo que acabas de escribir me preocupa.")
    assert "Centro de Asistencia al Suicida" in followup.text  # Argentina
    assert "llama al 135 (Ciudad de Buenos Aires" in followup.text
    repeat = harness.chat.to("#mods")[-1].text
    assert repeat.startswith("🛟 Se repite: @Ana otra vez, en un mensaje privado a Kith")
    assert "(la 2.ª vez en 24 horas)" in repeat
    assert "Kith le envió en privado un breve mensaje de seguimiento." in repeat
    await harness.say("ana", "me voy a matar esta noche, tengo un plan", locale="es-AR")
    note = harness.chat.to("#mods")[-1].text
    assert "la 3.ª vez en 24 horas" in note and "para no agobiarle" in note
    assert len(harness.chat.to("@ana")) == 2


async def test_the_care_buttons_and_asking_for_a_person_in_spanish(harness: Harness) -> None:
    await harness.say("ada", ALERTS)
    await harness.say("ana", "quiero morirme", locale="es-ES")
    care = harness.chat.to("@ana")[0]
    gentle = await harness.click("ana", care.choice("notneeded"), locale="es-ES")
    assert reply_text(gentle).startswith("Gracias por decírmelo, y perdona si no di en el clavo.")
    assert gentle.message is not None
    [ask] = gentle.message.choices
    assert ask.label == "Quiero hablar con alguien"
    asked = reply_text(await harness.click("ana", ask.id, locale="es-ES"))
    assert asked.startswith("💛 Les avisé en privado a los moderadores de esta comunidad")
    # What the moderators see, quoted as they got it: in the community's language.
    alert = harness.chat.to("#mods")[-1].text
    assert alert.startswith("🙋 @Ana would like someone to reach out to them")
    assert "They use Kith in Spanish." in alert
    assert "@Ana would like someone to reach out" in asked
    assert "No se compartió nada más de lo que le escribiste a Kith." in asked
    assert "Si necesitas a alguien ahora mismo: si estás en peligro, llama al 112" in asked
    await harness.say("bea", "quiero morirme", locale="es-ES")
    quiet = await harness.click("bea", harness.chat.to("@bea")[0].choice("false"), locale="es-ES")
    assert reply_text(quiet).startswith("Gracias por decírmelo, y perdona la preocupación.")
    refused = reply_text(await harness.click("bea", care.choice("false"), locale="es-ES"))
    assert refused == "Solo puede responderlo la persona a quien iba dirigido."


async def test_kith_support_in_portuguese(harness: Harness) -> None:
    alone = reply_text(await harness.say("bia", "/kith support", locale="pt-BR"))
    assert alone.startswith("Esta comunidade não configurou um canal privado de moderação")
    assert "ligue para o 188" in alone  # Brazil, from her locale
    await harness.say("ada", ALERTS)
    sent = reply_text(await harness.say("bia", "/kith support", locale="pt-BR"))
    assert sent.startswith("💛 Avisei os moderadores desta comunidade, em particular")
    assert "They use Kith in Portuguese (Brazil)." in harness.chat.to("#mods")[-1].text
    again = reply_text(await harness.say("bia", "/kith support", locale="pt-BR"))
    assert again.startswith("Já avisei os moderadores, na última hora")


async def test_the_safety_settings_in_spanish_and_portuguese(harness: Harness) -> None:
    harness.admins.add("ada")
    shown = reply_text(await harness.say("ada", "/kith setup safety", locale="es-ES"))
    assert shown.startswith("Las alertas de crisis están desactivadas. Recursos: se eligen")
    assert "Las alertas no citan las palabras del miembro." in shown
    saved = reply_text(await harness.say("ada", "/kith setup safety alerts:#mods", locale="pt-BR"))
    assert saved.startswith("Configurações de segurança salvas.")
    shown = reply_text(await harness.say("ada", "/kith setup safety", locale="pt-BR"))
    assert shown.startswith("Os alertas de crise vão para: #mods.")
    await harness.refuses(
        "ada",
        {
            "/kith setup safety quote:maybe": "quote: is on or off",  # no locale: English
        },
    )
    wrong = reply_text(await harness.say("ada", "/kith setup safety quote:maybe", locale="es-ES"))
    assert wrong == "quote: es on u off. No se cambió nada."
    empty = reply_text(await harness.say("ada", "/kith safety phrases", locale="es-ES"))
    assert empty.startswith("Esta comunidad aún no tiene frases propias")
    added = reply_text(
        await harness.say("ada", "/kith safety phrases add quiero desaparecer", locale="es-ES")
    )
    assert added == "Añadida: «quiero desaparecer»."
    listed = reply_text(await harness.say("ada", "/kith safety phrases list", locale="pt-BR"))
    assert listed.startswith("Frases próprias desta comunidade (além da lista mantida): quiero")
    again = reply_text(
        await harness.say("ada", "/kith safety phrases add quiero desaparecer", locale="pt-BR")
    )
    assert again == "Essa frase já está na lista."


def _english_safety_texts() -> list[str]:
    """Every English text of the safety domain and every English way to reach a line: none may
    reach a Spanish or Portuguese member (names and slash-command words apart)."""
    template = extract(Path(__file__).resolve().parents[2])["safety"]
    texts = []
    for message in template:
        ident = message.id[0] if isinstance(message.id, tuple) else message.id
        if not ident:
            continue
        # The stretch before the first placeholder, where it is long enough to be telling.
        head = ident.split("{", 1)[0].strip()
        if len(head) >= 12:
            texts.append(head)
    for region in regions().values():
        texts += [line.contact for line in region.lines]
    return texts


@pytest.mark.parametrize("locale", ["es-ES", "pt-BR"])
async def test_no_english_is_left_in_the_care_a_member_reads(harness: Harness, locale: str) -> None:
    harness.admins.add("ada")
    out: list[str] = []
    out.append(reply_text(await harness.say("ana", "/kith support", locale=locale)))
    out.append(reply_text(await harness.say("ada", "/kith setup safety", locale=locale)))
    out.append(reply_text(await harness.say("ada", ALERTS, locale=locale)))
    await harness.say("ana", "quiero morirme", locale=locale)
    await harness.advance(timedelta(hours=1))
    await harness.say("ana", "quiero morirme esta noche, tengo un plan", locale=locale)
    await harness.say("cy", "mi amigo dice que se quiere matar", locale=locale)
    await harness.say("di", "/kith timezone America/New_York", locale=locale)
    await harness.say("di", "quero morrer", locale=locale)  # the US lines, in her language
    await harness.say("ed", "/kith timezone Asia/Tokyo", locale=locale)
    await harness.say("ed", "quero morrer", locale=locale)  # the international directory
    care = harness.chat.to("@ana")[0]
    for value in ("notneeded", "false"):
        out.append(reply_text(await harness.click("ana", care.choice(value), locale=locale)))
    out.append(reply_text(await harness.say("ana", "/kith support", locale=locale)))
    out.append(reply_text(await harness.say("ada", "/kith safety phrases", locale=locale)))
    for sent in harness.chat.sent:
        if sent.private:
            out.append(sent.text)
            out += [c.label for c in sent.message.choices]
    # The moderators' alert quoted in the support answer is the community's (English): left out.
    quoted = {line for sent in harness.chat.to("#mods") for line in sent.text.splitlines()}
    everything = "\n".join(line for text in out for line in text.splitlines() if line not in quoted)
    left = [text for text in _english_safety_texts() if text in everything]
    assert not left, left
    assert len(harness.chat.to("@ana")) == 2 and len(harness.chat.to("@cy")) == 1


class _BrokenSpanish(gettext.NullTranslations):
    """A catalogue whose every translation names a placeholder the code never fills."""

    def gettext(self, message: str) -> str:
        return "{roto} " + message


async def test_a_broken_translation_never_stops_care(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    await harness.say("ada", ALERTS)
    await harness.say("ada", "/kith setup language es")
    real = translate.translations
    monkeypatch.setattr(
        translate, "translations", lambda code: _BrokenSpanish() if code == "es" else real(code)
    )
    with caplog.at_level(logging.ERROR, logger="kith.safety"):
        await harness.say("ana", "quiero morirme", locale="es-ES")
    [care] = harness.chat.to("@ana")
    assert care.text.startswith("💛 What you wrote sounded heavy")  # English, but there
    assert "{roto}" not in care.text and "Spain" not in care.text and "Línea 024" in care.text
    [alert] = harness.chat.to("#mods")  # the alert too, in English rather than not at all
    assert alert.text.startswith("🛟 Kith noticed that @Ana") and "{roto}" not in alert.text
    assert "safety_translation_failed" in caplog.text
