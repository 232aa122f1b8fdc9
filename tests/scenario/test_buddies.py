"""Buddy pairing through the real core, a real SQLite store, a simulated clock and a fake chat.

START is Monday 2 March 2026, 06:00 UTC; rounds are set for Mondays 09:00 Europe/London, so the
first round is that morning, its nudge Thursday, its "did you connect?" Sunday.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import choice_ids
from bot.buddies.pairing import History
from bot.ports import DeliveryError
from tests.fakes import COMMUNITY, Harness, Sent, reply_text, snapshot
from tests.unit.test_pairing_property import oracle

SETUP = "/kith setup buddies channel:#buddies every:1w day:mon time:09:00 tz:Europe/London"
LONDON = ZoneInfo("Europe/London")
WEEK = timedelta(weeks=1)


async def setup(h: Harness, text: str = SETUP) -> None:
    reply = reply_text(await h.say("ada", text))
    assert "Buddy pairing is set up" in reply or "updated" in reply, reply


async def join(h: Harness, *names: str) -> None:
    for name in names:
        assert "You're in the buddy pool" in reply_text(await h.say(name, "/buddy join"))


def key(name: str) -> str:
    return f"{COMMUNITY.key}:{name}"


async def rounds(h: Harness) -> dict[int, list[frozenset[str]]]:
    """Each round's groups as sets of member names, from the store."""
    rows = await h.db.fetchall(
        "SELECT r.number, g.id, bm.user_key FROM buddy_rounds r"
        " JOIN buddy_groups g ON g.round_id = r.occurrence_id"
        " JOIN buddy_group_members gm ON gm.group_id = g.id"
        " JOIN buddy_members bm ON bm.id = gm.member_id ORDER BY r.number, g.id"
    )
    groups: dict[tuple[int, int], set[str]] = defaultdict(set)
    for row in rows:
        groups[(row["number"], row["id"])].add(row["user_key"].rsplit(":", 1)[-1])
    by_round: dict[int, list[frozenset[str]]] = defaultdict(list)
    for (number, _), names in sorted(groups.items()):
        by_round[number].append(frozenset(names))
    return dict(by_round)


def messages(h: Harness, name: str, text: str) -> list[Sent]:
    return [s for s in h.chat.to(f"@{name}") if text in s.text]


def followups(h: Harness, name: str) -> list[Sent]:
    return messages(h, name, "did you connect?")


async def weeks_with_answers(h: Harness, weeks: int, names: list[str], answer: str) -> None:
    """Move on week by week, each named member answering their latest "did you connect?"."""
    for _ in range(weeks):
        await h.advance(WEEK)
        for name in names:
            for question in followups(h, name)[-1:]:
                await h.click(name, question.choice(answer))


async def test_rounds_pair_everyone_privately_weekly_at_local_time(harness: Harness) -> None:
    await setup(harness)
    await join(harness, "bo", "cy", "di", "ed", "fa")
    await harness.advance(timedelta(hours=4))
    paired = await rounds(harness)
    assert sorted(len(g) for g in paired[1]) == [2, 3]  # the odd member joined a pair
    assert sorted(itertools.chain.from_iterable(paired[1])) == ["bo", "cy", "di", "ed", "fa"]
    for group in paired[1]:
        for name in group:
            [intro] = messages(harness, name, "Buddy round 1")
            assert intro.private and intro.text.count("@") == len(group)
            assert all(f"@{other.capitalize()}" in intro.text for other in group)
            assert "Conversation starter:" in intro.text
    assert harness.chat.to("#buddies") == []  # nothing about groups in public
    starter = messages(harness, "bo", "Buddy round 1")[0].text.split("Conversation starter: ")[1]
    starters = {p.text for p in harness.kith.services.catalogue.starters}
    assert starter.split("\n")[0] in starters and len(starters) >= 40
    await harness.advance(2 * WEEK)
    rows = await harness.db.fetchall(
        "SELECT kind, slot, due_at FROM occurrences WHERE kind = 'buddies.round'"
        " AND state = 'sent' ORDER BY due_at"
    )
    assert [r["slot"] for r in rows] == ["2026-03-02", "2026-03-09", "2026-03-16"]
    for row in rows:
        local = datetime.fromtimestamp(row["due_at"], UTC).astimezone(LONDON)
        assert (local.weekday(), local.hour, local.minute) == (0, 9, 0)
    assert len(messages(harness, "bo", "👋 Buddy round")) == 3  # exactly one intro a round


def least_repeats_possible(
    pool: list[str],
    earlier: list[list[frozenset[str]]],
    size: int = 2,
    window: int = 6,
    avoid: tuple[tuple[str, str], ...] = (),
) -> tuple[int, tuple[int, ...]]:
    """By trying every grouping: the fewest repeats a round of ``pool`` could have, and how
    recent they would be (repeats per age, latest first). ``earlier`` is latest first."""
    ids = {name: i + 1 for i, name in enumerate(sorted(pool))}
    history = History.from_groups(
        [[[ids[n] for n in g if n in ids] for g in groups] for groups in earlier[:12]], 100
    )
    scenario = {
        "members": list(ids.values()),
        "size": size,
        "window": window,
        "history": history,
        "avoid": [(ids[a], ids[b]) for a, b in avoid if a in ids and b in ids],
        "seed": 0,
    }
    best = oracle(scenario)
    return best[1], best[2]


