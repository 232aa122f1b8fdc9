"""The retention job: once a day, trim free text older than each community's retention period.

Reflections are deleted; kind-act and thank-you notes are blanked (the acts still count for
streaks). It runs as a daily maintenance job, claimed once per UTC date across processes, and is
idempotent, so a day missed while Kith was down is covered by the next run.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.context import Services
from bot.logs import event
from bot.privacy.data import retention_days, trim_old_text
from bot.registry import MaintenanceJob

log = logging.getLogger("kith.privacy")


async def run_retention(services: Services, now: datetime) -> str:
    communities = [r["id"] for r in await services.db.fetchall("SELECT id FROM communities")]
    total = 0
    for community in communities:
        async with services.db.transaction() as tx:
            days = await retention_days(tx, community)
            trimmed = await trim_old_text(tx, community, now, days)
        if trimmed:
            total += sum(trimmed.values())
            event(
                log,
                "retention",
                community=community,
                days=days,
                **{table: count for table, count in trimmed.items()},
            )
    return f"trimmed {total} records in {len(communities)} communities"


RETENTION_JOB = MaintenanceJob("retention", at_seconds=3 * 3600 + 17 * 60, run=run_retention)
