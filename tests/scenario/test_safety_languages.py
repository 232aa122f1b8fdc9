"""Safety care for members who write in Spanish or Portuguese: screened whatever their setting,
with their country's lines from their time zone or the community's choice."""

from __future__ import annotations

from tests.fakes import Harness, reply_text


async def test_a_member_in_brazil_writing_in_portuguese_gets_cvv(harness: Harness) -> None:
    await harness.say("cy", "/kith timezone America/Sao_Paulo")
    await harness.say("cy", "não aguento mais, quero morrer")
    [care] = harness.chat.to("@cy")
    assert care.private and "CVV" in care.text and "188" in care.text
    assert "192 (SAMU)" in care.text
    assert "findahelpline.com" in care.text  # the directory beside the country's lines


async def test_a_member_in_spain_writing_in_spanish_gets_line_024(harness: Harness) -> None:
    await harness.say("bo", "/kith timezone Europe/Madrid")
    await harness.say("bo", "me quiero matar")
    [care] = harness.chat.to("@bo")
    assert "024" in care.text and "112" in care.text


async def test_a_community_can_choose_a_new_countrys_resources(harness: Harness) -> None:
    reply = reply_text(await harness.say("ada", "/kith setup safety resources:mx"))
    assert "saved" in reply
    await harness.say("bo", "ya no quiero vivir")
    assert "800 911 2000" in harness.chat.to("@bo")[0].text


async def test_idioms_in_spanish_and_portuguese_are_left_alone(harness: Harness) -> None:
    for text in ("me muero de risa jajaja", "bora matar a saudade", "tô morta de cansaço"):
        await harness.say("bo", text)
    assert harness.chat.sent == []