def repeats_in(
    groups: list[frozenset[str]], earlier: list[list[frozenset[str]]], window: int = 6
) -> tuple[int, tuple[int, ...]]:
    ages = []
    for group in groups:
        for pair in itertools.combinations(sorted(group), 2):
            age = next(
                (i + 1 for i, past in enumerate(earlier) if any(set(pair) <= g for g in past)),
                None,
            )
            if age is not None and age <= window:
                ages.append(age)
    return len(ages), tuple(ages.count(a) for a in range(1, window + 1))


async def test_no_avoidable_repeat_over_a_season(harness: Harness) -> None:
    await setup(harness)
    names = [f"m{i}" for i in range(7)]
    await join(harness, *names)
    await weeks_with_answers(harness, 9, names, "met")
    await harness.advance(timedelta(hours=4))  # ten rounds of a pool of seven
    by_round = await rounds(harness)
    assert len(by_round) == 10
    total = 0
    for number in sorted(by_round):
        earlier = [by_round[n] for n in range(number - 1, 0, -1)]
        got = repeats_in(by_round[number], earlier)
        assert got == least_repeats_possible(names, earlier), number
        total += got[0]
    assert total > 0  # seven people in pairs run out of new pairs: repeats, but only unavoidable
    stats = reply_text(await harness.say("ada", "/kith stats window:90d"))
    assert f"unavoidable repeats: {total}" in stats


async def test_every_two_weeks_skips_the_weeks_between(harness: Harness) -> None:
    await setup(harness, SETUP.replace("every:1w", "every:2w"))
    await join(harness, "bo", "cy")
    await harness.advance(5 * WEEK)
    slots = [
        r["slot"] for r in await harness.db.fetchall("SELECT slot FROM buddy_rounds ORDER BY slot")
    ]
    assert slots == ["2026-03-02", "2026-03-16", "2026-03-30"]
    nudges = await harness.db.fetchall(
        "SELECT due_at FROM occurrences WHERE kind = 'buddies.nudge' AND state = 'sent'"
        " ORDER BY due_at"
    )
    first = datetime.fromtimestamp(nudges[0]["due_at"], UTC).astimezone(LONDON)
    assert (first.date().isoformat(), first.hour) == ("2026-03-09", 9)  # halfway: a week in
    # Across the clock change on 29 March, rounds stay at 09:00 local time.
    for row in await harness.db.fetchall("SELECT started_at FROM buddy_rounds"):
        assert datetime.fromtimestamp(row["started_at"], UTC).astimezone(LONDON).hour == 9


async def test_pool_of_one_is_told_kindly_and_nobody_is_paired(harness: Harness) -> None:
    await setup(harness)
    await join(harness, "bo")
    await harness.advance(timedelta(hours=4))
    [note] = harness.chat.to("@bo")[-1:]
    assert "just you in the buddy pool" in note.text and note.private
    assert await rounds(harness) == {}
    row = await harness.db.fetchone("SELECT pool, paired, note FROM buddy_rounds")
    assert row == {"pool": 1, "paired": 0, "note": "only one member in the pool"}


async def test_nudge_halfway_and_followup_at_the_end_only_for_the_group(harness: Harness) -> None:
    await setup(harness)
    await join(harness, "bo", "cy", "di", "ed")
    await harness.advance(timedelta(days=3, hours=4))  # Thursday 10:00
    for name in ("bo", "cy", "di", "ed"):
        assert len(messages(harness, name, "Halfway through buddy round 1")) == 1
        assert followups(harness, name) == []
    await harness.advance(timedelta(days=3))  # Sunday 10:00
    groups = (await rounds(harness))[1]
    bo_group = next(g for g in groups if "bo" in g)
    outsider = next(iter(next(g for g in groups if "bo" not in g)))
    [question] = followups(harness, "bo")
    assert [c.value for c in question.message.choices] == ["met", "notyet", "couldnt"]
    before = await snapshot(harness.db)
    refused = await harness.click(outsider, question.choice("met"))
    assert "for the members of that buddy group" in reply_text(refused) and refused.private
    stranger = await harness.click("zed", question.choice("met"))
    assert "for the members of that buddy group" in reply_text(stranger)
    forged = (
        choice_ids.encode("buddy.answer", 9999, "met"),
        choice_ids.encode("buddy.answer", 1, "maybe"),
        "v1:buddy.answer:1",
    )
    await harness.refuses_clicks("bo", forged)
    assert await snapshot(harness.db) == before
    first = reply_text(await harness.click("bo", question.choice("notyet")))
    assert "still time" in first
    changed = reply_text(await harness.click("bo", question.choice("met")))
    assert "Changed your answer" in changed and "kind act" in changed
    same = reply_text(await harness.click("bo", question.choice("met")))
    assert "already said" in same
    rows = await harness.db.fetchall(
        "SELECT bm.user_key, gm.answer FROM buddy_group_members gm"
        " JOIN buddy_members bm ON bm.id = gm.member_id WHERE gm.answer IS NOT NULL"
    )
    assert [(r["user_key"], r["answer"]) for r in rows] == [(key("bo"), "met")]
    assert len(bo_group) == 2
    # "We met" counted once as a kind act for Bo's streak, however often Bo clicked.
    acts = await harness.db.fetchall("SELECT user_key, source, counted FROM kind_acts")
    assert [(r["user_key"], r["source"], r["counted"]) for r in acts] == [(key("bo"), "buddy", 1)]


