"""/kith stats keeps its numbers and gains a sparkline per series, with gaps for hidden weeks."""

from __future__ import annotations

from datetime import timedelta

from tests.fakes import Harness, reply_text

SETUP = "/kith setup checkin channel:#general time:09:00 days:daily tz:UTC"


def line_starting(text: str, prefix: str) -> str:
    found = [line for line in text.splitlines() if line.startswith(prefix)]
    assert len(found) == 1, text
    return found[0]


async def test_checkin_sparklines_hide_weeks_under_five_answers(harness: Harness) -> None:
    await harness.say("ada", SETUP)
    # Week 1: six members answer on Monday; week 2: three; week 3: five (starts Mon 2 March).
    for week, answering in enumerate((6, 3, 5)):
        await harness.advance_to(harness.clock.now().replace(hour=10))
        post = harness.chat.to("#general")[-1]
        for n in range(answering):
            await harness.click(f"m{n}", post.choice(str(2 + n % 3)))
        await harness.advance(timedelta(days=7) if week < 2 else timedelta(hours=1))
    reply = await harness.say("ada", "/kith stats window:30d")
    text = reply_text(reply)
    mood = line_starting(text, "Mood by week: ")
    bars, numbers = mood.removeprefix("Mood by week: ").split("  (")
    assert numbers == "3.0, –, 2.8)"  # week 2 had three answers: withheld, in words too
    assert len(bars) == 3 and bars[1] == " " and bars[0] != " " and bars[2] != " "
    answers = line_starting(text, "Answers by day: ")
    assert answers.endswith(")") and "6" in answers and "3" in answers
    assert "hidden (fewer than 5 answers)" in text  # the per-week lines stay
    # The chart comes with the text, and its alt text withholds the same week.
    assert reply.message is not None and reply.message.attachment is not None
    chart = reply.message.attachment
    assert chart.media_type == "image/png" and chart.data.startswith(b"\x89PNG")
    assert "Mood by week: fell from 3.0" in chart.description
    assert "1 withheld (fewer than 5 answers)" in chart.description


async def test_kind_acts_per_day_sparkline(harness: Harness) -> None:
    await harness.say("ada", "/kith setup kindness channel:#kindness")
    for day, acts in enumerate((2, 0, 3)):
        for n in range(acts):
            await harness.say(f"k{n}", f"/kind helped neighbour number {day}-{n}")
        await harness.advance(timedelta(days=1))
    text = reply_text(await harness.say("ada", "/kith stats window:7d"))
    line = line_starting(text, "Kind acts by day: ")
    # The last seven local dates, oldest first; nothing on the day between and on today.
    assert line == "Kind acts by day: ▁▁▁▆▁█▁  (0, 0, 0, 2, 0, 3, 0)"
