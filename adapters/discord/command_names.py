"""The words of Kith's Discord commands in each language, for Discord's ``name_localizations``.

Discord shows a member the command and option names of their client's language (``/kith ayuda``)
but always sends the command's own names with the interaction, so these only change what members
see and type; the core still reads ``/kith help``. Every word of the command tree (command,
subcommand and option names) must be listed here: tests/unit/test_discord_localisations.py fails
on a missing one and on a translation Discord would refuse.

Fixed choices (``window:week``) are shown by a name in the member's language too (``semana``)
while Discord sends the English value: ``choice_names`` lists them. Codes (``es``, ``uk``) and
numbers need no entry.

A translation of a command word must be a valid Discord name: lower case, letters, digits,
``-`` or ``_`` (no spaces), at most 32 characters, and different from the other names at the
same level.
"""

from __future__ import annotations

from bot.i18n import pgettext


def command_names() -> dict[str, str]:
    """Each command word → its name in the current language (itself in English)."""
    return {
        # Translators: a Discord command or option name, shown in the member's slash-command
        # list. Lower case, no spaces (use _), at most 32 characters; keep "kith" as it is.
        "kith": pgettext("command name", "kith"),
        "buddy": pgettext("command name", "buddy"),
        "buddies": pgettext("command name", "buddies"),
        "avoid": pgettext("command name", "avoid"),
        "unavoid": pgettext("command name", "unavoid"),
        "join": pgettext("command name", "join"),
        "leave": pgettext("command name", "leave"),
        "pause": pgettext("command name", "pause"),
        "resume": pgettext("command name", "resume"),
        "skip": pgettext("command name", "skip"),
        "status": pgettext("command name", "status"),
        "checkin": pgettext("command name", "checkin"),
        "daily": pgettext("command name", "daily"),
        "off": pgettext("command name", "off"),
        "show": pgettext("command name", "show"),
        "view": pgettext("command name", "view"),
        "open": pgettext("command name", "open"),
        "run": pgettext("command name", "run"),
        "kind": pgettext("command name", "kind"),
        "admins": pgettext("command name", "admins"),
        "export": pgettext("command name", "export"),
        "forget": pgettext("command name", "forget"),
        "help": pgettext("command name", "help"),
        "language": pgettext("command name", "language"),
        "privacy": pgettext("command name", "privacy"),
        "prompts": pgettext("command name", "prompts"),
        "add": pgettext("command name", "add"),
        "list": pgettext("command name", "list"),
        "remove": pgettext("command name", "remove"),
        "safety": pgettext("command name", "safety"),
        "phrases": pgettext("command name", "phrases"),
        "setup": pgettext("command name", "setup"),
        "kindness": pgettext("command name", "kindness"),
        "stats": pgettext("command name", "stats"),
        "support": pgettext("command name", "support"),
        "timezone": pgettext("command name", "timezone"),
        "leaderboard": pgettext("command name", "leaderboard"),
        "streak": pgettext("command name", "streak"),
        "milestones": pgettext("command name", "milestones"),
        "thanks": pgettext("command name", "thanks"),
        "member": pgettext("command name", "member"),
        "until": pgettext("command name", "until"),
        "time": pgettext("command name", "time"),
        "days": pgettext("command name", "days"),
        "remind": pgettext("command name", "remind"),
        "what_i_did": pgettext("command name", "what_i_did"),
        "for": pgettext("command name", "for"),
        "action": pgettext("command name", "action"),
        "programme": pgettext("command name", "programme"),
        "text": pgettext("command name", "text"),
        "number": pgettext("command name", "number"),
        "words": pgettext("command name", "words"),
        "channel": pgettext("command name", "channel"),
        "every": pgettext("command name", "every"),
        "day": pgettext("command name", "day"),
        "size": pgettext("command name", "size"),
        "window": pgettext("command name", "window"),
        "timezones": pgettext("command name", "timezones"),
        "tz": pgettext("command name", "tz"),
        "grace": pgettext("command name", "grace"),
        "personal": pgettext("command name", "personal"),
        "challenge": pgettext("command name", "challenge"),
        "digest": pgettext("command name", "digest"),
        "retention": pgettext("command name", "retention"),
        "alerts": pgettext("command name", "alerts"),
        "resources": pgettext("command name", "resources"),
        "quote": pgettext("command name", "quote"),
        "zone": pgettext("command name", "zone"),
        "by": pgettext("command name", "by"),
        "why": pgettext("command name", "why"),
    }


def choice_names() -> dict[str, str]:
    """Each fixed choice's value → how the choice is shown in the current language."""
    return {
        # Translators: a fixed choice in a Discord command option (the member picks it from a
        # list; Kith receives the English value). Up to 100 characters; spaces allowed.
        "acts": pgettext("command choice", "acts"),
        "add": pgettext("command choice", "add"),
        "all": pgettext("command choice", "all"),
        "auto": pgettext("command choice", "auto"),
        "buddies": pgettext("command choice", "buddies"),
        "challenge": pgettext("command choice", "challenge"),
        "checkin": pgettext("command choice", "checkin"),
        "everyone": pgettext("command choice", "everyone"),
        "ignore": pgettext("command choice", "ignore"),
        "international": pgettext("command choice", "international"),
        "kindness": pgettext("command choice", "kindness"),
        "list": pgettext("command choice", "list"),
        "month": pgettext("command choice", "month"),
        "off": pgettext("command choice", "off"),
        "on": pgettext("command choice", "on"),
        "opt-in": pgettext("command choice", "opt-in"),
        "private": pgettext("command choice", "private"),
        "public": pgettext("command choice", "public"),
        "remove": pgettext("command choice", "remove"),
        "streak": pgettext("command choice", "streak"),
        "use": pgettext("command choice", "use"),
        "week": pgettext("command choice", "week"),
        "mon": pgettext("command choice", "mon"),
        "tue": pgettext("command choice", "tue"),
        "wed": pgettext("command choice", "wed"),
        "thu": pgettext("command choice", "thu"),
        "fri": pgettext("command choice", "fri"),
        "sat": pgettext("command choice", "sat"),
        "sun": pgettext("command choice", "sun"),
        "1d": pgettext("command choice", "1d"),
        "7d": pgettext("command choice", "7d"),
        "30d": pgettext("command choice", "30d"),
        "90d": pgettext("command choice", "90d"),
        "1w": pgettext("command choice", "1w"),
        "2w": pgettext("command choice", "2w"),
        "4w": pgettext("command choice", "4w"),
        "31-day": pgettext("command choice", "31-day"),
    }
