"""Counting in sentences, the same way in every feature: ``1 member``, ``3 members``."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """``count`` and ``word``, with ``many`` (default ``word + "s"``) unless there is exactly one:
    ``plural(2, "group")`` is ``2 groups``, ``plural(2, "person", "people")`` is ``2 people``."""
    return f"{count} {word}" if count == 1 else f"{count} {many or word + 's'}"
