"""The retention job: once a day, trim what is older than each community's retention period.

Reflections are deleted (and the posts of shared ones queued for deletion on the platform); raw
moods, safety events and requests for a person are deleted; kind-act and thank-you notes are
blanked (the acts still count for streaks). It runs as a daily maintenance job, claimed once per
UTC date across processes, in short slices that members' actions interleave with
(``bot.maintenance``); a run cut short is continued where it stopped, and every slice is
idempotent, so a day missed while Kith was down is covered by the next run.
"""

from __future__ import annotations

import logging

from bot.logs import event
from bot.maintenance import MaintenanceRun
from bot.privacy.data import trim_all_communities
from bot.privacy.posts import queue_unposts
from bot.registry import MaintenanceJob

log = logging.getLogger("kith.privacy")


async def run_retention(run: MaintenanceRun) -> str:
    # Shared reflections' posts leave the channel with them (see bot.privacy.posts).
    await queue_unposts(run)
    trimmed = await trim_all_communities(run)
    if trimmed and not await run.services.db.scrub_deleted():
        # Another reader held the files: the next forget or retention run finishes the job.
        event(log, "retention_scrub_deferred", logging.WARNING)
    if trimmed:
        event(log, "retention", **trimmed)
    return f"trimmed {sum(trimmed.values())} records"


RETENTION_JOB = MaintenanceJob("retention", at_seconds=3 * 3600 + 17 * 60, run=run_retention)
