"""Daily check-ins: a prompt posted on a schedule, mood buttons, private reflections, stats."""

from __future__ import annotations

from bot.checkins import answers, commands, stats
from bot.checkins.post import deliver_post, prepare_post
from bot.checkins.rule import CHECKIN_KIND, POST
from bot.registry import Command, Option, OptionKind, Registry


def register(registry: Registry) -> None:
    registry.programme_kind(CHECKIN_KIND)
    registry.deliverer(POST, deliver_post, prepare_post)
    registry.choice("mood", answers.mood_clicked)
    registry.choice("reflect", answers.reflect_clicked)
    registry.choice("share", answers.share_clicked)
    registry.form("reflect", answers.reflection_submitted)
    registry.command(
        Command(("checkin",), "today's check-in prompt for me, privately", commands.checkin_now)
    )
    registry.command(
        Command(
            ("kith", "setup", "checkin"),
            "create or change the daily check-in",
            commands.setup_checkin,
            admin=True,
            options=(
                Option("channel", OptionKind.CHANNEL, "where check-ins are posted"),
                Option("time", OptionKind.TIME, "local time, HH:MM"),
                Option("days", OptionKind.DAYS, "days, like mon-fri or daily"),
                Option("tz", OptionKind.TIMEZONE, "time zone, like Europe/London"),
                Option("grace", OptionKind.INTEGER, "minutes a late post may still go out"),
            ),
        )
    )
    registry.command(
        Command(
            ("kith", "prompts", "list"),
            "the check-in prompt deck",
            commands.prompts_list,
            admin=True,
        )
    )
    registry.command(
        Command(
            ("kith", "prompts", "add"),
            "add a prompt of your own",
            commands.prompts_add,
            admin=True,
            usage="<text>",
        )
    )
    registry.command(
        Command(
            ("kith", "prompts", "remove"),
            "remove one of your prompts",
            commands.prompts_remove,
            admin=True,
            usage="<number>",
        )
    )
    registry.stats_section(stats.checkin_stats)
