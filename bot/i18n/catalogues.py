"""Translations read from the gettext catalogues in ``locales/<code>/LC_MESSAGES/<domain>.po``.

One ``.po`` file per part of Kith (its domain: ``kith`` for the core, ``checkins``, ``buddies``…)
so that translators and features touch their own file; a language's domains are merged into one
set of translations. The ``.po`` files are read with Babel and compiled in memory at start-up:
the repository holds only text a translator edits, never a compiled ``.mo`` that could drift from
it. English is the source language (the message ids), so it needs no catalogue.

An installed wheel carries the catalogues as ``bot/_locales``; a source checkout reads
``locales/`` at the repository root.
"""

from __future__ import annotations

import gettext
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES


class CatalogueMissing(RuntimeError):
    pass


def locales_dir() -> Traversable:
    packaged = resources.files("bot") / "_locales"
    if packaged.is_dir():
        return packaged
    source = Path(__file__).resolve().parent.parent.parent / "locales"
    if source.is_dir():
        return source
    raise CatalogueMissing("cannot find the locales folder; reinstall kith-bot")


def po_files(code: str) -> list[Traversable]:
    folder = locales_dir() / code / "LC_MESSAGES"
    if not folder.is_dir():
        return []
    return sorted((f for f in folder.iterdir() if f.name.endswith(".po")), key=lambda f: f.name)


def read_catalogue(po: Traversable, code: str) -> Catalog:
    with po.open("rb") as handle:
        return read_po(handle, locale=code, domain=po.name.removesuffix(".po"))


@cache
def translations(code: str) -> gettext.NullTranslations:
    """Every domain of one language, merged. Fuzzy entries (a translation not yet reviewed after
    its English changed) are left out: the member reads the current English instead."""
    if code == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    merged: Translations | None = None
    for po in po_files(code):
        compiled = BytesIO()
        write_mo(compiled, read_catalogue(po, code), use_fuzzy=False)
        compiled.seek(0)
        domain = Translations(compiled, domain=po.name.removesuffix(".po"))
        merged = domain if merged is None else merged.merge(domain)
    if merged is None:
        raise CatalogueMissing(f"no catalogue for the language {code!r}")
    return merged


def load_all() -> None:
    """Read every shipped language now, at start-up, rather than at a member's first message."""
    for lang in LANGUAGES:
        translations(lang.code)
