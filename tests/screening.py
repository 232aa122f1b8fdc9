"""What the crisis screen makes of a text, for the screening tests of every language."""

from __future__ import annotations

from bot.safety.screen import PhraseList, Severity


def flagged(phrases: PhraseList, text: str) -> Severity | None:
    signal = phrases.screen(text)
    return None if signal is None else signal.severity
