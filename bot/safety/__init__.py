"""Safety: screening free text for signs of crisis, and a caring, private response."""

from __future__ import annotations

from bot.i18n import N_
from bot.registry import Command, Option, OptionKind, Registry
from bot.safety import commands, support
from bot.safety.resources import regions


def register(registry: Registry) -> None:
    registry.choice("safety", commands.care_answered, fields=2)
    registry.choice("support", support.support_clicked, fields=1)
    registry.command(
        Command(
            ("kith", "support"),
            N_(
                "ask for a person: the moderators are told privately that you'd like someone to "
                "reach out"
            ),
            support.support_command,
        )
    )
    registry.command(
        Command(
            ("kith", "setup", "safety"),
            N_("where crisis alerts go and which resources members see"),
            commands.setup_safety,
            admin=True,
            options=(
                Option("alerts", OptionKind.TEXT, N_("a moderators' channel, or off")),
                Option(
                    "resources",
                    OptionKind.CHOICE,
                    N_("resource list region"),
                    choices=("auto", *sorted(regions())),
                ),
                Option(
                    "quote",
                    OptionKind.CHOICE,
                    N_("quote members' words in alerts"),
                    choices=("off", "on"),
                ),
            ),
        )
    )
    registry.command(
        Command(
            ("kith", "safety", "phrases"),
            N_("this community's own screening phrases"),
            commands.phrases_command,
            admin=True,
            usage="[list|add <words>|remove <words>]",
            screened=False,
        )
    )
