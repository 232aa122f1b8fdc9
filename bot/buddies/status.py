"""What admins see under the buddy programme in ``/kith status``: the pool, the latest round,
and anyone an intro could not reach (closed DMs), so a quiet failure never goes unnoticed."""

from __future__ import annotations

from bot.buddies.rounds import latest_round, round_groups
from bot.buddies.rule import buddy_rule, day_label, time_label
from bot.context import Context
from bot.i18n import _, ngettext
from bot.programmes import Programme
from bot.scheduling.timezones import local_date

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
        extras.append(_("{n} paused", n=counts["paused"]))
    if counts["skipping"]:
        extras.append(_("{n} skipping the next round", n=counts["skipping"]))
    if counts["awaiting"]:
        extras.append(_("{n} not yet answered whether to stay", n=counts["awaiting"]))
    members = ngettext("{n} member", "{n} members", counts["members"])
    if extras:
        lines = [_("Pool: {members} ({details}).", members=members, details=", ".join(extras))]
    else:
        lines = [_("Pool: {members}.", members=members)]
    round_ = await latest_round(ctx.db, programme.id)
    if round_ is not None:
        groups = await round_groups(ctx.db, round_.occurrence_id)
        values = {
            "number": round_.number,
            "day": day_label(round_.started_at, programme.tz),
            "groups": ngettext("{n} group", "{n} groups", len(groups)),
            "paired": ngettext("{n} member paired", "{n} members paired", round_.paired),
        }
        if round_.unplaced_ids:
            lines.append(
                _(
                    "Latest round: {number} ({day}): {groups}, {paired}, {unpaired} not paired.",
                    unpaired=len(round_.unplaced_ids),
                    **values,
                )
            )
        else:
            lines.append(_("Latest round: {number} ({day}): {groups}, {paired}.", **values))
        unreachable = [
            p.name for g in groups for p in g.people if g.intro_state != "pending" and not p.reached
        ]
        if unreachable:
            named = ", ".join(f"@{n}" for n in unreachable[:MAX_NAMED])
            more = len(unreachable) - MAX_NAMED
            if more > 0:
                named = ngettext("{names} and {n} more", "{names} and {n} more", more, names=named)
            lines.append(
                _(
                    "Couldn't reach {names} with round {number}'s intro (their DMs may be closed, "
                    "or they left); the rest of their groups were introduced.",
                    names=named,
                    number=round_.number,
                )
            )
    if not programme.paused:
        upcoming = buddy_rule(programme).next_round(ctx.now)
        if upcoming is not None:
            lines.append(_("Next round: {when}.", when=time_label(upcoming[1], programme.tz)))
    return lines
