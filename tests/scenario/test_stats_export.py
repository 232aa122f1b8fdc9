"""/kith stats export: a CSV of buddy rounds and weekly check-in and kindness figures, sent only
to the admin who asked, aggregates only, with every figure under 5 withheld."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from tests.fakes import Harness, reply_text, snapshot
from tests.scenario.test_buddies import WEEK, followups, join
from tests.scenario.test_buddies import setup as setup_buddies

MEMBERS = ["bo", "cy", "di", "ed", "fa", "gi"]


def table(text: str) -> dict[tuple[str, str, str], tuple[str, str]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    return {(r["section"], r["period"], r["measure"]): (r["value"], r["note"]) for r in rows}


async def test_the_export_is_aggregate_private_and_withholds_small_figures(
    harness: Harness,
) -> None:
    nothing = reply_text(await harness.say("ada", "/kith stats export"))
    assert "nothing to export yet" in nothing
    await harness.say(
        "ada", "/kith setup checkin channel:#general time:09:00 days:mon-fri tz:Europe/London"
    )
    await harness.say("ada", "/kith setup kindness channel:#kindness")
    await setup_buddies(harness)
    await join(harness, *MEMBERS)
    await harness.advance(timedelta(hours=4))  # Monday: round 1 and the day's check-in
    monday = harness.chat.to("#general")[0]
    for name, mood in zip(MEMBERS, ["5", "4", "4", "3", "2", "4"], strict=True):
        await harness.click(name, monday.choice(mood))
    for name in ("bo", "cy"):
        await harness.say(name, "/kind carried a neighbour's shopping upstairs")
    await harness.advance(WEEK)  # Sunday's "did you connect?", then round 2
    for name in MEMBERS:
        await harness.click(name, followups(harness, name)[0].choice("met"))

    assert "admins" in reply_text(await harness.say("bo", "/kith stats export"))
    before = await snapshot(harness.db)
    stray = reply_text(await harness.say("ada", "/kith stats export csv"))
    assert "doesn't know what to do with “csv”" in stray
    assert await snapshot(harness.db) == before

    reply = await harness.say("ada", "/kith stats export")
    assert reply.private and reply.message is not None
    attachment = reply.message.attachment
    assert attachment is not None and attachment.media_type == "text/csv"
    assert attachment.filename.endswith(".csv")
    assert "under 5" in reply_text(reply) and "never about one person" in reply_text(reply)
    text = attachment.content
    assert text.splitlines()[0] == "section,period,measure,value,note"
    cells = table(text)
    withheld = ("", "withheld: under 5")
    # Round 1: six members in three pairs, all answered, every group met.
    assert cells[("buddies", "2026-03-02", "members paired")] == ("6", "")
    assert cells[("buddies", "2026-03-02", "answered")] == ("6", "")
    assert cells[("buddies", "2026-03-02", "groups")] == withheld  # 3
    assert cells[("buddies", "2026-03-02", "met rate (% of groups)")] == withheld  # over 3
    assert cells[("buddies", "2026-03-02", "repeats avoided")] == withheld  # 0
    assert ("buddies", "2026-03-09", "answered") not in cells  # round 2 not asked yet
    # The first week of check-ins: five posts, six answers averaging 22/6.
    assert cells[("checkins", "2026-03-02", "posts")] == ("5", "")
    assert cells[("checkins", "2026-03-02", "answers")] == ("6", "")
    assert cells[("checkins", "2026-03-02", "members answering")] == ("6", "")
    assert cells[("checkins", "2026-03-02", "average mood (1-5)")] == ("3.67", "")
    # Two kind acts that week: too few to show.
    assert cells[("kindness", "2026-03-02", "kind acts counted")] == withheld
    assert cells[("kindness", "2026-03-02", "members logging")] == withheld
    # Nothing in it names or identifies anyone.
    for name in MEMBERS:
        assert f":{name}" not in text and name.capitalize() not in text
    assert "neighbour" not in text