async def test_answers_before_the_followup_or_after_the_round_closed_are_refused(
    harness: Harness,
) -> None:
    await setup(harness)
    await join(harness, "bo", "cy")
    await harness.advance(timedelta(hours=4))
    group_id = await harness.db.fetchval("SELECT MIN(id) FROM buddy_groups")
    early = await harness.click("bo", choice_ids.encode("buddy.answer", group_id, "met"))
    assert "can't find that buddy question" in reply_text(early)
    await harness.advance(timedelta(days=6))
    [question] = followups(harness, "bo")
    await harness.advance(3 * WEEK)
    late = await harness.click("bo", question.choice("met"))
    assert "has closed" in reply_text(late)
    assert (
        await harness.db.fetchval(
            "SELECT COUNT(*) FROM buddy_group_members WHERE answer IS NOT NULL"
        )
        == 0
    )


async def test_stats_and_buddy_status_match_the_clicks(harness: Harness) -> None:
    await setup(harness)
    await join(harness, "bo", "cy", "di", "ed", "fa", "gi")
    await harness.advance(timedelta(days=6, hours=4))
    clicked = {"bo": "met", "cy": "couldnt", "di": "notyet"}
    for name, answer in clicked.items():
        await harness.click(name, followups(harness, name)[0].choice(answer))
    groups = (await rounds(harness))[1]
    met_groups = sum(1 for g in groups if "bo" in g)
    stats = reply_text(await harness.say("ada", "/kith stats"))
    assert (
        f"Round 1 (Mon 02 Mar): 3 groups · 6 members paired · 3 of 6 answered · "
        f"met in {met_groups} of 3 groups" in stats
    )
    assert "answered: 3 of 6 (50%)" in stats and "met: 1 of 3 groups (33%)" in stats
    status = reply_text(await harness.say("bo", "/buddy status"))
    partner = next(iter(next(g for g in groups if "bo" in g) - {"bo"}))
    assert f"Your buddies (round 1, since Mon 02 Mar): @{partner.capitalize()}." in status
    assert "Your answer to “did you connect?”: 🤝 We met." in status
    assert "Next round: Mon 09 Mar 09:00 GMT." in status
    assert "3 of 6 answered" in status
    assert "for this community's admins" in reply_text(await harness.say("bo", "/kith stats"))


async def test_a_group_that_could_not_meet_may_be_grouped_again_sooner(harness: Harness) -> None:
    await a_group_that_could_not_meet(harness)


async def a_group_that_could_not_meet(harness: Harness) -> None:
    """Four members have three ways to pair up; by round 4 every pair met within the window.
    The pair from round 2 who answered "couldn't this time" never met, so round 4 groups them
    again (one repeat: their round-2 neighbours) instead of repeating both round-1 pairs."""
    await setup(harness)
    names = ["bo", "cy", "di", "ed"]
    await join(harness, *names)
    await harness.advance(timedelta(hours=4))
    await weeks_with_answers(harness, 1, names, "met")  # round 1 met; round 2 begins
    await harness.advance(WEEK)  # round 2 is asked "did you connect?"; round 3 begins
    missed, other = (await rounds(harness))[2]
    for name in sorted(missed):
        await harness.click(name, followups(harness, name)[-1].choice("couldnt"))
    for name in sorted(other):
        await harness.click(name, followups(harness, name)[-1].choice("met"))
    await harness.advance(WEEK)
    paired = await rounds(harness)
    assert len({g for r in (1, 2, 3) for g in paired[r]}) == 6  # every pair met once
    assert missed in paired[4]
    row = await harness.db.fetchone("SELECT repeats FROM buddy_rounds WHERE number = 4")
    assert row == {"repeats": 1}
    stats = reply_text(await harness.say("ada", "/kith stats"))
    assert "Round 2 (Mon 09 Mar): 2 groups · 4 members paired · 4 of 4 answered" in stats
    assert "met in 1 of 2 groups" in stats and "Rounds: 4" in stats


