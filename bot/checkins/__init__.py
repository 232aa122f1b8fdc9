"""Daily check-ins: a prompt posted on a schedule, mood buttons, private reflections, stats."""

from __future__ import annotations

from dataclasses import replace

from bot.checkins import answers, commands, personal, stats
from bot.checkins.personal_delivery import (
    deliver_nudge,
    deliver_personal,
    prepare_nudge,
    prepare_personal,
)
from bot.checkins.personal_plan import PERSONAL_PLANNER
from bot.checkins.post import deliver_post, prepare_post
from bot.checkins.rule import CHECKIN_KIND, NUDGE, PERSONAL, POST
from bot.i18n import N_
from bot.registry import Command, Option, OptionKind, Registry

SWITCH = ("on", "off")


def register(registry: Registry) -> None:
    registry.programme_kind(
        replace(CHECKIN_KIND, status=personal.personal_status, member_kinds=(PERSONAL, NUDGE))
    )
    registry.deliverer(POST, deliver_post, prepare_post)
    registry.deliverer(PERSONAL, deliver_personal, prepare_personal)
    registry.deliverer(NUDGE, deliver_nudge, prepare_nudge)
    registry.planner(PERSONAL_PLANNER)
    registry.timezone_listener(personal.timezone_changed)
    registry.choice("mood", answers.mood_clicked, fields=2)
    registry.choice("reflect", answers.reflect_clicked, fields=1)
    registry.choice("share", answers.share_clicked, fields=2)
    registry.form("reflect", answers.reflection_submitted, fields=1)
    registry.command(
        Command(("checkin",), N_("today's check-in prompt for me, privately"), commands.checkin_now)
    )
    registry.command(
        Command(
            ("checkin", "daily"),
            N_("my own private check-in each chosen day at my local time"),
            personal.checkin_daily,
            options=(
                Option("time", OptionKind.TIME, N_("your local time, HH:MM")),
                Option("days", OptionKind.DAYS, N_("days, like mon-fri or daily")),
                Option(
                    "remind",
                    OptionKind.CHOICE,
                    N_("one gentle reminder if unanswered"),
                    False,
                    SWITCH,
                ),
            ),
        )
    )
    registry.command(Command(("checkin", "off"), N_("stop my own check-ins"), personal.checkin_off))
    registry.command(
        Command(
            ("checkin", "pause"),
            N_("a break from my own check-ins until a date"),
            personal.checkin_pause,
            options=(Option("until", OptionKind.DATE, N_("first day back, YYYY-MM-DD"), True),),
        )
    )
    registry.command(
        Command(("checkin", "resume"), N_("end my check-in break early"), personal.checkin_resume)
    )
    registry.command(
        Command(
            ("kith", "setup", "checkin"),
            N_("create or change the daily check-in"),
            commands.setup_checkin,
            admin=True,
            options=(
                Option("channel", OptionKind.CHANNEL, N_("where check-ins are posted")),
                Option("time", OptionKind.TIME, N_("local time, HH:MM")),
                Option("days", OptionKind.DAYS, N_("days, like mon-fri or daily")),
                Option("tz", OptionKind.TIMEZONE, N_("time zone, like Europe/London")),
                Option("grace", OptionKind.INTEGER, N_("minutes a late post may still go out")),
                Option("personal", OptionKind.CHOICE, N_("members' own check-ins"), False, SWITCH),
            ),
        )
    )
    registry.command(
        Command(
            ("kith", "prompts", "list"),
            N_("the check-in prompt deck"),
            commands.prompts_list,
            admin=True,
        )
    )
    registry.command(
        Command(
            ("kith", "prompts", "add"),
            N_("add a prompt of your own"),
            commands.prompts_add,
            admin=True,
            usage="<text>",
        )
    )
    registry.command(
        Command(
            ("kith", "prompts", "remove"),
            N_("remove one of your prompts"),
            commands.prompts_remove,
            admin=True,
            usage="<number>",
        )
    )
    registry.stats_section(stats.checkin_stats)
    registry.stats_export(stats.checkin_rows)
