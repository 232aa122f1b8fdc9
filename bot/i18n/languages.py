"""The languages Kith ships, and how a platform's or a member's language code maps onto them.

Codes are Babel locale identifiers (``pt_BR``); platforms send BCP 47 tags (Discord ``es-ES``,
``es-419``, ``pt-BR``; Slack ``pt-BR``, ``es-LA``). A tag whose language Kith speaks in another
variant gets that variant (``pt-PT`` reads Brazilian Portuguese, ``en-GB`` English): closer to the
member than falling back to English.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Language:
    code: str  # Babel's identifier, the catalogue folder's name
    tag: str  # BCP 47, what members type and platforms send
    name: str  # in the language itself, as a member would look for it
    english_name: str


LANGUAGES: tuple[Language, ...] = (
    Language("en", "en", "English", "English"),
    Language("es", "es", "Español", "Spanish"),
    Language("pt_BR", "pt-BR", "Português (Brasil)", "Brazilian Portuguese"),
)
DEFAULT_LANGUAGE = "en"
CODES: frozenset[str] = frozenset(lang.code for lang in LANGUAGES)

_BY_CODE = {lang.code: lang for lang in LANGUAGES}


def _fold(text: str) -> str:
    """Lower case without accents, ``_`` as ``-``: "Português" and "portugues" are one word."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower().replace("_", "-"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_NAMES: dict[str, str] = {}
for _lang in LANGUAGES:
    for _word in (_lang.code, _lang.tag, _lang.name, _lang.english_name):
        _NAMES[_fold(_word)] = _lang.code
_NAMES.update(
    {
        "espanol": "es",
        "castellano": "es",
        "portugues": "pt_BR",
        "portuguese": "pt_BR",
        "pt": "pt_BR",
        "brasil": "pt_BR",
        "brazil": "pt_BR",
    }
)


@lru_cache(maxsize=512)  # every event asks, with one of a handful of platform tags
def match_language(code: str | None) -> str | None:
    """The shipped language for a platform tag or a member's word, or None if Kith has none."""
    if not code:
        return None
    folded = _fold(code)
    if folded in _NAMES:
        return _NAMES[folded]
    primary = folded.split("-", 1)[0]
    return _NAMES.get(primary)


def language(code: str) -> Language:
    return _BY_CODE[code]