async def test_a_member_quiet_for_three_rounds_is_asked_once_and_left_out(
    harness: Harness,
) -> None:
    await setup(harness)
    await join(harness, "bo", "cy", "di", "ed", "gh")
    # Everyone but gh answers every round; gh never does.
    await weeks_with_answers(harness, 3, ["bo", "cy", "di", "ed"], "notyet")
    await harness.advance(timedelta(hours=4))  # round 4 starts
    [ask] = messages(harness, "gh", "still up for it?")
    assert [c.value for c in ask.message.choices] == ["stay", "pause", "leave"]
    paired = await rounds(harness)
    assert all("gh" in itertools.chain.from_iterable(paired[n]) for n in (1, 2, 3))
    assert "gh" not in set(itertools.chain.from_iterable(paired[4]))
    assert "not yet answered whether to stay" in reply_text(
        await harness.say("ada", "/kith status")
    )
    refused = await harness.click("bo", ask.choice("stay"))
    assert "for someone else" in reply_text(refused)
    await harness.advance(WEEK)  # still left out, and not asked again
    assert "gh" not in set(itertools.chain.from_iterable((await rounds(harness))[5]))
    assert len(messages(harness, "gh", "still up for it?")) == 1
    stay = reply_text(await harness.click("gh", ask.choice("stay")))
    assert "Glad you're staying" in stay
    assert "already answered" in reply_text(await harness.click("gh", ask.choice("leave")))
    await harness.advance(WEEK)
    assert "gh" in set(itertools.chain.from_iterable((await rounds(harness))[6]))


async def test_a_partner_saying_we_met_keeps_a_quiet_member_in(harness: Harness) -> None:
    await setup(harness)
    await join(harness, "bo", "cy")
    await weeks_with_answers(harness, 4, ["bo"], "met")
    await harness.advance(timedelta(hours=4))
    assert messages(harness, "cy", "still up for it?") == []
    assert len((await rounds(harness))[5]) == 1


async def test_quiet_member_can_pause_or_leave_from_the_question(harness: Harness) -> None:
    await setup(harness)
    await join(harness, "bo", "cy", "di")
    await harness.advance(3 * WEEK + timedelta(hours=4))  # nobody answers anything
    for name in ("bo", "cy"):
        [ask] = messages(harness, name, "still up for it?")
        verb = "pause" if name == "bo" else "leave"
        reply = reply_text(await harness.click(name, ask.choice(verb)))
        assert ("Paused until Mon 20 Apr 2026" in reply) if verb == "pause" else ("left" in reply)
    rows = {
        r["user_key"]: (r["active"], r["paused_until"], r["awaiting"])
        for r in await harness.db.fetchall(
            "SELECT user_key, active, paused_until, awaiting FROM buddy_members"
        )
    }
    assert rows[key("bo")] == (1, "2026-04-20", 0)
    assert rows[key("cy")] == (0, None, 0)


async def test_pause_until_a_date_resumes_by_itself(harness: Harness) -> None:
    await setup(harness)
    await join(harness, "bo", "cy", "di")
    reply = reply_text(await harness.say("di", "/buddy pause until:2026-03-16"))
    assert "Paused until Mon 16 Mar 2026" in reply and "Mon 16 Mar 09:00 GMT" in reply
    status = reply_text(await harness.say("di", "/buddy status"))
    assert (
        "Your next round: Mon 16 Mar 09:00 GMT (you're sitting out the rounds from Mon 02 Mar "
        "until then)." in status
    )
    await harness.advance(2 * WEEK + timedelta(hours=4))
    paired = await rounds(harness)
    assert ["di" in set(itertools.chain.from_iterable(paired[n])) for n in (1, 2, 3)] == [
        False,
        False,
        True,
    ]
    assert (
        await harness.db.fetchval(
            "SELECT paused_until FROM buddy_members WHERE user_key = ?", key("di")
        )
        is None
    )


async def test_skip_just_the_next_round_and_resume(harness: Harness) -> None:
    await setup(harness)
    await join(harness, "bo", "cy", "di")
    assert "sit out the next round (Mon 02 Mar 09:00 GMT)" in reply_text(
        await harness.say("cy", "/buddy skip")
    )
    assert "already sitting out" in reply_text(await harness.say("cy", "/buddy skip"))
    status = reply_text(await harness.say("cy", "/buddy status"))
    assert (
        "Your next round: Mon 09 Mar 09:00 GMT (you're sitting out the one on Mon 02 Mar)."
        in status
    )
    await harness.say("di", "/buddy skip")
    assert "Welcome back" in reply_text(await harness.say("di", "/buddy resume"))
    assert "not paused or skipping" in reply_text(await harness.say("bo", "/buddy resume"))
    await harness.advance(WEEK + timedelta(hours=4))
    paired = await rounds(harness)
    assert sorted(itertools.chain.from_iterable(paired[1])) == ["bo", "di"]
    assert "cy" in set(itertools.chain.from_iterable(paired[2]))


