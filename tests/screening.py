"""What the crisis screen makes of a text, for the screening tests of every language."""

from __future__ import annotations

from bot.safety.screen import PhraseList, Severity


def flagged(phrases: PhraseList, text: str) -> Severity | None:
    signal = phrases.screen(text)
    return None if signal is None else signal.severity


def read_as_concern(phrases: PhraseList, text: str) -> bool:
    """Flagged, and read as worry about someone else rather than about the writer."""
    signal = phrases.screen(text)
    return signal is not None and signal.about_someone_else
