"""What admins see under the buddy programme in ``/kith status``: the pool, the latest round,
and anyone an intro could not reach (closed DMs), so a quiet failure never goes unnoticed."""

from __future__ import annotations

from bot.buddies.rounds import latest_round, round_groups
from bot.buddies.rule import buddy_rule, day_label
from bot.context import Context
from bot.kith_commands import local_label
from bot.programmes import Programme
from bot.scheduling.timezones import local_date
from bot.wording import plural

MAX_NAMED = 10  # unreachable members named in full; the rest are counted


async def pool_counts(ctx: Context, tz: str) -> dict[str, int]:
    row = await ctx.db.fetchone(
        "SELECT COUNT(*) AS members,"
        " SUM(CASE WHEN paused_until IS NOT NULL AND paused_until > ? THEN 1 ELSE 0 END)"
        " AS paused,"
        " SUM(skip_next) AS skipping, SUM(awaiting) AS awaiting"
        " FROM buddy_members WHERE community_id = ? AND active = 1",
        local_date(ctx.now, tz).isoformat(),
        ctx.community.ref.key,
    )
    assert row is not None
    return {key: int(row[key] or 0) for key in ("members", "paused", "skipping", "awaiting")}


async def round_status(ctx: Context, programme: Programme) -> list[str]:
    counts = await pool_counts(ctx, programme.tz)
    extras = []
    if counts["paused"]:
        extras.append(f"{counts['paused']} paused")
    if counts["skipping"]:
        extras.append(f"{counts['skipping']} skipping the next round")
    if counts["awaiting"]:
        extras.append(f"{counts['awaiting']} not yet answered whether to stay")
    lines = [
        f"Pool: {plural(counts['members'], 'member')}"
        + (f" ({', '.join(extras)})" if extras else "")
        + "."
    ]
    round_ = await latest_round(ctx.db, programme.id)
    if round_ is not None:
        groups = await round_groups(ctx.db, round_.occurrence_id)
        when = day_label(round_.started_at, programme.tz)
        lines.append(
            f"Latest round: {round_.number} ({when}): {plural(len(groups), 'group')}, "
            f"{plural(round_.paired, 'member')} paired"
            + (f", {len(round_.unplaced_ids)} not paired" if round_.unplaced_ids else "")
            + "."
        )
        unreachable = [
            p.name for g in groups for p in g.people if g.intro_state != "pending" and not p.reached
        ]
        if unreachable:
            named = ", ".join(f"@{n}" for n in unreachable[:MAX_NAMED])
            more = len(unreachable) - MAX_NAMED
            lines.append(
                f"Couldn't reach {named}{f' and {more} more' if more > 0 else ''} with round "
                f"{round_.number}'s intro (their DMs may be closed, or they left); the rest of "
                "their groups were introduced."
            )
    if not programme.paused:
        upcoming = buddy_rule(programme).next_round(ctx.now)
        if upcoming is not None:
            lines.append(f"Next round: {local_label(upcoming[1], programme.tz)}.")
    return lines
