"""The features Kith is built from. Each registers its commands, buttons and programmes."""

from __future__ import annotations

from bot import admin, checkins, safety
from bot.registry import Registry


def build_registry() -> Registry:
    registry = Registry()
    for feature in (admin, checkins, safety):
        feature.register(registry)
    return registry
