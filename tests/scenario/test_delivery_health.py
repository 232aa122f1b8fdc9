"""The "Delivery problem" line of /kith status: there while posts fail, gone after one succeeds."""

from __future__ import annotations

from datetime import timedelta

from bot.ports import DeliveryError
from tests.fakes import Harness, reply_text

SETUP = "/kith setup checkin channel:#general time:09:00 days:mon-fri tz:Europe/London"
UNKNOWN = DeliveryError("the channel no longer exists", permanent=True)


async def status(h: Harness) -> str:
    return reply_text(await h.say("ada", "/kith status"))


async def test_failures_on_several_days_count_from_the_first_and_clear_on_success(
    harness: Harness,
) -> None:
    assert "set up" in reply_text(await harness.say("ada", SETUP))
    harness.chat.fail_next += [UNKNOWN, UNKNOWN]
    await harness.advance(timedelta(days=1, hours=4))  # Monday and Tuesday 09:00 both fail
    shown = await status(harness)
    assert (
        "Delivery problem since Mon 02 Mar 09:00 GMT (2 posts affected): "
        "the channel no longer exists." in shown
    ), shown
    assert "Next try" not in shown  # permanent: Kith is not retrying
    await harness.advance(timedelta(days=1))  # Wednesday's post goes out
    shown = await status(harness)
    assert "Delivery problem" not in shown and shown.count("Failed:") == 2


async def test_a_retrying_post_says_when_the_next_try_is_and_pausing_hides_it(
    harness: Harness,
) -> None:
    assert "set up" in reply_text(await harness.say("ada", SETUP))
    harness.chat.fail_next.append(
        DeliveryError("Discord had a server error (503); will retry", permanent=False)
    )
    await harness.advance(timedelta(hours=3))  # the 09:00 attempt fails; the retry is at 09:00:15
    shown = await status(harness)
    assert (
        "Delivery problem since Mon 02 Mar 09:00 GMT: Discord had a server error (503). "
        "Next try: Mon 02 Mar 09:00 GMT." in shown
    ), shown
    await harness.say("ada", "/kith pause checkin")
    assert "Delivery problem" not in await status(harness)
