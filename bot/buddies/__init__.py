"""Buddy pairing: members who opt in are grouped every round to reach out to someone, with a
conversation starter, a halfway nudge, a "did you connect?" follow-up and round statistics."""

from __future__ import annotations

from bot.buddies import commands, followup, reminders, stats
from bot.buddies.intros import deliver_round
from bot.buddies.kind import BUDDY_KIND
from bot.buddies.rounds import round_planned
from bot.buddies.rule import FOLLOWUP, NUDGE, REMIND, ROUND
from bot.i18n import N_
from bot.registry import Command, Option, OptionKind, Registry


def register(registry: Registry) -> None:
    registry.programme_kind(BUDDY_KIND)
    registry.deliverer(ROUND, deliver_round, started=round_planned)
    registry.deliverer(NUDGE, followup.deliver_nudge)
    registry.deliverer(FOLLOWUP, followup.deliver_followup)
    registry.deliverer(REMIND, reminders.deliver_reminder)
    registry.choice("buddy.remind", reminders.remind_clicked, fields=3)
    registry.choice("buddy.answer", followup.answer_clicked, fields=2)
    registry.choice("buddy.stay", followup.stay_clicked, fields=2)
    registry.stats_section(stats.buddy_stats)
    registry.digest_section(stats.digest_lines)
    registry.stats_export(stats.buddy_rows)
    registry.home_section(commands.home_lines)
    registry.command(
        Command(
            ("kith", "setup", "buddies"),
            N_("create or change buddy pairing"),
            commands.setup_buddies,
            admin=True,
            options=commands.SETUP_OPTIONS,
        )
    )
    member_commands = (
        ("join", N_("join the buddy pool"), commands.buddy_join, "", ()),
        ("leave", N_("leave the buddy pool"), commands.buddy_leave, "", ()),
        ("status", N_("my current buddy and the next round"), commands.buddy_status, "", ()),
        (
            "pause",
            N_("sit out rounds until a date"),
            commands.buddy_pause,
            "",
            (
                Option(
                    "until", OptionKind.DATE, N_("the date you're back, YYYY-MM-DD"), required=True
                ),
            ),
        ),
        ("resume", N_("end a pause or skip early"), commands.buddy_resume, "", ()),
        ("skip", N_("sit out just the next round"), commands.buddy_skip, "", ()),
        (
            "avoid",
            N_("never pair me with someone (private)"),
            commands.buddy_avoid,
            "@member",
            (),
        ),
        (
            "unavoid",
            N_("take someone off my do-not-pair list"),
            commands.buddy_unavoid,
            "@member",
            (),
        ),
    )
    for word, summary, handler, usage, options in member_commands:
        registry.command(Command(("buddy", word), summary, handler, usage=usage, options=options))
