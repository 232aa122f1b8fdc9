"""The weekly kindness digest: once a week in the kindness channel, totals and a sparkline,
thanks, public milestones by name (private ones only counted), the challenge's day; no ranking."""

from __future__ import annotations

from datetime import timedelta

from tests.fakes import Harness, reply_text

SETUP = "/kith setup kindness channel:#kindness digest:on tz:UTC"


def digests(harness: Harness) -> list[str]:
    return [s.text for s in harness.chat.to("#kindness") if "This week in kindness" in s.text]


async def test_a_weekly_digest_once_a_week_with_names_only_where_public(harness: Harness) -> None:
    reply = reply_text(await harness.say("ada", SETUP))
    assert "Weekly digest: on, fri 16:00 (UTC)" in reply
    await harness.say("bo", "/streak milestones private")
    # Monday 2 March: Ada and Bo log an act each day Mon-Wed (a 3-day milestone each).
    for _ in range(3):
        await harness.say("ada", f"/kind watered the plants {harness.clock.now():%a}")
        await harness.say("bo", f"/kind made soup {harness.clock.now():%a}")
        await harness.advance(timedelta(days=1))
    await harness.say("cy", "/thanks @ada for the plants")
    await harness.advance_to(harness.clock.now().replace(day=6, hour=15, minute=59))
    assert digests(harness) == []  # not before Friday 16:00
    await harness.advance(timedelta(minutes=2))
    (digest,) = digests(harness)
    assert "6 kind acts this week" in digest
    assert "Kind acts by day: " in digest and "(0, 0, 2, 2, 2, 0, 0)" in digest
    assert "1 thank-you sent" in digest
    assert "Streak milestones: Ada (3 days), and 1 more." in digest
    assert "Bo" not in digest  # Bo's milestones are private: counted, never named
    for word in ("leaderboard", "top", "rank", "#1", "most"):
        assert word not in digest.lower()
    await harness.advance(timedelta(days=7))
    assert len(digests(harness)) == 2  # once a week
    second = digests(harness)[1]
    assert "A quiet week for kindness" in second and "Streak milestones" not in second
    assert "digest: is on or off" in reply_text(
        await harness.say("ada", "/kith setup kindness digest:maybe")
    )
    off = reply_text(await harness.say("ada", "/kith setup kindness digest:off"))
    assert "Weekly digest: off" in off
    await harness.advance(timedelta(days=14))
    assert len(digests(harness)) == 2


async def test_the_digest_shows_the_challenge_day(harness: Harness) -> None:
    await harness.say("ada", SETUP + " challenge:31-day")
    await harness.advance_to(harness.clock.now().replace(day=6, hour=16, minute=1))
    (digest,) = digests(harness)
    assert "The 31-day challenge is on day 5." in digest


async def test_the_digest_carries_the_buddy_met_rate_only_from_five_answers(
    harness: Harness,
) -> None:
    from tests.scenario.test_buddies import followups, join, setup

    await setup(harness)
    await harness.say("ada", SETUP)
    names = ["bo", "cy", "di", "ed", "fa", "gi"]
    await join(harness, *names)
    await harness.advance(timedelta(days=6, hours=4))  # Sunday 10:00: round 1's follow-up came
    for name in names[:4]:  # four answers: under the minimum, no rate shown
        await harness.click(name, followups(harness, name)[0].choice("met"))
    await harness.advance_to(harness.clock.now().replace(day=13, hour=16, minute=1))
    assert len(digests(harness)) == 2
    assert all("Buddy" not in d for d in digests(harness))
    await harness.advance_to(harness.clock.now().replace(day=15, hour=10))  # round 2's follow-up
    for name in names[:5]:
        question = followups(harness, name)[-1]
        await harness.click(name, question.choice("met" if name != "bo" else "notyet"))
    await harness.advance_to(harness.clock.now().replace(day=20, hour=16, minute=1))
    third = digests(harness)[2]
    assert "🤝 Buddy round 2: met in" in third
