"""Kindness streaks: kind acts, thanks, streaks on local dates, leaderboards, milestones and the
31-day challenge.

Other features record an act they earned (a buddy meeting) with ``record_act`` inside their own
transaction.
"""

from __future__ import annotations

from bot.i18n import N_
from bot.kindness import (
    challenge,
    commands,
    digest,
    leaderboard_commands,
    milestones,
    setup,
    stats,
    thanks,
)
from bot.kindness.acts import ActResult, Outcome, record_act
from bot.kindness.config import CHALLENGE_POST, DIGEST_POST, MILESTONE_POST
from bot.kindness.leaderboard import RANK_BY, WINDOWS
from bot.registry import Command, Option, OptionKind, Registry

__all__ = ["ActResult", "Outcome", "record_act", "register"]


def register(registry: Registry) -> None:
    registry.programme_kind(challenge.KINDNESS_KIND)
    registry.deliverer(CHALLENGE_POST, challenge.deliver_challenge)
    registry.deliverer(MILESTONE_POST, milestones.deliver_milestone)
    registry.deliverer(DIGEST_POST, digest.deliver_digest)
    registry.choice(challenge.CHOICE_KIND, challenge.challenge_done, fields=1)
    registry.command(
        Command(
            ("kind",),
            N_("log a kind act; answers with your streak"),
            commands.kind_command,
            usage="<what I did>",
            options=(Option("for", OptionKind.USER, N_("who it was for (optional)")),),
        )
    )
    registry.command(
        Command(
            ("thanks",),
            N_("thank someone, privately; it counts on their “kindness noticed” tally"),
            thanks.thanks_command,
            usage="@member <why>",
        )
    )
    registry.command(
        Command(
            ("streak",),
            N_("your current and longest streak, and how streaks work"),
            commands.streak_command,
            usage="[@member]",
        )
    )
    registry.command(
        Command(
            ("streak", "milestones"),
            N_("public: celebrate my milestones by name in the kindness channel; private: don't"),
            commands.milestones_command,
            usage="public|private",
        )
    )
    registry.command(
        Command(
            ("leaderboard",),
            N_("the community's kindness leaderboard (names, never pings)"),
            leaderboard_commands.leaderboard_command,
            options=(
                Option("window", OptionKind.CHOICE, N_("which period"), choices=WINDOWS),
                Option("by", OptionKind.CHOICE, N_("rank by acts or streak"), choices=RANK_BY),
            ),
        )
    )
    registry.command(
        Command(
            ("leaderboard", "join"),
            N_("show me on the kindness leaderboard"),
            leaderboard_commands.join_command,
        )
    )
    registry.command(
        Command(
            ("leaderboard", "leave"),
            N_("keep me off the kindness leaderboard"),
            leaderboard_commands.leave_command,
        )
    )
    registry.command(
        Command(
            ("kith", "setup", "kindness"),
            N_("create or change kindness streaks, the leaderboard and the 31-day challenge"),
            setup.setup_kindness,
            admin=True,
            options=(
                Option("channel", OptionKind.CHANNEL, N_("where milestones and the challenge go")),
                Option(
                    "leaderboard",
                    OptionKind.CHOICE,
                    N_("who appears on the leaderboard"),
                    choices=("opt-in", "everyone", "off"),
                ),
                Option(
                    "challenge",
                    OptionKind.CHOICE,
                    N_("start the 31-day challenge, or stop it"),
                    choices=("31-day", "off"),
                ),
                Option(
                    "digest",
                    OptionKind.CHOICE,
                    N_("a weekly look back in the kindness channel"),
                    choices=("on", "off"),
                ),
                Option(
                    "time", OptionKind.TIME, N_("local time of the daily challenge post, HH:MM")
                ),
                Option("tz", OptionKind.TIMEZONE, N_("time zone, like Europe/London")),
                Option("grace", OptionKind.INTEGER, N_("minutes a late post may still go out")),
            ),
        )
    )
    registry.stats_section(stats.kindness_stats)
    registry.stats_export(stats.kindness_rows)
