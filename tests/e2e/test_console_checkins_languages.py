"""Check-ins on the console with ``:locale``: a Spanish-speaking community, a member whose app
speaks Brazilian Portuguese and one whose app speaks Latin American Spanish. Posts are in the
community's language; answers, forms and personal check-ins in each member's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.i18n import use_language
from bot.prompts import load_catalogue
from tests.e2e.console_helpers import console

# m1-m4: the replies to the four commands; m5, m6: Bia's and Cy's own check-ins at 07:00;
# m7: the channel's post at 09:00; m8: Bia's one reminder at 10:00. The script's own asserts
# below check each id is what the script expects, so a renumbering fails clearly.
SCRIPT = """\
:admin ada
:locale ada es
:locale bia pt-BR
:locale cy es-419
@ada: /kith setup language:es
@ada: /kith setup checkin channel:#general time:09:00 days:mon-fri
@bia: /checkin daily time:07:00 remind:on
@cy: /checkin daily time:07:00
:advance 4h
@bia: !click m7 4
@bia: !click m7 reflect
@bia: Dia corrido, mas bom.
@bia: !click m11 named
@cy: !click m6 3
@cy: !click m7 reflect
@cy: Gracias por la charla de hoy.
@cy: !click m16 keep
@ada: /kith prompts list
@ada: /kith stats
@ada: /kith status
@bia: /checkin pause until:2026-03-10
@bia: /checkin resume
@bia: /checkin off
"""


def by_id(messages: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(m["id"]): m for m in messages}


def test_a_spanish_community_with_a_portuguese_member_on_the_console(tmp_path: Path) -> None:
    messages, errors = console(
        SCRIPT, tmp_path, "--start", "2026-03-02T06:00", "--tz", "Europe/Madrid"
    )
    assert errors == []
    sent = by_id(messages)
    deck = load_catalogue()
    es, pt = deck.texts["es"], deck.texts["pt_BR"]

    post = sent["m7"]
    assert post["to"] == "#general" and post["text"].startswith("☀️ Check-in diario\n")
    assert any(text in post["text"] for text in es.values())
    assert [c["label"] for c in post["choices"]][-1] == "✍️ Reflexionar"
    bia_own, cy_own = sent["m5"], sent["m6"]
    assert bia_own["to"] == "@bia" and bia_own["text"].startswith("☀️ Check-in diário\n")
    assert any(text in bia_own["text"] for text in pt.values())
    assert cy_own["to"] == "@cy" and cy_own["text"].startswith("☀️ Check-in diario\n")
    nudge = sent["m8"]
    assert nudge["to"] == "@bia" and nudge["text"].startswith("🌱 Um lembrete gentil")

    assert sent["m9"]["text"].startswith("Obrigado por contar como você está 🙂 (4/5).")
    assert sent["m10"]["text"].startswith("✍️ Escreva sua reflexão")
    assert [c["label"] for c in sent["m11"]["choices"]] == [
        "Manter em particular",
        "Compartilhar com meu nome",
        "Compartilhar anonimamente",
    ]
    shared = sent["m12"]
    assert shared["to"] == "#general" and shared["thread"] == "m7"
    assert shared["text"] == "💬 bia compartió una reflexión:\nDia corrido, mas bom."
    assert sent["m13"]["text"].startswith("Compartilhada no tópico do check-in.")
    assert sent["m14"]["text"].startswith("Gracias por contarme cómo estás 😐 (3/5).")
    assert sent["m16"]["text"].startswith("Guardado, en privado.")
    assert sent["m17"]["text"] == "Queda en privado. 🌱"

    with use_language("es"):
        themes = [deck.theme(t) for t in deck.themes]
    assert sent["m18"]["text"].startswith("Preguntas incluidas: 86 — ")
    assert all(title in sent["m18"]["text"] for title in themes)
    assert "Check-ins, últimos 30 días" in sent["m19"]["text"]
    assert "Check-ins personales: 2 miembros usan su propia hora." in sent["m20"]["text"]
    assert sent["m21"]["text"].startswith("Pausa até ter., 10 de mar. de 2026.")
    assert sent["m22"]["text"].startswith("Que bom ter você de volta.")
    assert sent["m23"]["text"].startswith("Seus check-ins pessoais estão desligados")

    # Nothing of the English deck anywhere, and no English words of the check-ins.
    everything = "\n".join(str(m["text"]) for m in messages)
    assert not [p.key for p in deck.checkins if p.text in everything]
    for english in ("How are you today", "Thanks for checking in", "Daily check-in", "Reflect"):
        assert english not in everything
