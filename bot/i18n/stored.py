"""Text saved now and read later, by someone who may read another language.

A scheduled post's outcome (``occurrences.detail``: "not sent: Kith was not running…") is written
while no one is reading, and shown later in ``/kith status`` to whichever admin asks, in their
language. So what is stored is the English message id and its values, and the text is made when
it is read: ``stored(N_("sent {late} late"), late=...)`` to save, ``render(text)`` to show.

Stored texts are short JSON with a prefix (``i18n:``); a text without it (a row written before
this existed, a platform's own words) is shown translated when it is a message id, else as it
is, so a fixed reason needs only ``N_``. A value may itself be a stored text (a
reason inside a sentence, "3 hours" with its plural), rendered in the same language. Values are
cut so the whole stays within the 300 characters a detail column keeps.
"""

from __future__ import annotations

import json

from bot.i18n.translate import _, ngettext, use_language

PREFIX = "i18n:"
MAX_VALUE = 120  # characters of one value (a platform's error text)


def stored(message: str, /, **values: object) -> str:
    """``message`` (an English id, marked for the catalogue) with its values, to render later."""
    return PREFIX + json.dumps({"m": message, "v": _values(values)}, ensure_ascii=False)


def stored_plural(singular: str, plural: str, n: int, /, **values: object) -> str:
    """As ``stored``, with the plural form chosen when read (``{n}`` is always filled)."""
    return PREFIX + json.dumps(
        {"m": singular, "p": plural, "n": n, "v": _values(values)}, ensure_ascii=False
    )


def _values(values: dict[str, object]) -> dict[str, str | int | float]:
    kept: dict[str, str | int | float] = {}
    for name, value in values.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            kept[name] = value
        else:
            text = str(value)
            # A nested stored text is kept whole (a cut one could not be read back).
            kept[name] = text if text.startswith(PREFIX) else text[:MAX_VALUE]
    return kept


def render(text: str | None, default: str = "") -> str:
    """A stored text in the current language; a plain message id translated; anything else as
    it was written."""
    if not text:
        return default
    if not text.startswith(PREFIX):
        # A platform's own words, or a row from before: translated if it is a message id (an
        # adapter's ``DeliveryError(N_("the channel no longer exists"))``), else as written.
        return _(text)
    try:
        data = json.loads(text[len(PREFIX) :])
        message = str(data["m"])
        values = {
            name: render(value) if isinstance(value, str) else value
            for name, value in dict(data.get("v", {})).items()
        }
        if "p" in data:
            return ngettext(message, str(data["p"]), int(data["n"]), **values)
        return _(message, **values)
    except (ValueError, KeyError, TypeError, IndexError):
        # Cut short or written by something else: better raw words than nothing.
        return text[len(PREFIX) :]


def english(text: str | None, default: str = "") -> str:
    """For logs, which are read by whoever runs Kith, in English."""
    with use_language("en"):
        return render(text, default)
