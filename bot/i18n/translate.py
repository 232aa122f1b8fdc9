"""Translating Kith's words into the language of whoever reads them.

The language is a context variable: ``Kith.handle`` sets the member's for each event (asyncio
copies it into every task the event starts), and code that writes for someone else (a channel
post, another member's DM) wraps that part in ``use_language``. Feature code then writes
``_("You're on a {days}-day streak.", days=n)`` and never passes a language around.

Message ids are English with ``{name}`` placeholders, filled by ``str.format`` after translating,
so a translation may move them but must keep them (a test checks every catalogue). Text built at
import time (command summaries, button words in a table) is marked with ``N_`` and translated
where it is shown. Never put an f-string inside ``_``: it is formatted before it can be looked up.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from bot.i18n.catalogues import translations
from bot.i18n.languages import DEFAULT_LANGUAGE

_language: ContextVar[str] = ContextVar("kith_language", default=DEFAULT_LANGUAGE)


def current_language() -> str:
    return _language.get()


@contextmanager
def use_language(code: str) -> Iterator[None]:
    token = _language.set(code)
    try:
        yield
    finally:
        _language.reset(token)


def set_language(code: str) -> None:
    """For the rest of the current task (an event's handling): ``use_language`` elsewhere."""
    _language.set(code)


def _(message: str, /, **values: object) -> str:
    text = translations(_language.get()).gettext(message)
    return text.format(**values) if values else text


def ngettext(singular: str, plural: str, n: int, /, **values: object) -> str:
    """The form for ``n`` in the current language's plural rules; ``{n}`` is always available."""
    text = translations(_language.get()).ngettext(singular, plural, n)
    return text.format(n=n, **values)


def pgettext(context: str, message: str, /, **values: object) -> str:
    """A short text whose meaning depends on where it stands (a command's name, a button)."""
    text = translations(_language.get()).pgettext(context, message)
    return text.format(**values) if values else text


def N_(message: str) -> str:
    """Marks text for the catalogue without translating it yet (translate it with ``_``)."""
    return message
