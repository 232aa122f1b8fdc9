"""Parse a command line the same way on every platform: ``/kith setup checkin time:09:00``.

Words are split on whitespace, with double quotes grouping words. A ``key:value`` word is an option
only when the command declares that key, so free text such as ``/kind fixed: the tap`` stays text.
A backslash in front keeps a declared key as text too: ``/kind cooked \\for:mum`` logs "cooked
for:mum" (the Discord adapter writes typed text this way, where options have their own fields).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bot.i18n import _

MAX_COMMAND_LENGTH = 2000
_WORD = re.compile(r'"([^"]*)"|(\S+)')
_OPTION = re.compile(r"^([a-z_]+):(.*)$", re.DOTALL)


class CommandSyntaxError(ValueError):
    pass


def clean_text(text: str) -> str:
    """Drop control and zero-width characters (keeping newlines and tabs as spaces) and trim."""
    if text.isascii() and text.isprintable():  # the common case: nothing to drop
        return text.strip()
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char in "\n\t":
            kept.append(" " if char == "\t" else char)
        elif category in {"Cc", "Cf", "Cs", "Co", "Cn"}:
            continue
        else:
            kept.append(char)
    return "".join(kept).strip()


def split_words(text: str) -> list[str]:
    return [m.group(1) if m.group(1) is not None else m.group(2) for m in _WORD.finditer(text)]


@dataclass(frozen=True)
class Invocation:
    path: tuple[str, ...]
    args: tuple[str, ...] = ()
    options: dict[str, str] = field(default_factory=dict)

    @property
    def rest(self) -> str:
        return " ".join(self.args)


def normalise(text: str) -> str:
    text = clean_text(text)
    if len(text) > MAX_COMMAND_LENGTH:
        raise CommandSyntaxError(
            _("That command is too long (over {max} characters).", max=MAX_COMMAND_LENGTH)
        )
    if not text.startswith("/"):
        raise CommandSyntaxError(_("Commands start with /, like /kith help."))
    return text[1:]


def bind(words: list[str], path_length: int, option_names: frozenset[str]) -> Invocation:
    path = tuple(w.lower() for w in words[:path_length])
    args: list[str] = []
    options: dict[str, str] = {}
    for word in words[path_length:]:
        if word.startswith("\\") and _OPTION.match(word[1:]):
            args.append(word[1:])  # an escaped key:value word is text
            continue
        match = _OPTION.match(word)
        if match and match.group(1) in option_names:
            key, value = match.group(1), match.group(2).strip()
            if key in options:
                raise CommandSyntaxError(_("The option {key}: is given twice.", key=key))
            options[key] = value
        else:
            args.append(word)
    return Invocation(path, tuple(args), options)
