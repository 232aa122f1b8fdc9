"""The buddy programme kind as ``/kith setup``, ``/kith status`` and the scheduler see it.

It lives apart from ``rule`` (when rounds fall due) because its status lines read rounds and
their statistics, which themselves read the rule.
"""

from __future__ import annotations

from bot.buddies.rule import KIND, describe, slots
from bot.buddies.status import round_status
from bot.i18n import N_
from bot.programmes import grace_window
from bot.registry import ProgrammeKind

BUDDY_KIND = ProgrammeKind(
    name=KIND,
    title=N_("Buddy pairing"),  # shown with _() where it is read
    slots=slots,
    grace=grace_window,
    describe=describe,
    aliases=("buddy", "buddy-pairing", "pairing"),
    status=round_status,
)
