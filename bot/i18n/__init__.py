"""Kith in each member's language: gettext catalogues (``locales/``) read with Babel.

Feature code imports ``_``, ``ngettext``, ``pgettext`` and ``N_`` from here; which language they
use is set per event by the core (see ``bot.i18n.translate``). Which language a member or a
community has chosen is the language feature's business (``bot.language``).
"""

from bot.i18n.translate import N_, _, current_language, ngettext, pgettext, use_language

__all__ = ["N_", "_", "current_language", "ngettext", "pgettext", "use_language"]
