"""Text stored now and read later in the reader's language (``bot.i18n.stored``), and
sentences with a mention inside (``bot.i18n.inline``)."""

from __future__ import annotations

from bot.i18n import N_, _, use_language
from bot.i18n.inline import inline
from bot.i18n.stored import PREFIX, english, render, stored, stored_plural
from bot.identity import UserRef
from bot.messages import Mention, Text

MISSED = N_(
    "not sent: Kith was not running at the time (found {late} late, past the {grace} grace window)"
)


def test_a_stored_text_is_worded_when_read_in_the_readers_language() -> None:
    saved = stored(
        MISSED,
        late=stored_plural("{n} hour", "{n} hours", 25),
        grace=stored_plural("{n} minute", "{n} minutes", 1),
    )
    assert saved.startswith(PREFIX) and "horas" not in saved
    assert render(saved) == (
        "not sent: Kith was not running at the time (found 25 hours late, past the 1 minute "
        "grace window)"
    )
    with use_language("es"):
        assert render(saved) == (
            "no se envió: Kith no estaba en marcha en ese momento (lo vio con 25 horas de "
            "retraso, pasado el margen de 1 minuto)"
        )
        assert english(saved).startswith("not sent: Kith was not running")
    with use_language("pt_BR"):
        assert render(saved).startswith("não enviado: o Kith não estava rodando")


def test_older_rows_and_platform_words_are_shown_as_written() -> None:
    with use_language("es"):
        assert render("the channel no longer exists") == "the channel no longer exists"
        # A fixed reason stored as its bare message id is translated too.
        assert render("programme paused or removed") == "programa en pausa o eliminado"
        assert render(None, _("unknown error")) == "error desconocido"
        assert render("") == ""


def test_a_cut_or_foreign_stored_text_still_shows_words() -> None:
    saved = stored(N_("internal error: {error}"), error="KeyError")
    assert render(saved[:20]) == saved[len(PREFIX) : 20]
    assert render(PREFIX + '{"x": 1}') == '{"x": 1}'


def test_long_values_are_cut_so_the_row_stays_short() -> None:
    saved = stored(N_("internal error: {error}"), error="x" * 1000)
    assert len(saved) < 200 and render(saved).endswith("x" * 120)


def test_inline_keeps_a_mention_where_the_language_puts_it() -> None:
    bo = Mention(UserRef.parse("console:home:bo"), "Bo")
    with use_language("es"):
        parts = inline(_("{member} can now run admin commands here."), member=bo)
    assert parts == (bo, Text(" ya puede usar los comandos de admin aquí."))
    listed = inline("Added here: {names}.", names=[bo, Text(", "), bo])
    assert listed == (Text("Added here: "), bo, Text(", "), bo, Text("."))
    assert inline("{a} and {b}", a="x", b=Text("y")) == (Text("x"), Text(" and "), Text("y"))