async def test_avoid_is_a_hard_private_constraint(harness: Harness) -> None:
    await setup(harness)
    await join(harness, "bo", "cy", "di", "ed")
    reply = reply_text(await harness.say("bo", "/buddy avoid @cy"))
    assert "won't be paired with @Cy" in reply and "Nobody is told" in reply
    await harness.say("di", "/buddy avoid @ed")
    sent_before = len(harness.chat.sent)
    await harness.advance(5 * WEEK)
    for groups in (await rounds(harness)).values():
        for group in groups:
            assert not {"bo", "cy"} <= group and not {"di", "ed"} <= group
    # Nobody was told: nothing mentions an avoid list to anyone but its owner's own replies.
    assert not any(
        "avoid" in s.text or "do-not-pair" in s.text for s in harness.chat.sent[sent_before:]
    )
    assert "@Cy" in reply_text(await harness.say("bo", "/buddy status"))
    assert "do-not-pair" not in reply_text(await harness.say("cy", "/buddy status"))
    assert "paired with you again" in reply_text(await harness.say("bo", "/buddy unavoid @cy"))
    assert "isn't on your do-not-pair list" in reply_text(
        await harness.say("bo", "/buddy unavoid @cy")
    )


async def test_leaving_takes_effect_at_once(harness: Harness) -> None:
    await setup(harness)
    await join(harness, "bo", "cy", "di")
    await harness.advance(timedelta(hours=4))
    assert "left the buddy pool" in reply_text(await harness.say("cy", "/buddy leave"))
    count = len(harness.chat.to("@cy"))
    await harness.advance(2 * WEEK)
    assert len(harness.chat.to("@cy")) == count  # no nudge, follow-up or intro after leaving
    for number, groups in (await rounds(harness)).items():
        if number > 1:
            assert "cy" not in set(itertools.chain.from_iterable(groups))
    assert "not in the buddy pool" in reply_text(await harness.say("cy", "/buddy leave"))
    assert "You're in the buddy pool" in reply_text(await harness.say("cy", "/buddy join"))


async def test_unreachable_member_is_reported_and_the_round_goes_on(harness: Harness) -> None:
    await setup(harness)
    await join(harness, "bo", "cy", "di", "ed")
    harness.chat.closed_dms.add("cy")
    await harness.advance(timedelta(hours=4))
    assert len(await rounds(harness)) == 1
    assert harness.chat.to("@cy") == [] or all(
        "Buddy round" not in s.text for s in harness.chat.to("@cy")
    )
    for name in ("bo", "di", "ed"):
        assert len(messages(harness, name, "Buddy round 1")) == 1
    status = reply_text(await harness.say("ada", "/kith status"))
    assert "Couldn't reach @Cy with round 1's intro" in status
    # Both members of a group unreachable: that group fails, the others still go out.
    harness.chat.closed_dms.update({"bo", "di", "ed"})
    await harness.advance(WEEK)
    failed = await harness.db.fetchval(
        "SELECT COUNT(*) FROM buddy_groups WHERE intro_state = 'failed'"
    )
    assert failed == 2
    state = await harness.db.fetchval(
        "SELECT state FROM occurrences WHERE kind = 'buddies.round' AND slot = '2026-03-09'"
    )
    assert state == "sent"


async def test_transient_failure_retries_without_a_second_intro(harness: Harness) -> None:
    await setup(harness)
    await join(harness, "bo", "cy", "di", "ed")
    harness.chat.fail_next.append(DeliveryError("rate limited", permanent=False))
    await harness.advance(timedelta(hours=4))
    for name in ("bo", "cy", "di", "ed"):
        assert len(messages(harness, name, "Buddy round 1")) == 1
    assert await harness.db.fetchval("SELECT COUNT(*) FROM buddy_rounds") == 1
    assert (
        await harness.db.fetchval("SELECT COUNT(*) FROM buddy_groups WHERE intro_state = 'sent'")
        == 2
    )


async def test_a_crash_mid_round_resends_the_same_groups_once(harness: Harness) -> None:
    await setup(harness)
    await join(harness, "bo", "cy", "di", "ed", "fa", "gi")
    # The platform call blows up after the plan is stored (an unexpected error, not a
    # DeliveryError): the scheduler retries the round later.
    harness.chat.fail_next.append(RuntimeError("connection reset"))  # type: ignore[arg-type]
    await harness.advance(timedelta(hours=3))  # exactly 09:00 London: the round's first try
    assert (
        await harness.db.fetchval("SELECT state FROM occurrences WHERE kind = 'buddies.round'")
        == "pending"
    )
    planned = await rounds(harness)
    await harness.advance(timedelta(hours=1))
    assert await rounds(harness) == planned  # the same groups, not a second draw
    for group in planned[1]:
        for name in group:
            [intro] = messages(harness, name, "Buddy round 1")
            assert all(f"@{other.capitalize()}" in intro.text for other in group)


