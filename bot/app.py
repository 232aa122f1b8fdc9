"""Assembling a Kith: database, catalogue, registry, clock. Every adapter starts here."""

from __future__ import annotations

import os
import socket

from bot.context import Services
from bot.core import Kith
from bot.features import build_registry
from bot.i18n.catalogues import load_all as load_translations
from bot.prompts import load_catalogue
from bot.safety.screen import builtin_phrases
from bot.scheduling.clock import Clock
from bot.settings import DEFAULT_GRACE_MINUTES
from bot.store import Database, open_database


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def build_kith(
    database_url: str,
    clock: Clock,
    *,
    sqlite_synchronous: str = "FULL",
    default_grace_minutes: int = DEFAULT_GRACE_MINUTES,
) -> tuple[Kith, Database]:
    # The crisis screen's rules and statistical layer compile here, once per process (about a
    # second): otherwise the first member's message would stall the event loop while they do.
    builtin_phrases()
    load_translations()  # likewise every language's catalogues (tens of milliseconds)
    db = await open_database(database_url, sqlite_synchronous=sqlite_synchronous)
    services = Services(
        db=db,
        clock=clock,
        catalogue=load_catalogue(),
        registry=build_registry(),
        worker_id=worker_id(),
        default_grace_minutes=default_grace_minutes,
    )
    services.metrics.activate()  # adapters' platform errors count here (bot.ops.metrics)
    return Kith(services), db
