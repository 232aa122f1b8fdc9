"""The choice-id codec.

A choice id carries all the state a click needs (``v1:mood:42:3``), so a click works after a
restart and after the platform forgot the view. Ids are at most ``MAX_LENGTH`` characters
(Discord's custom_id limit). Decoding only checks shape; the handler checks the state against
the database, so a forged id gets a clear refusal, never an action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VERSION = "v1"
MAX_LENGTH = 100
_FIELD = re.compile(r"^[A-Za-z0-9_.\-]{1,60}$")
_KIND = re.compile(r"^[a-z][a-z0-9_.]{0,23}$")


class ChoiceIdError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class ChoiceId:
    kind: str
    fields: tuple[str, ...]

    def field_int(self, index: int) -> int:
        try:
            value = self.fields[index]
        except IndexError:
            raise ChoiceIdError("choice id is missing a field") from None
        # Only numbers as ``encode`` writes them: ASCII digits, no leading zero, and small enough
        # for a 64-bit database integer (a 20-digit id would overflow the query, not miss a row).
        if not value.isdecimal() or len(value) > 18 or (value != "0" and value.startswith("0")):
            raise ChoiceIdError("choice id field is not a number")
        return int(value)


def encode(kind: str, *fields: str | int) -> str:
    if not _KIND.match(kind):
        raise ChoiceIdError(f"bad choice kind {kind!r}")
    parts = [str(f) for f in fields]
    for part in parts:
        if not _FIELD.match(part):
            raise ChoiceIdError(f"bad choice field {part!r}")
    encoded = ":".join([VERSION, kind, *parts])
    if len(encoded) > MAX_LENGTH:
        raise ChoiceIdError(f"choice id longer than {MAX_LENGTH} characters")
    return encoded


def decode(encoded: str) -> ChoiceId:
    if not isinstance(encoded, str) or len(encoded) > MAX_LENGTH:
        raise ChoiceIdError("choice id is too long")
    parts = encoded.split(":")
    if len(parts) < 2 or parts[0] != VERSION:
        raise ChoiceIdError("unknown choice id version")
    kind, fields = parts[1], tuple(parts[2:])
    if not _KIND.match(kind) or not all(_FIELD.match(f) for f in fields):
        raise ChoiceIdError("malformed choice id")
    return ChoiceId(kind, fields)