async def test_changing_the_schedule_mid_round_keeps_the_round_going(harness: Harness) -> None:
    await setup(harness)
    await join(harness, "bo", "cy")
    await harness.advance(timedelta(days=1))  # Tuesday: round 1 under way
    reply = reply_text(await harness.say("ada", "/kith setup buddies day:wed time:10:00"))
    assert "Next round: Wed 11 Mar 10:00 GMT" in reply  # not tomorrow: round 1 runs its course
    await harness.advance(timedelta(days=9))
    assert len(messages(harness, "bo", "Halfway through buddy round 1")) == 1
    assert len(followups(harness, "bo")) == 1
    slots = [
        r["slot"] for r in await harness.db.fetchall("SELECT slot FROM buddy_rounds ORDER BY slot")
    ]
    assert slots == ["2026-03-02", "2026-03-11"]


async def test_the_repeat_window_is_a_setting_that_says_what_it_did(harness: Harness) -> None:
    """Four members pair up three ways; round 4 must bring back pairs from round 1. Within the
    default window of 6 rounds those are repeats; with window:2 they are not."""
    await setup(harness)
    assert "no repeat buddy within 6 rounds" in reply_text(await harness.say("ada", "/kith status"))
    reply = reply_text(await harness.say("ada", "/kith setup buddies window:2"))
    assert "Buddy pairing is updated" in reply and "no repeat buddy within 2 rounds" in reply
    programme = await harness.db.fetchone("SELECT config FROM programmes WHERE kind = 'buddies'")
    assert programme is not None and '"window": 2' in programme["config"]
    await join(harness, "bo", "cy", "di", "ed")
    await harness.advance(timedelta(hours=4))
    await weeks_with_answers(harness, 3, ["bo", "cy", "di", "ed"], "met")
    paired = await rounds(harness)
    assert set(paired[4]) == set(paired[1])  # the pairs that met longest ago
    rows = await harness.db.fetchall("SELECT repeats FROM buddy_rounds ORDER BY number")
    assert [r["repeats"] for r in rows] == [0, 0, 0, 0]
    stats = reply_text(await harness.say("ada", "/kith stats"))
    assert "unavoidable repeats: 0" in stats


async def test_groups_share_waking_hours_unless_the_community_ignores_time_zones(
    harness: Harness,
) -> None:
    await groups_within_waking_hours(harness)


async def groups_within_waking_hours(harness: Harness) -> None:
    """Four members in London and four in Sydney (11 hours ahead in March: one waking hour in
    common). Two rounds keep each group within one city, with no repeat; with timezones:ignore
    the groups mix again."""
    await setup(harness)
    assert "within members' shared waking hours" in reply_text(
        await harness.say("ada", "/kith status")
    )
    london, sydney = ["bo", "cy", "di", "ed"], ["fa", "gi", "hu", "io"]
    await join(harness, *london, *sydney)
    for name in sydney:
        assert "Australia/Sydney" in reply_text(
            await harness.say(name, "/kith timezone Australia/Sydney")
        )
    for name in london:
        await harness.say(name, "/kith timezone Europe/London")
    await harness.advance(timedelta(hours=4))
    await weeks_with_answers(harness, 1, london + sydney, "met")
    paired = await rounds(harness)
    for number in (1, 2):
        for group in paired[number]:
            assert group <= set(london) or group <= set(sydney), (number, group)
    assert not set(paired[1]) & set(paired[2])
    reply = reply_text(await harness.say("ada", "/kith setup buddies timezones:ignore"))
    assert "time zones ignored" in reply
    await weeks_with_answers(harness, 2, london + sydney, "met")
    mixed = [
        g for n in (3, 4) for g in (await rounds(harness))[n] if g & set(london) and g & set(sydney)
    ]
    assert mixed


async def test_a_reminder_the_day_before_lets_members_skip_before_they_are_introduced(
    harness: Harness,
) -> None:
    await setup(harness)
    names = ["bo", "cy", "di", "ed"]
    await join(harness, *names)
    await harness.advance(timedelta(hours=4))  # round 1, without reminders (the default)
    assert not messages(harness, "bo", "starts tomorrow")
    reply = reply_text(await harness.say("ada", "/kith setup buddies remind:1d"))
    assert "members reminded the day before" in reply
    await harness.advance(timedelta(days=6))  # Sunday 8 March, 10:00
    reminders = {}
    for name in names:
        [reminders[name]] = messages(harness, name, "starts tomorrow")
        assert reminders[name].private
        assert "⏰ Buddy round 2 starts tomorrow (Mon 09 Mar)" in reminders[name].text
        assert [c.label for c in reminders[name].message.choices] == [
            "👍 Count me in",
            "⏭️ Skip this one",
        ]
    before = await snapshot(harness.db)
    wrong = reply_text(await harness.click("cy", reminders["di"].choice("skip")))
    assert "for someone else" in wrong
    assert await snapshot(harness.db) == before
    assert "sit this round out" in reply_text(
        await harness.click("di", reminders["di"].choice("skip"))
    )
    assert "already sitting this one out" in reply_text(
        await harness.click("di", reminders["di"].choice("skip"))
    )
    assert "you're in" in reply_text(await harness.click("ed", reminders["ed"].choice("in")))
    await harness.click("cy", reminders["cy"].choice("skip"))  # changes their mind:
    assert "back in" in reply_text(await harness.click("cy", reminders["cy"].choice("in")))
    await harness.advance(timedelta(days=1))  # Monday: round 2
    paired = await rounds(harness)
    assert sorted(m for g in paired[2] for m in g) == ["bo", "cy", "ed"]
    late = reply_text(await harness.click("bo", reminders["bo"].choice("skip")))
    assert "already begun" in late
    assert (
        await harness.db.fetchval(
            "SELECT skip_next FROM buddy_members WHERE user_key = ?", key("bo")
        )
        == 0
    )
    await harness.say("ada", "/kith setup buddies remind:off")
    await harness.advance(WEEK)
    assert all(len(messages(harness, name, "starts tomorrow")) == 1 for name in names)


