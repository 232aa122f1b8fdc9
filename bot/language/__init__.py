"""Which language Kith speaks: a member's own choice and a community's default.

The translating itself is ``bot.i18n``; this feature stores the choices and the platforms'
locales are remembered by ``bot.community`` as events arrive.
"""

from __future__ import annotations

from bot.i18n import N_
from bot.i18n.languages import LANGUAGES
from bot.language import commands
from bot.registry import Command, Option, OptionKind, Registry

_CHOICES = ("auto", *(lang.tag for lang in LANGUAGES))


def register(registry: Registry) -> None:
    registry.command(
        Command(
            ("kith", "language"),
            N_("see or choose the language Kith speaks to me"),
            commands.language_command,
            usage="[language]",
            options=(
                Option("language", OptionKind.CHOICE, N_("a language, or auto"), choices=_CHOICES),
            ),
        )
    )
    registry.command(
        Command(
            ("kith", "setup", "language"),
            N_("the language of this community's channel posts and members' default"),
            commands.setup_language,
            admin=True,
            usage="[language]",
            options=(
                Option("language", OptionKind.CHOICE, N_("a language, or auto"), choices=_CHOICES),
            ),
        )
    )
