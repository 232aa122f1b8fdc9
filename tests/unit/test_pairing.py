"""The pure pairing function: small-pool edge cases, least-recent repeats, scale behaviour."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from bot.buddies.pairing import (
    EXACT_LIMIT,
    History,
    Pairing,
    group_sizes,
    pair_code,
    pair_round,
    shared_waking_minutes,
)
from bot.buddies.plan import offsets_at

BASE = 1000


def history(*rounds: list[tuple[int, ...]]) -> History:
    """Rounds of groups, latest first."""
    return History.from_groups([list(r) for r in rounds], BASE)


def pairs_of(result: Pairing) -> set[tuple[int, int]]:
    return {(a, b) for g in result.groups for a, b in itertools.combinations(sorted(g), 2)}


@pytest.mark.parametrize(
    ("n", "size", "expected"),
    [
        (0, 2, []),
        (1, 2, []),
        (2, 2, [2]),
        (3, 2, [3]),
        (5, 2, [3, 2]),
        (2, 3, [2]),
        (4, 3, [4]),
        (5, 3, [3, 2]),
        (7, 3, [4, 3]),
        (5, 4, [5]),
        (6, 4, [3, 3]),
        (7, 4, [4, 3]),
        (9, 4, [5, 4]),
        (11, 4, [4, 4, 3]),
    ],
)
def test_group_sizes_keep_everyone_within_one_of_the_size(
    n: int, size: int, expected: list[int]
) -> None:
    assert group_sizes(n, size) == expected
    assert sum(expected) == n or n < 2


def test_empty_pool_and_pool_of_one() -> None:
    assert pair_round([], History(BASE)) == Pairing((), (), (), 0)
    alone = pair_round([7], History(BASE))
    assert alone.groups == () and alone.unplaced == (7,)


def test_two_members_are_paired_even_if_they_met_last_round() -> None:
    result = pair_round([1, 2], history([(1, 2)]))
    assert result.groups == ((1, 2),)
    assert [(r.a, r.b, r.age) for r in result.repeats] == [(1, 2, 1)]
    assert result.kept_apart == 0


def test_two_members_who_must_not_meet_are_both_left_out() -> None:
    result = pair_round([1, 2], History(BASE), avoid=[(2, 1)])
    assert result.groups == () and result.unplaced == (1, 2)


def test_three_members_make_one_trio() -> None:
    result = pair_round([1, 2, 3], History(BASE), seed="x")
    assert result.groups == ((1, 2, 3),) and result.unplaced == ()


def test_three_members_one_avoiding_another_leaves_out_one_not_two() -> None:
    result = pair_round([1, 2, 3], History(BASE), avoid=[(1, 2)])
    assert len(result.groups) == 1 and len(result.groups[0]) == 2
    assert len(result.unplaced) == 1 and (1, 2) not in pairs_of(result)


def test_odd_member_joins_a_group_where_nobody_met_recently() -> None:
    # 1-2 and 3-4 met last round; 5 must join a pair without a recent pair in the trio.
    result = pair_round([1, 2, 3, 4, 5], history([(1, 2), (3, 4)]), seed=3)
    assert not result.repeats
    trio = next(g for g in result.groups if len(g) == 3)
    assert 5 in trio and not {(1, 2), (3, 4)} & pairs_of(result)


def test_everyone_met_everyone_picks_the_least_recent_repeats() -> None:
    # Four members; each pairing was used once: {12,34} 1 round ago, {13,24} 2 ago, {14,23} 3 ago.
    past = history([(1, 2), (3, 4)], [(1, 3), (2, 4)], [(1, 4), (2, 3)])
    for seed in range(10):
        result = pair_round([1, 2, 3, 4], past, seed=seed)
        assert sorted(result.groups) == [(1, 4), (2, 3)]
        assert sorted(r.age for r in result.repeats) == [3, 3]


def test_beyond_the_window_the_pair_who_met_longest_ago_comes_first() -> None:
    # Window 1: nothing is a repeat, but 1-2/3-4 met 2 rounds ago and 1-3/2-4 met 5 rounds ago.
    past = history([], [(1, 2), (3, 4)], [], [], [(1, 4), (2, 3)], [(1, 3), (2, 4)])
    result = pair_round([1, 2, 3, 4], past, window=1, seed=1)
    assert not result.repeats
    assert sorted(result.groups) == [(1, 3), (2, 4)]


def test_a_repeat_is_chosen_only_when_it_cannot_be_avoided() -> None:
    past = history([(1, 2), (3, 4)])
    result = pair_round([1, 2, 3, 4], past, seed=0)
    assert not result.repeats and result.kept_apart == 2


def test_do_not_pair_beats_avoiding_repeats() -> None:
    # 1 avoids 3 and 4, so 1 must meet 2 again even though they met last round.
    result = pair_round([1, 2, 3, 4], history([(1, 2), (3, 4)]), avoid=[(1, 3), (4, 1)])
    assert (1, 2) in pairs_of(result) and len(result.repeats) == 2


def test_same_seed_same_groups_and_input_order_does_not_matter() -> None:
    pool = list(range(1, 41))
    past = history([tuple(pool[i : i + 2]) for i in range(0, 40, 2)])
    first = pair_round(pool, past, seed="round-7")
    assert pair_round(list(reversed(pool)), past, seed="round-7") == first
    others = {pair_round(pool, past, seed=f"round-{s}").groups for s in range(5)}
    assert len(others) > 1  # different seeds do shuffle


def test_history_keeps_the_latest_meeting_of_a_pair() -> None:
    past = history([(1, 2)], [], [(1, 2), (3, 4)])
    assert past.age(1, 2) == 1 and past.age(2, 1) == 1 and past.age(3, 4) == 3
    assert past.age(1, 3) is None and past.depth == 3


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="group size"):
        pair_round([1, 2], History(BASE), size=5)
    with pytest.raises(ValueError, match="base"):
        pair_round([1, BASE], History(BASE))


def simulate(n: int, size: int, rounds: int, window: int = 6) -> list[Pairing]:
    """Run ``rounds`` rounds over the same pool, each seeing the ones before as history."""
    pool = list(range(1, n + 1))
    past: list[list[int]] = []
    results = []
    for number in range(rounds):
        result = pair_round(
            pool, History.from_codes(past, n + 1), size=size, window=window, seed=number
        )
        past.insert(
            0,
            [
                pair_code(a, b, n + 1)
                for g in result.groups
                for a, b in itertools.combinations(g, 2)
            ],
        )
        results.append(result)
    return results


@pytest.mark.parametrize(("n", "size"), [(301, 2), (250, 3), (203, 4), (2001, 2)])
def test_larger_pools_go_twelve_rounds_without_a_repeat(n: int, size: int) -> None:
    assert n > EXACT_LIMIT[size]
    for result in simulate(n, size, 12):
        assert not result.repeats and not result.unplaced
        assert sorted(len(g) for g in result.groups) == sorted(group_sizes(n, size))
        assert sorted(m for g in result.groups for m in g) == list(range(1, n + 1))


def test_a_small_pool_rotates_through_everyone_before_anyone_meets_twice() -> None:
    # Eight members in pairs: seven rounds can give every pair exactly one meeting.
    met: set[tuple[int, int]] = set()
    for result in simulate(8, 2, 7, window=7):
        assert not result.repeats
        new = pairs_of(result)
        assert not new & met
        met |= new
    assert len(met) == 28


# Twenty members, groups of 3, and everyone has met everyone except these pairs: a dense
# history where local search alone ends with a repeat (seed 0), yet a repeat-free grouping
# exists (1-3-11-18, 2-13-16, 4-8-9-12, 5-14-20, 6-7-17, 10-15-19). The backtracking search
# must find one.
STILL_NEW = (
    "1-2 1-3 1-11 1-15 1-18 1-20 2-13 2-14 2-16 3-4 3-5 3-8 3-9 3-11 3-14 3-18 4-8 4-9 4-10 4-12 "
    "4-19 5-11 5-13 5-14 5-15 5-19 5-20 6-7 6-15 6-17 6-20 7-8 7-9 7-16 7-17 7-19 8-9 8-10 8-12 "
    "8-17 8-20 9-12 9-14 9-17 9-20 10-13 10-14 10-15 10-17 10-19 11-14 11-18 12-15 12-16 12-19 "
    "13-16 14-15 14-20 15-17 15-19 17-20"
)


def test_dense_history_still_gets_a_repeat_free_grouping_when_one_exists() -> None:
    new = {tuple(int(x) for x in pair.split("-")) for pair in STILL_NEW.split()}
    members = list(range(1, 21))
    met = [(a, b) for a, b in itertools.combinations(members, 2) if (a, b) not in new]
    past = History.from_groups([met], BASE)
    result = pair_round(members, past, size=3, seed=0)
    assert not result.repeats and not result.unplaced
    assert pairs_of(result) <= new


# The pool from a field report: 15 members in groups of 4 (three groups of 5), one earlier round,
# three members with long do-not-pair lists. Exactly 12 groupings of everyone respect the lists.
REPORTED_POOL = list(range(1, 16))
REPORTED_HISTORY = [[(4, 5, 8, 9, 14), (6, 7, 10, 12, 15), (1, 2, 3, 11, 13)]]
REPORTED_AVOID = [
    (11, 4), (11, 5), (11, 7), (11, 8), (11, 9), (11, 10), (13, 10), (13, 12), (13, 15),
    (14, 2), (14, 6), (14, 7), (14, 10), (14, 12), (14, 13), (14, 15),
]  # fmt: skip


def test_long_lists_leave_nobody_out_when_a_grouping_of_everyone_exists() -> None:
    result = pair_round(
        REPORTED_POOL, history(*REPORTED_HISTORY), REPORTED_AVOID, size=4, seed="423:2"
    )
    assert result.unplaced == ()
    assert sorted(len(g) for g in result.groups) == [5, 5, 5]
    assert not pairs_of(result) & {tuple(sorted(p)) for p in REPORTED_AVOID}
    assert len(result.repeats) == 18  # the fewest any of the 12 allowed groupings has


def test_long_lists_keep_group_sizes_when_only_one_grouping_is_allowed() -> None:
    """With two more pairs on 11's list, last round's groups are the only allowed grouping: they
    meet again (repeats give way to lists) rather than someone joining a group of 6."""
    avoid = [*REPORTED_AVOID, (11, 6), (11, 15)]
    result = pair_round(REPORTED_POOL, history(*REPORTED_HISTORY), avoid, size=4, seed="423:2")
    assert result.unplaced == ()
    assert sorted(result.groups) == sorted(REPORTED_HISTORY[0])  # type: ignore[arg-type]


def unmet_history(*rounds: list[tuple[int, ...]], unmet: tuple[int, int]) -> History:
    met = History.from_groups([list(r) for r in rounds], BASE)
    return History.from_codes(met.rounds, BASE, [pair_code(*unmet, BASE)])


def test_a_pair_whose_group_could_not_meet_is_no_repeat_but_comes_after_the_others() -> None:
    # 1 and 2 were grouped but said they could not meet; 1-3 and 2-4 met.
    after_others = pair_round([1, 2, 3, 4], unmet_history([(1, 3), (2, 4)], unmet=(1, 2)))
    assert sorted(after_others.groups) == [(1, 4), (2, 3)]  # never-met pairs first
    # Once every other pair met within the window, 1 and 2 meet again: no repeat at all.
    sooner = pair_round(
        [1, 2, 3, 4], unmet_history([(1, 4), (2, 3)], [(1, 3), (2, 4)], unmet=(1, 2))
    )
    assert sorted(sooner.groups) == [(1, 2), (3, 4)] and sooner.repeats == ()
    # Had they met, meeting again would have been a repeat.
    met = pair_round([1, 2, 3, 4], history([(1, 4), (2, 3)], [(1, 3), (2, 4)], [(1, 2)]))
    assert [(r.a, r.b) for r in met.repeats] == [(1, 2)]


def test_a_pair_who_met_in_another_round_still_counts_as_met() -> None:
    result = History.from_codes([[pair_code(1, 2, BASE)]], BASE, [pair_code(1, 2, BASE)])
    assert result.unmet == frozenset() and result.age(1, 2) == 1


@pytest.mark.parametrize(
    ("offsets", "shared"),
    [
        ([0], 12 * 60),
        ([0, 0, 0], 12 * 60),
        ([0, 8 * 60], 4 * 60),  # London and Singapore: 09:00-13:00 in London
        ([0, -8 * 60], 4 * 60),  # London and Los Angeles: 17:00-21:00 in London
        ([0, 9 * 60], 3 * 60),
        ([0, 12 * 60], 0),
        ([-10 * 60, 13 * 60], 11 * 60),  # Honolulu and Tonga are an hour apart around the clock
        ([-5 * 60, 0, 5 * 60 + 30], 60 + 30),  # New York, London, Delhi: the widest stretch counts
        ([-8 * 60, 0, 8 * 60], 0),  # each pair shares 4 hours, the three share none
    ],
)
def test_shared_waking_hours_go_around_the_clock(offsets: list[int], shared: int) -> None:
    assert shared_waking_minutes(offsets) == shared


def test_members_who_share_waking_hours_are_grouped_together() -> None:
    london, sydney = 0, 10 * 60  # two hours of 09:00-21:00 in common
    zones = {m: london if m % 2 else sydney for m in range(1, 9)}
    for seed in range(20):
        result = pair_round(list(zones), History(BASE), seed=seed, zones=zones)
        assert all(len({zones[m] for m in g}) == 1 for g in result.groups), seed
    # Without zones, some seed mixes them.
    assert any(
        len({zones[m] for m in g}) > 1
        for seed in range(20)
        for g in pair_round(list(zones), History(BASE), seed=seed).groups
    )


def test_time_zones_never_buy_a_repeat_and_unknown_zones_fit_anyone() -> None:
    zones = {1: 0, 2: 0, 3: 10 * 60, 4: 10 * 60}
    result = pair_round([1, 2, 3, 4], history([(1, 2), (3, 4)]), zones=zones)
    assert result.repeats == () and sorted(len({zones[m] for m in g}) for g in result.groups) == [
        2,
        2,
    ]
    partial = {1: 0, 2: 10 * 60}  # 3 and 4 have not said where they are
    result = pair_round([1, 2, 3, 4], History(BASE), zones=partial, seed=3)
    assert all(not {1, 2} <= set(g) for g in result.groups)


def test_offsets_are_taken_at_the_round_so_summer_time_counts() -> None:
    by_zone = {"Europe/London": [1], "America/New_York": [2, 3], "Mars/Base": [4]}
    before = offsets_at(by_zone, datetime(2026, 3, 2, 9, tzinfo=UTC))
    after = offsets_at(by_zone, datetime(2026, 3, 9, 9, tzinfo=UTC))  # New York moved on the 8th
    assert before == {1: 0, 2: -300, 3: -300}  # an unknown zone is no zone
    assert after == {1: 0, 2: -240, 3: -240}
