"""The commands every community has, in Spanish and Brazilian Portuguese: help, time zones,
status (with what went wrong, stored in one language and read in another), stats and the
export, pause and resume, admins, and a member's privacy, export and forget."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.charts.raster import available
from bot.i18n.messages import extract
from bot.ports import DeliveryError
from tests.fakes import Harness, reply_text
from tests.unit.test_translations import ROOT

ES, PT = "es-ES", "pt-BR"
SETUP = "/kith setup checkin channel:#general time:09:00 days:mon-fri tz:Europe/London"


async def test_help_in_spanish_and_portuguese(harness: Harness) -> None:
    es = reply_text(await harness.say("bo", "/kith help", locale=ES))
    assert es.startswith("Kith ayuda a que esta comunidad se sienta un poco menos sola:")
    assert "/kith timezone <Región/Ciudad> — ver o cambiar mi zona horaria" in es
    assert "/kith forget — borrar todos mis datos de aquí, tras confirmar" in es
    assert "no un servicio de terapia ni de crisis" in es
    assert "Para admins:" not in es  # bo is not an admin
    pt = reply_text(await harness.say("ada", "/kith help", locale=PT))
    assert pt.startswith("O Kith ajuda esta comunidade a se sentir um pouco menos sozinha:")
    assert "Para admins:" in pt
    assert "/kith pause <programa> — pausar um programa sem perder os dados" in pt
    assert "/kith stats export — um CSV de rodadas e números semanais" in pt
    # The intro's first clause stays bold in every language.
    reply = await harness.say("bo", "/kith help", locale=ES)
    assert reply.message is not None
    first = reply.message.paragraphs[0]
    assert (
        first[0].bold
        and first[0].text == "Kith ayuda a que esta comunidad se sienta un poco menos sola"
    )  # type: ignore[union-attr]


async def test_time_zones_in_each_language(harness: Harness) -> None:
    shown = reply_text(await harness.say("bo", "/kith timezone", locale=ES))
    assert shown.startswith("Tu zona horaria aquí es UTC. Cámbiala con /kith timezone")
    done = reply_text(await harness.say("bo", "/kith timezone Europe/Madrid", locale=ES))
    # 06:00 UTC on Monday 2 March is 07:00 in Madrid, written the Spanish way.
    assert done.startswith(
        "Listo: ahora tu zona horaria es Europe/Madrid (hora local: lun, 2 mar 07:00 CET)."
    ), done
    done = reply_text(await harness.say("bia", "/kith timezone America/Sao_Paulo", locale=PT))
    assert "(horário local: seg., 2 de mar. 03:00 -03)" in done, done
    await harness.refuses(
        "bia",
        {
            "/kith timezone Europe/Londn": "Não conheço o fuso horário “Europe/Londn”. "
            "Você quis dizer Europe/London, ",
        },
    )
    es = reply_text(await harness.say("bo", "/kith timezone Mars/Olympus", locale=ES))
    assert es == (
        "No conozco la zona horaria «Mars/Olympus». Usa un nombre IANA como Europe/Madrid o "
        "America/Mexico_City."
    )


async def test_bad_values_and_syntax_are_explained_in_the_members_language(
    harness: Harness,
) -> None:
    harness.admins.add("bia")
    cases = {
        "/kith setup checkin channel:#general time:9h": "«9h» no es una hora",
        "/kith setup checkin channel:#general time:25:00": "«25:00» no es una hora del día",
        "/kith setup checkin channel:#general time:09:00 days:someday": "«someday» no es una lista",
        "/kith setup checkin channel:#general time:09:00 grace:lots": "grace: es cuántos minutos",
        "/kith setup checkin channel:#general time:09:00 tz:Narnia": "No conozco la zona horaria",
        "/kith setup checkin channel:nowhere time:09:00": "«nowhere» no es un canal de aquí.",
        "/kith stats export csv": "/kith stats export no sabe qué hacer con «csv»: no lleva nada",
        "/kith admins add nobody": "«nobody» no es nadie de aquí",
        "/kith stats window:year": "window: es uno de estos: 7d, week, 30d, month, 90d.",
        "/kith pause": "¿Qué programa? /kith pause <",
        "/kith pause poetry": "«poetry» no es un programa.",
    }
    for command, expected in cases.items():
        answer = reply_text(await harness.say("bia", command, locale=ES))
        assert expected in answer, (command, answer)
    assert "A opção time: aparece duas vezes." in reply_text(
        await harness.say("bia", "/kith setup checkin time:09:00 time:10:00", locale=PT)
    )


async def test_status_pause_and_resume_in_spanish(harness: Harness) -> None:
    assert "Todavía no hay nada configurado" in reply_text(
        await harness.say("ada", "/kith status", locale=ES)
    )
    await harness.say("ada", SETUP)
    harness.chat.fail_next += [DeliveryError("the channel no longer exists", permanent=True)] * 2
    await harness.advance(timedelta(days=1, hours=4))  # Monday and Tuesday 09:00 both fail
    status = reply_text(await harness.say("ada", "/kith status", locale=ES))
    assert "activo" in status
    assert "Próximo: mié, 4 mar 09:00 GMT" in status, status
    assert (
        "⚠ Problema de envío desde el lun, 2 mar 09:00 GMT (2 publicaciones afectadas): "
        "the channel no longer exists." in status  # the platform's own words, as it gave them
    ), status
    assert "Falló: mar, 3 mar 09:00 GMT — the channel no longer exists" in status
    paused = reply_text(await harness.say("ada", "/kith pause checkin", locale=ES))
    assert paused.endswith(
        ": en pausa. No se pierde nada; /kith resume checkin lo vuelve a poner en marcha."
    ), paused
    assert "ya está en pausa" in reply_text(
        await harness.say("ada", "/kith pause checkin", locale=ES)
    )
    assert "en pausa" in reply_text(await harness.say("ada", "/kith status", locale=ES))
    assert "rodando de novo" in reply_text(
        await harness.say("ada", "/kith resume checkin", locale=PT)
    )


async def test_a_missed_post_is_stored_once_and_read_in_each_admins_language(
    harness: Harness,
) -> None:
    harness.admins.add("bia")
    await harness.say("ada", SETUP)
    await harness.run_due()
    # Kith is "down" until Tuesday 10:30 London: Monday's post is past its grace window.
    harness.clock.set(datetime(2026, 3, 3, 10, 30, tzinfo=UTC))
    report = await harness.run_due()
    assert report.missed == 1
    english = reply_text(await harness.say("ada", "/kith status"))
    assert (
        "Missed: Mon 02 Mar 09:00 GMT — not sent: Kith was not running at the time (found 25 "
        "hours late, past the 2 hours grace window)" in english
    ), english
    spanish = reply_text(await harness.say("ada", "/kith status", locale=ES))
    assert (
        "Perdido: lun, 2 mar 09:00 GMT — no se envió: Kith no estaba en marcha en ese momento "
        "(lo vio con 25 horas de retraso, pasado el margen de 2 horas)" in spanish
    ), spanish
    portuguese = reply_text(await harness.say("bia", "/kith status", locale=PT))
    assert "Perdido: seg., 2 de mar. 09:00 GMT — não enviado: o Kith não estava rodando" in (
        portuguese
    )
    # What is stored is the message and its values, not one language's sentence.
    detail = await harness.db.fetchval("SELECT detail FROM occurrences WHERE state = 'missed'")
    assert detail.startswith("i18n:") and "no se envió" not in detail


async def test_a_timeout_is_a_stored_reason_with_its_retry_said_by_the_next_try(
    harness: Harness,
) -> None:
    await harness.say("ada", SETUP)
    harness.chat.fail_next.append(TimeoutError())
    await harness.advance(timedelta(hours=3))
    spanish = reply_text(await harness.say("ada", "/kith status", locale=ES))
    assert "⚠ Problema de envío desde el lun, 2 mar 09:00 GMT: " in spanish, spanish


async def test_admins_in_portuguese_with_mentions_kept(harness: Harness) -> None:
    listed = reply_text(await harness.say("ada", "/kith admins", locale=PT))
    assert "Adicionados aqui: ninguém ainda." in listed
    added = await harness.say("ada", "/kith admins add @bo", locale=PT)
    assert reply_text(added) == "@bo agora pode usar os comandos de admin aqui."
    assert added.message is not None
    assert any(
        type(part).__name__ == "Mention" for para in added.message.paragraphs for part in para
    )
    assert "Adicionados aqui: @bo." in reply_text(
        await harness.say("ada", "/kith admins list", locale=PT)
    )
    assert "Essa pessoa não está na lista" in reply_text(
        await harness.say("ada", "/kith admins remove @cy", locale=PT)
    )
    removed = reply_text(await harness.say("ada", "/kith admins remove @bo", locale=ES))
    assert removed == "@bo ya no puede usar los comandos de admin aquí."


async def test_stats_and_the_export_in_spanish(harness: Harness) -> None:
    assert "Todavía no hay nada que exportar" in reply_text(
        await harness.say("ada", "/kith stats export", locale=ES)
    )
    await harness.say("ada", "/kith setup kindness channel:#kindness")
    for day, acts in enumerate((2, 0, 3)):
        for n in range(acts):
            await harness.say(f"k{n}", f"/kind helped neighbour number {day}-{n}")
        await harness.advance(timedelta(days=1))
    reply = await harness.say("ada", "/kith stats window:7d", locale=ES)
    assert reply.message is not None
    chart = reply.message.attachment
    assert (chart is not None) == available()  # the charts extra draws one
    if chart is not None:  # its alt text is Spanish too
        assert chart.description.startswith("Estadísticas de Kith, últimos 7 días."), chart
        assert " por día: " in chart.description and "máximo 3 (" in chart.description
        assert " mar)" in chart.description  # dates as "4 mar", not "04 Mar"
    export = await harness.say("ada", "/kith stats export", locale=PT)
    assert reply_text(export).startswith("Aqui estão as estatísticas desta comunidade")
    assert export.message is not None and export.message.attachment is not None
    data = export.message.attachment.data
    rows = data.decode() if isinstance(data, bytes) else data
    assert rows.startswith("section,period,measure,value,note")
    # The columns are data; the note for a withheld figure is for the reader.
    assert "omitido: menos de 5" in rows and "withheld" not in rows


async def test_privacy_export_and_forget_in_portuguese_and_spanish(harness: Harness) -> None:
    await harness.say("ada", "/kith setup kindness channel:#kindness leaderboard:everyone")
    await harness.say("bia", "/kind carried the shopping", locale=PT)
    privacy = await harness.say("bia", "/kith privacy", locale=PT)
    text = reply_text(privacy)
    assert text.startswith("Sua privacidade aqui")
    assert "O que o Kith guarda sobre você: " in text and "gentilezas: 1" in text
    assert "apagados depois de 90 dias" in text
    assert "• Aparecer no ranking: sim" in text
    assert privacy.message is not None
    labels = [c.label for c in privacy.message.choices]
    assert labels[0] == "Sair do ranking" and "Desativar avisos de agradecimento" in labels
    saved = await harness.click("bia", privacy.message.choices[0].id, locale=PT)
    assert reply_text(saved).startswith("Salvo. Já está valendo.")
    assert "• Aparecer no ranking: não" in reply_text(saved)

    export = await harness.say("bia", "/kith export", locale=PT)
    assert reply_text(export) == (
        "Aqui está tudo o que o Kith guarda sobre você nesta comunidade, só para você."
    )
    assert export.message is not None and export.message.attachment is not None
    document = json.loads(export.message.attachment.data)  # the keys stay a data format
    assert set(document) >= {"format", "member", "tables"}

    forget = await harness.say("bia", "/kith forget", locale=ES)
    assert reply_text(forget).startswith("Esto borra todo lo que Kith guarda sobre ti")
    assert forget.message is not None
    yes, no = forget.message.choices
    assert (yes.label, no.label) == ("Borrar mis datos", "Mejor no")
    assert reply_text(await harness.click("bia", no.id, locale=ES)) == "No se borró nada."
    assert "era para otra persona" in reply_text(await harness.click("cy", yes.id, locale=ES))
    done = reply_text(await harness.click("bia", yes.id, locale=PT))
    assert re.match(r"Pronto: \d+ registros sobre você foram apagados desta comunidade\.", done)
    assert "O que eu não consigo apagar:" in done


async def test_retention_setup_in_spanish(harness: Harness) -> None:
    shown = reply_text(await harness.say("ada", "/kith setup privacy", locale=ES))
    assert shown.startswith("Las reflexiones y notas se guardan 90 días.")
    await harness.refuses("ada", {"/kith setup privacy retention:3": "retention:"})
    assert "es un número de días de 7 a 365" in reply_text(
        await harness.say("ada", "/kith setup privacy retention:3", locale=ES)
    )
    done = reply_text(await harness.say("ada", "/kith setup privacy retention:30", locale=ES))
    assert done.startswith("Ahora las reflexiones y notas se guardan 30 días;")


async def test_home_in_portuguese(harness: Harness) -> None:
    from bot.home import home_message

    await harness.say("ada", SETUP)
    await harness.say("bia", "/kith timezone America/Sao_Paulo", locale=PT)
    home = await home_message(harness.kith.services, harness.actor("bia", locale=PT), harness.chat)
    text = home.plain_text
    assert "Check-ins diários, duplas de apoio e sequências de gentileza" in text
    assert "Suas configurações" in text and "Rolando aqui" in text
    assert "Fuso horário: America/Sao_Paulo (horário local: seg., 2 de mar. 03:00 -03)" in text
    assert "Próximo: seg., 2 de mar. 06:00 -03" in text
    assert "/kith help mostra todos os comandos." in text


# --- No English left ------------------------------------------------------------------------

MY_SOURCES = (
    "bot/kith_commands.py",
    "bot/home.py",
    "bot/aggregates.py",
    "bot/sparklines.py",
    "bot/charts/",
    "bot/commands/",
    "bot/store/faults.py",
    "bot/scheduling/",
    "bot/privacy/",
    "bot/registry.py",
)


def _english_fragments() -> set[str]:
    """Every English text these commands can say, cut at its placeholders: a piece long enough
    to be a phrase (not a name or a slash-command word) must never reach a Spanish reader."""
    fragments: set[str] = set()
    for catalogue in extract(ROOT).values():
        for message in catalogue:
            if not message.id or not any(
                path.startswith(MY_SOURCES) for path, _line in message.locations
            ):
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            for ident in ids:
                for piece in re.split(r"\{[a-z_]+\}", ident):
                    if len(piece.strip(" .,:;()—•⚠")) >= 12 and "/kith" not in piece:
                        fragments.add(piece.strip())
    return fragments


@pytest.mark.parametrize("locale", [ES, PT])
async def test_no_english_is_left_in_these_commands(harness: Harness, locale: str) -> None:
    fragments = _english_fragments()
    assert len(fragments) > 80  # the check really reads the catalogue
    harness.admins.add("bo")
    said: list[str] = []

    async def say(name: str, command: str) -> None:
        reply = await harness.say(name, command, locale=locale)
        if reply.message is not None:
            said.append(reply_text(reply))
            said.extend(c.label for c in reply.message.choices)
            if reply.message.attachment is not None:
                said.append(reply.message.attachment.description or "")

    await say("ada", "/kith status")
    await say("ada", "/kith stats")
    await say("ada", "/kith stats export")
    await say("ada", "/kith admins")
    await harness.say("ada", SETUP)
    harness.chat.fail_next.append(TimeoutError())
    await harness.advance(timedelta(hours=3))
    for command in (
        "/kith help",
        "/kith timezone",
        "/kith timezone Europe/Lisbon",
        "/kith timezone Europe/Lisbn",
        "/kith status",
        "/kith stats",
        "/kith stats window:90d",
        "/kith stats window:never",
        "/kith pause",
        "/kith pause checkin",
        "/kith pause checkin",
        "/kith resume checkin",
        "/kith resume nothing",
        "/kith admins add @cy",
        "/kith admins list",
        "/kith admins remove @cy",
        "/kith admins frobnicate",
        "/kith privacy",
        "/kith export",
        "/kith forget",
        "/kith setup privacy",
        "/kith setup privacy retention:1000",
        "/kith setup privacy retention:90",
        "/kith stats export now",
        "kith help",
    ):
        await say("ada", command)
    await say("bo", "/kith admins remove @cy")
    shown = "\n".join(said)
    left = sorted(f for f in fragments if f in shown)
    assert not left, left