async def test_admin_pause_stops_rounds_and_resume_restarts(harness: Harness) -> None:
    await setup(harness)
    await join(harness, "bo", "cy")
    await harness.advance(timedelta(hours=4))
    await harness.say("ada", "/kith pause buddies")
    await harness.advance(2 * WEEK)
    assert await harness.db.fetchval("SELECT COUNT(*) FROM buddy_rounds") == 1
    assert "paused by the admins" in reply_text(await harness.say("bo", "/buddy status"))
    await harness.say("ada", "/kith resume buddy")
    await harness.advance(WEEK)
    assert await harness.db.fetchval("SELECT COUNT(*) FROM buddy_rounds") == 2


async def test_bad_input_gets_a_clear_message_and_changes_nothing(harness: Harness) -> None:
    assert "isn't set up here yet" in reply_text(await harness.say("bo", "/buddy join"))
    first = reply_text(await harness.say("ada", "/kith setup buddies channel:#b time:09:00"))
    assert "give a channel, how often, a day and a time" in first
    await setup(harness)
    await join(harness, "bo")
    before = await snapshot(harness.db)
    admin_cases = {
        "/kith setup buddies every:3w": "1w, 2w or 4w",
        "/kith setup buddies day:funday": "one day of the week",
        "/kith setup buddies time:25:00": "not a time of day",
        "/kith setup buddies size:7": "2, 3 or 4",
        "/kith setup buddies tz:Mars/Base": "don't know the time zone",
        "/kith setup buddies channel:nowhere": "isn't a channel",
        "/kith setup buddies grace:soon": "grace:",
        "/kith setup buddies window:0": "a whole number from 1 to 12",
        "/kith setup buddies window:13": "a whole number from 1 to 12",
        "/kith setup buddies window:soon": "window: is how many rounds",
        "/kith setup buddies timezones:sometimes": "timezones: is use",
        "/kith setup buddies remind:2d": "remind: is 1d",
        "/kith setup buddies dya:tue": "has no option “dya:”. Did you mean day:?",
        "/kith setup buddies Day:tue": "has no option “Day:”. Did you mean day:?",
        "/kith setup buddies size:3 colour:blue": "has no option “colour:”. Its options are",
        "/kith setup buddies day:tue tuesday": "doesn't know what to do with “tuesday”",
        "/kith setup buddies": "Nothing was changed: give the settings to change",
    }
    await harness.refuses("ada", admin_cases)
    assert "admins" in reply_text(await harness.say("bo", "/kith setup buddies size:3"))
    member_cases = {
        "/buddy pause": "needs until:",
        "/buddy pause until:someday": "isn't a date",
        "/buddy pause until:2026-03-01": "already come",
        "/buddy pause until:2030-01-01": "up to a year",
        "/buddy avoid": "Who?",
        "/buddy avoid @bo": "That's you",
        "/buddy avoid bo": "isn't a member here",
        "/buddy unavoid @cy": "isn't on your do-not-pair list",
        "/buddy frobnicate": "don't know the command",
        "/buddy": "Here's what that can do",
    }
    await harness.refuses("bo", member_cases)
    assert "not in the buddy pool" in reply_text(await harness.say("zed", "/buddy skip"))
    assert await snapshot(harness.db) == before


async def test_buddy_status_before_joining_and_help_lists_the_commands(harness: Harness) -> None:
    assert "isn't set up here yet" in reply_text(await harness.say("bo", "/buddy status"))
    await setup(harness)
    status = reply_text(await harness.say("bo", "/buddy status"))
    assert "not in the buddy pool" in status and "every week on Monday at 09:00" in status
    help_text = reply_text(await harness.say("bo", "/kith help"))
    for command in ("/buddy join", "/buddy pause until:…", "/buddy avoid @member"):
        assert command in help_text
    await join(harness, "bo")
    assert "already in the buddy pool" in reply_text(await harness.say("bo", "/buddy join"))


