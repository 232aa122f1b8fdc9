"""Aggregate statistics: the smallest group a figure may describe, and the admins' CSV export.

``/kith stats export`` gathers rows from every feature (buddy rounds, weekly check-in and
kindness figures) and writes them as one CSV in long form (section, period, measure, value), so
a spreadsheet can pivot it any way. Any figure under ``MIN_GROUP`` is withheld, and so is any
rate or average taken over fewer than ``MIN_GROUP``: a small group's figures could point at one
person. No row is about one member.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.commands.parse import Invocation
from bot.commands.values import refuse_stray_words
from bot.context import Context
from bot.i18n import _
from bot.messages import Attachment, Reply
from bot.sparklines import MIN_GROUP

# The columns and section and measure names are data (a spreadsheet's formulas refer to them),
# so they stay English; the note beside a withheld figure is for people, in the reader's language.
COLUMNS = ("section", "period", "measure", "value", "note")


def withheld_note() -> str:
    return _("withheld: under {min}", min=MIN_GROUP)


@dataclass(frozen=True, slots=True)
class StatRow:
    section: str  # buddies, checkins, kindness
    period: date  # a round's date, or the Monday that starts a week
    measure: str
    value: int | float
    over: int | None = None  # for a rate or an average: how many it is taken over

    def cell(self) -> tuple[str, str]:
        """(value, note) as written: withheld when the figure, or what it is taken over, is
        under the minimum."""
        counted = self.value if self.over is None else self.over
        if counted < MIN_GROUP:
            return "", withheld_note()
        if isinstance(self.value, float):
            return f"{self.value:.2f}", ""
        return str(self.value), ""


def week_of(day: date) -> date:
    """The Monday that starts ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def export_csv(rows: list[StatRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180, what spreadsheets expect
    writer.writerow(COLUMNS)
    for row in sorted(rows, key=lambda r: (r.section, r.period)):
        value, note = row.cell()
        writer.writerow((row.section, row.period.isoformat(), row.measure, value, note))
    return out.getvalue()


async def stats_export_command(ctx: Context, inv: Invocation) -> Reply:
    refuse_stray_words(inv, (), "/kith stats export")
    rows: list[StatRow] = []
    for section in ctx.services.registry.stats_exports:
        rows.extend(await section(ctx))
    reply = Reply.text(
        _(
            "Here are this community's statistics as a CSV file, only for you: each buddy round, "
            "and check-ins and kindness week by week. They are aggregates only, never about one "
            "person, and any figure under {min} (or a rate or average over fewer than {min}) is "
            "withheld.",
            min=MIN_GROUP,
        )
        if rows
        else _("There is nothing to export yet: no buddy rounds, check-ins or kind acts here.")
    )
    if not rows:
        return reply
    assert reply.message is not None
    name = f"kith-stats-{ctx.now:%Y%m%d}.csv"
    attachment = Attachment(name, export_csv(rows), "text/csv")
    return replace(reply, message=replace(reply.message, attachment=attachment))
