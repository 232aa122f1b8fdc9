"""Fixtures the unit tests share."""

from __future__ import annotations

import pytest

from bot.safety.screen import PhraseList, builtin_phrases


@pytest.fixture(scope="session")
def phrases() -> PhraseList:
    """The shipped rules of every language (built once per process)."""
    return builtin_phrases()
