"""The features Kith is built from. Each registers its commands, buttons and programmes."""

from __future__ import annotations

from bot import admin, buddies, checkins, kindness, privacy, safety
from bot.registry import Registry


def build_registry() -> Registry:
    registry = Registry()
    for feature in (admin, checkins, buddies, kindness, safety, privacy):
        feature.register(registry)
    return registry
