"""The features Kith is built from. Each registers its commands, buttons and programmes."""

from __future__ import annotations

from bot import buddies, checkins, kindness, kith_commands, language, privacy, safety
from bot.registry import Registry


def build_registry() -> Registry:
    registry = Registry()
    for feature in (kith_commands, checkins, buddies, kindness, safety, privacy, language):
        feature.register(registry)
    return registry
