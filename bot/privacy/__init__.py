"""Privacy: what Kith stores about a member, their settings, export, forget and retention."""

from __future__ import annotations

from bot.i18n import N_
from bot.privacy import commands
from bot.privacy.posts import UNPOST, deliver_unpost
from bot.privacy.retention import RETENTION_JOB
from bot.registry import Command, Option, OptionKind, Registry


def register(registry: Registry) -> None:
    registry.maintenance.append(RETENTION_JOB)
    registry.deliverer(UNPOST, deliver_unpost)
    registry.choice("pref", commands.pref_clicked, fields=2)
    registry.choice("forget", commands.forget_clicked, fields=3)
    registry.command(
        Command(
            ("kith", "privacy"),
            N_("what Kith stores about me; my settings"),
            commands.privacy_command,
        )
    )
    registry.command(
        Command(
            ("kith", "export"),
            N_("all my data as a file, sent only to me"),
            commands.export_command,
        )
    )
    registry.command(
        Command(
            ("kith", "forget"),
            N_("delete all my data here, after a confirm"),
            commands.forget_command,
        )
    )
    registry.command(
        Command(
            ("kith", "setup", "privacy"),
            N_("how long reflections and notes are kept"),
            commands.setup_privacy,
            admin=True,
            options=(Option("retention", OptionKind.INTEGER, N_("days, 7 to 365")),),
        )
    )
