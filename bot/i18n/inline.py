"""A translated sentence with a mention (or other inline part) inside it.

``_("{member} can now run admin commands here.")`` cannot be filled with ``str.format`` when
``{member}`` must stay a ``Mention`` (adapters render it without a ping). ``inline`` splits the
translated sentence at its placeholders and puts the parts there, so the translator still sees
one whole sentence and may move the mention wherever the language wants it.
"""

from __future__ import annotations

import string
from collections.abc import Sequence

from bot.messages import Inline, Link, Mention, Text


def inline(translated: str, /, **parts: Inline | Sequence[Inline] | str) -> tuple[Inline, ...]:
    """``translated`` (already through ``_``, placeholders left in) with each ``{name}`` replaced
    by its part: an inline, several inlines, or plain text."""
    out: list[Inline] = []
    for literal, name, _spec, _conversion in string.Formatter().parse(translated):
        if literal:
            out.append(Text(literal))
        if name is None:
            continue
        part = parts[name]
        if isinstance(part, str):
            out.append(Text(part))
        elif isinstance(part, (Text, Mention, Link)):
            out.append(part)
        else:
            out.extend(part)
    return tuple(out)