async def test_members_who_cannot_be_placed_are_told_kindly_without_saying_why(
    harness: Harness,
) -> None:
    await setup(harness)
    await join(harness, "bo", "cy")
    await harness.say("bo", "/buddy avoid @cy")
    await harness.advance(timedelta(hours=4))
    for name in ("bo", "cy"):
        [note] = messages(harness, name, "couldn't find a good match")
        assert "avoid" not in note.text and "@" not in note.text
    row = await harness.db.fetchone("SELECT pool, paired, unplaced FROM buddy_rounds")
    assert row == {"pool": 2, "paired": 0, "unplaced": 2}
    status = reply_text(await harness.say("ada", "/kith status"))
    assert "Pool: 2 members." in status and "2 not paired" in status
    assert "Next round: Mon 09 Mar 09:00 GMT." in status


async def test_home_shows_my_buddy_only_once_i_joined(harness: Harness) -> None:
    from bot.buddies.commands import home_lines
    from bot.community import ensure_community
    from bot.context import Context

    await setup(harness)
    community = await ensure_community(
        harness.db, harness.actor("bo").community, harness.clock.now()
    )

    def context(name: str) -> Context:
        return Context(
            harness.kith.services, harness.chat, harness.actor(name), community, harness.clock.now()
        )

    assert await home_lines(context("bo")) == []
    await join(harness, "bo", "cy")
    await harness.advance(timedelta(hours=4))
    lines = [
        line if isinstance(line, str) else "".join(t.text for t in line)
        for line in await home_lines(context("bo"))
    ]
    assert "Your buddies (round 1, since Mon 02 Mar): @Cy." in lines


async def test_a_member_we_cannot_reach_is_not_counted_as_ignoring(harness: Harness) -> None:
    await setup(harness)
    await join(harness, "bo", "cy", "di", "ed")
    harness.chat.closed_dms.add("cy")
    await weeks_with_answers(harness, 4, ["bo", "di", "ed"], "couldnt")
    await harness.advance(timedelta(hours=4))
    assert "cy" in set(itertools.chain.from_iterable((await rounds(harness))[5]))
    assert (
        await harness.db.fetchval("SELECT ignored FROM buddy_members WHERE user_key = ?", key("cy"))
        == 0
    )


class ProcessDied(BaseException):
    """Stands for a SIGKILL: nothing after it runs, and no handler catches it."""


async def cut_off_after_first_group(harness: Harness) -> None:
    """Monday's round is planned and its first group introduced, then the process dies."""
    await setup(harness)
    await join(harness, "bo", "cy", "di", "ed")
    send_group = harness.chat.send_group
    introduced = 0

    async def dies_after_one_group(*args: object, **kwargs: object) -> object:
        nonlocal introduced
        if introduced == 1:
            raise ProcessDied
        introduced += 1
        return await send_group(*args, **kwargs)  # type: ignore[arg-type]

    harness.chat.send_group = dies_after_one_group  # type: ignore[assignment,method-assign]
    try:
        await harness.advance_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    except ProcessDied:
        pass
    else:
        raise AssertionError("the round should have been cut off after its first group")
    harness.chat.send_group = send_group  # type: ignore[method-assign]
    reached = [n for n in ("bo", "cy", "di", "ed") if messages(harness, n, "👋 Buddy round")]
    assert len(reached) == 2  # one group introduced, the other not


async def test_a_round_begun_before_a_crash_is_finished_even_past_its_grace(
    harness: Harness,
) -> None:
    await cut_off_after_first_group(harness)
    # Kith is back the next morning, long past the round's 2-hour grace window.
    harness.clock.set(datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
    await harness.run_due()
    for name in ("bo", "cy", "di", "ed"):
        assert len(messages(harness, name, "👋 Buddy round")) == 1, name
    row = await harness.db.fetchone(
        "SELECT state, detail FROM occurrences WHERE kind = 'buddies.round' AND slot = '2026-03-02'"
    )
    assert row is not None and row["state"] == "sent"
    assert "late" in row["detail"] and "began" in row["detail"]


async def test_a_round_nobody_began_is_missed_past_its_grace(harness: Harness) -> None:
    await setup(harness)
    await join(harness, "bo", "cy")
    harness.clock.set(datetime(2026, 3, 3, 8, 0, tzinfo=UTC))  # Kith was down all Monday
    await harness.run_due()
    assert messages(harness, "bo", "👋 Buddy round") == []
    state = await harness.db.fetchval(
        "SELECT state FROM occurrences WHERE kind = 'buddies.round' AND slot = '2026-03-02'"
    )
    assert state == "missed"


async def test_finishing_a_begun_round_late_retries_a_passing_platform_error(
    harness: Harness,
) -> None:
    await cut_off_after_first_group(harness)
    harness.clock.set(datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
    harness.chat.fail_next = [DeliveryError("Discord is having a moment", permanent=False)]
    await harness.run_due()
    state = await harness.db.fetchval(
        "SELECT state FROM occurrences WHERE kind = 'buddies.round' AND slot = '2026-03-02'"
    )
    assert state == "pending"  # put back for a retry, not failed for being late
    await harness.advance(timedelta(hours=1))
    for name in ("bo", "cy", "di", "ed"):
        assert len(messages(harness, name, "👋 Buddy round")) == 1, name
