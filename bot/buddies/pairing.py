"""Grouping a round's pool: a pure function of (pool, history, do-not-pair lists, seed).

What it aims for (SPEC, "Buddy pairing"), in order of priority:

1. Do-not-pair lists are hard. A member is left out (``unplaced``) only when no grouping of the
   pool into the round's group sizes respects them, and then as few members as possible.
2. Everyone else is in exactly one group. Groups have the configured size; leftover members join
   groups one each (an odd member makes a pair a trio), so nobody is left out for being odd.
3. No pair meets again within the repeat window while the pool allows it: as few repeated pairs
   as possible. Where a repeat cannot be avoided, the least-recent one is chosen (one repeat from
   last round weighs more than any number of older ones).
4. Members who can meet at a sensible hour: when their UTC offsets are known (``zones``), a
   pair who share fewer than ``SHARED_HOURS`` of their waking hours (``WAKING``, local time)
   costs more the fewer they share. This never buys a repeat or leaves anyone out.
5. Beyond the window, pairs who never met come first, then those who met longest ago, so a small
   pool rotates fairly through everyone. A group that answered it could not meet did not meet:
   its pairs are no repeat, and come after every other pair (``History.unmet``).
6. The same inputs and seed give the same groups (nothing depends on hash order).

How. The priorities are folded into one integer cost per pair (``Weights``), so a grouping's
cost is the sum over the pairs inside its groups and comparing two groupings compares costs.

* Small pools (``EXACT_LIMIT``: up to 16 members in pairs, 12 in larger groups) are solved
  exactly by dynamic programming over the subsets still to be grouped: small communities, where
  repeats are hardest to avoid, always get the best grouping there is (tested against trying
  every grouping).
* Larger pools use a randomised greedy pass: members in shuffled order, each group seeded by the
  first member not yet taken and filled with the first compatible members after it. History is
  sparse (a member has met a dozen people out of thousands), so almost every first candidate fits
  and the pass is linear. Members the pass could not place are then placed, and a local search
  swaps and moves members between groups until no conflict can be removed; mid-size pools get a
  few restarts with fresh shuffles, and if a repeat is still left, a backtracking search for a
  repeat-free grouping (most constrained member first, bounded). If a do-not-pair pair is still
  left, the same search looks for a grouping in the round's sizes that respects every list,
  leaving out one more member only when none with fewer left out exists, and the local search
  then lowers its repeats; so long lists never push someone out or into an oversized group
  while a grouping of everyone exists. Pairs are looked up in a hash
  map keyed by ``lo * base + hi``, and the work for a large pool grows linearly with its size.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, pairwise, repeat
from operator import and_, floordiv, mod

WAKING = (9 * 60, 21 * 60)  # waking hours, local minutes after midnight
SHARED_HOURS = 4  # a group whose members share this many waking hours can find a time to meet
DAY_MINUTES = 24 * 60
# Offsets further apart than this (around the clock) share fewer than SHARED_HOURS waking hours.
_APART = WAKING[1] - WAKING[0] - SHARED_HOURS * 60
_STEP = 30  # a pair's time-zone cost grows by one unit per half hour short of SHARED_HOURS
_ZONE_STEPS = -(-SHARED_HOURS * 60 // _STEP)  # the most units a pair can cost
# Pools up to this size (by group size) are solved exactly; each takes well under 0.1 s.
EXACT_LIMIT = {2: 16, 3: 12, 4: 12}
DEFAULT_WINDOW = 6  # rounds within which a pair should not meet again
LOOKAHEAD = 8  # candidates compared when the first compatible one met someone long ago
SWAP_SAMPLE = 64  # groups tried per conflicted member in a large pool's local search
FULL_SCAN_LIMIT = 2_000  # below this pool size, the local search tries every group
MAX_PASSES = 12  # local-search passes over the conflicted members
FLAG_LIMIT = 50_000_000  # member ids up to this are counted with a byte per id
# Fresh shuffles tried while the search still ends in a conflict: many for a small pool, where
# history is dense; one for a large pool, where a conflict-free grouping is found at once.
RESTARTS = ((60, 24), (400, 6))
SEARCH_LIMIT = 200  # pools up to this size get a backtracking search if a repeat remains
SEARCH_BUDGET = 20_000  # groups that search tries before it gives up
# Pools up to this size get a search for a grouping that respects every do-not-pair list when
# the local search leaves one broken (larger pools have sparse lists and rarely need it).
SETTLE_LIMIT = 1_000


@dataclass(frozen=True)
class History:
    """Who met whom, and how many rounds ago (1 = the latest round).

    Pairs are keyed by ``lo * base + hi`` (``lo < hi`` member ids, ``base`` above every id), so
    the store can hand over whole rounds as plain integers without building tuples.
    """

    base: int
    last_met: Mapping[int, int] = field(default_factory=dict)
    rounds: tuple[Sequence[int], ...] = ()  # each round's pair codes, latest first
    # Pairs grouped within the history whose group said it could not meet (and who did not meet
    # in another round): no repeat, but asked after every other pair.
    unmet: frozenset[int] = frozenset()

    @property
    def depth(self) -> int:
        """How many rounds the history covers."""
        return len(self.rounds)

    @classmethod
    def from_codes(
        cls, rounds: Sequence[Sequence[int]], base: int, unmet: Iterable[int] = ()
    ) -> History:
        """``rounds[0]`` holds the pair codes of the latest round, ``rounds[1]`` the one before…
        ``unmet`` the codes of pairs whose group said it could not meet (in any of those rounds).
        """
        last_met: dict[int, int] = {}
        # Oldest first, so a later (more recent) meeting overwrites an earlier one at C speed.
        for age in range(len(rounds), 0, -1):
            last_met.update(zip(rounds[age - 1], repeat(age)))
        return cls(base, last_met, tuple(rounds), frozenset(unmet).difference(last_met))

    def recent_pairs(self, window: int, members: Sequence[int]) -> int:
        """How many distinct pairs of ``members`` met within the last ``window`` rounds.

        Done with C-level iteration (a flag per member id), because at 100,000 members this
        looks at 300,000 pairs and a Python loop over them costs a noticeable part of a round.
        """
        recent = set(chain.from_iterable(self.rounds[:window]))
        if not recent or not members:
            return 0
        if self.base > FLAG_LIMIT:
            pool = set(members)
            return sum(1 for c in recent if c // self.base in pool and c % self.base in pool)
        flags = bytearray(self.base)
        for member in members:
            flags[member] = 1
        codes = list(recent)
        low = map(flags.__getitem__, map(floordiv, codes, repeat(self.base)))
        high = map(flags.__getitem__, map(mod, codes, repeat(self.base)))
        return sum(map(and_, low, high))

    @classmethod
    def from_groups(cls, rounds: Sequence[Iterable[Sequence[int]]], base: int) -> History:
        """The same from groups of member ids, latest round first (tests and small callers)."""
        coded = [
            [
                pair_code(a, b, base)
                for group in groups
                for i, a in enumerate(group)
                for b in group[i + 1 :]
            ]
            for groups in rounds
        ]
        return cls.from_codes(coded, base)

    def age(self, a: int, b: int) -> int | None:
        return self.last_met.get(pair_code(a, b, self.base))


def pair_code(a: int, b: int, base: int) -> int:
    return a * base + b if a < b else b * base + a


@dataclass(frozen=True)
class Repeat:
    a: int
    b: int
    age: int  # they last met this many rounds ago


@dataclass(frozen=True)
class Pairing:
    groups: tuple[tuple[int, ...], ...]
    unplaced: tuple[int, ...]  # left out: a pool of one, or do-not-pair lists allow no place
    repeats: tuple[Repeat, ...]  # pairs grouped again within the window (only if unavoidable)
    kept_apart: int  # pairs in this pool who met within the window and were not grouped again


def group_sizes(n: int, size: int) -> list[int]:
    """Group sizes for ``n`` members in groups of ``size``, largest first.

    Leftovers join groups one each (pairs of 2 and one trio for an odd pool). When there are more
    leftovers than groups, one more, smaller group is formed instead, so every group stays within
    one of the configured size (groups of 4 with 7 members: 4 + 3, not 7).
    """
    if n < 2:
        return []
    groups = n // size
    if n % size > groups:
        groups += 1
    base, extra = divmod(n, groups)
    return [base + 1] * extra + [base] * (groups - extra)


def shared_waking_minutes(offsets: Iterable[int]) -> int:
    """Minutes of waking hours (``WAKING``, local time) that people at these UTC offsets (in
    minutes) have in common on a day. Everyone's waking window is the same length, so what they
    share is that length less the shortest stretch of the clock holding every offset."""
    ordered = sorted({offset % DAY_MINUTES for offset in offsets})
    if len(ordered) < 2:
        return WAKING[1] - WAKING[0]
    gaps = [b - a for a, b in pairwise(ordered)]
    gaps.append(ordered[0] + DAY_MINUTES - ordered[-1])
    return max(0, WAKING[1] - WAKING[0] - (DAY_MINUTES - max(gaps)))


class Weights:
    """Integer pair costs that order groupings by the priorities in the module docstring.

    With ``P`` above the number of pairs a grouping can hold: the rotation costs (who met longest
    ago) are at most ``depth + 1`` a pair; a half hour short of shared waking hours costs ``zone``,
    above every rotation cost together; ``U`` is above every time-zone cost together. A repeat at
    age ``a`` costs ``REPEAT + U * P**(window - a)``, so one more repeat outweighs any recency and
    any time zones, and one more recent repeat outweighs any number of older ones; a do-not-pair
    pair costs more than every repeat together.
    """

    def __init__(self, n: int, size: int, window: int, depth: int) -> None:
        pairs = n * (size + 1) // 2 + 1
        self.window = window
        self.depth = max(depth, window)
        self.zone = pairs * (self.depth + 1) + 1
        self.unit = self.zone * pairs * _ZONE_STEPS + 1
        self.recency: list[int] = [0]
        self.recency.extend(self.unit * int(pairs ** (window - a)) for a in range(1, window + 1))
        self.repeat: int = self.unit * int(pairs**window)
        self.forbidden: int = self.repeat * (pairs + 1)

    def of_age(self, age: int | None) -> int:
        if age is None or age > self.depth:
            return 0
        if age > self.window:
            return self.depth + 1 - age  # soft: prefer those who met longest ago
        return self.repeat + self.recency[age]

    @property
    def unmet(self) -> int:
        """A pair whose group could not meet: above every soft cost, far below a repeat."""
        return self.depth + 1


class _Costs:
    """Pair costs for one round, looked up lazily so large histories cost nothing up front."""

    def __init__(
        self,
        history: History,
        avoid: set[int],
        weights: Weights,
        base: int,
        zones: Mapping[int, int],
    ) -> None:
        self.met = history.last_met
        self.unmet = history.unmet
        self.avoid = avoid
        self.weights = weights
        self.base = base
        self.zones = zones

    def pair(self, a: int, b: int) -> int:
        code = a * self.base + b if a < b else b * self.base + a
        if code in self.avoid:
            return self.weights.forbidden
        age = self.met.get(code)
        if age is None:
            cost = self.weights.unmet if code in self.unmet else 0
        else:
            cost = self.weights.of_age(age)
        if self.zones:
            cost += self.apart(a, b)
        return cost

    def apart(self, a: int, b: int) -> int:
        """What it costs that ``a`` and ``b`` share few waking hours (0 if a zone is unknown)."""
        zones = self.zones
        if a not in zones or b not in zones:
            return 0
        gap = abs(zones[a] - zones[b]) % DAY_MINUTES
        short = min(gap, DAY_MINUTES - gap) - _APART
        return self.weights.zone * -(-short // _STEP) if short > 0 else 0

    def into(self, member: int, group: Sequence[int]) -> int:
        """The cost ``member`` adds to ``group`` (``member`` itself is skipped if present)."""
        if len(group) == 1:  # the common case, seeding a pair: no generator
            other = group[0]
            return 0 if other == member else self.pair(member, other)
        return sum(self.pair(member, other) for other in group if other != member)


def pair_round(
    pool: Iterable[int],
    history: History,
    avoid: Iterable[tuple[int, int]] = (),
    *,
    size: int = 2,
    window: int = DEFAULT_WINDOW,
    seed: int | str = 0,
    zones: Mapping[int, int] | None = None,
) -> Pairing:
    """Group ``pool`` (member ids) for one round. See the module docstring for the guarantees.

    ``zones`` maps members whose time zone is known to their UTC offset in minutes on the
    round's date; without it (or for members not in it) time zones play no part.
    """
    if not 2 <= size <= 4:
        raise ValueError("group size is 2, 3 or 4")
    if window < 0:
        raise ValueError("the repeat window cannot be negative")
    members = sorted(set(pool))
    if members and members[-1] >= history.base:
        raise ValueError("history.base must be above every member id")
    base = history.base
    avoid_codes = {pair_code(a, b, base) for a, b in avoid if a != b}
    weights = Weights(len(members), size, window, history.depth)
    costs = _Costs(history, avoid_codes, weights, base, zones or {})
    rng = random.Random(seed)
    order = _shuffled(members, rng)
    if len(order) < 2:
        groups: list[list[int]] = []
        unplaced = order
    elif len(order) <= EXACT_LIMIT[size]:
        groups, unplaced = _exact(order, size, costs)
    else:
        groups, unplaced = _heuristic(order, size, costs, rng)
    return _result(groups, unplaced, members, history, window, base)


def _shuffled(members: list[int], rng: random.Random) -> list[int]:
    order = members[:]
    rng.shuffle(order)
    return order


def _result(
    groups: list[list[int]],
    unplaced: list[int],
    members: list[int],
    history: History,
    window: int,
    base: int,
) -> Pairing:
    met = history.last_met
    repeats: list[Repeat] = []
    for group in groups:
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                lo, hi = (a, b) if a < b else (b, a)
                age = met.get(lo * base + hi)
                if age is not None and age <= window:
                    repeats.append(Repeat(lo, hi, age))
    recent_in_pool = history.recent_pairs(window, members)
    return Pairing(
        groups=tuple(tuple(sorted(g)) for g in groups),
        unplaced=tuple(sorted(unplaced)),
        repeats=tuple(sorted(repeats, key=lambda r: (r.a, r.b))),
        kept_apart=recent_in_pool - len(repeats),
    )


# --- exact: small pools ---------------------------------------------------------------------


def _exact(order: list[int], size: int, costs: _Costs) -> tuple[list[list[int]], list[int]]:
    """The best grouping by dynamic programming over the set of members still to place.

    The lowest-numbered remaining member is always placed next (in a group with some of the
    others, or left out while leaving-out is still allowed), so each subset is solved once.
    Members are numbered in shuffled order, so ties between equally good groupings are broken by
    the seed. Fewer left out always wins: the number left out is raised only when no grouping
    with fewer exists.
    """
    n = len(order)
    forbidden = costs.weights.forbidden
    matrix = [[0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            matrix[i][j] = matrix[j][i] = costs.pair(order[i], order[j])

    for left_out in range(n - 1):
        sizes = group_sizes(n - left_out, size)
        counts = tuple(sizes.count(s) for s in range(size + 2))
        memo: dict[tuple[int, tuple[int, ...], int], tuple[int, tuple[tuple[int, ...], ...]]] = {}
        best = _solve((1 << n) - 1, counts, left_out, matrix, forbidden, memo)
        if best is not None:
            chosen = [g for g in best[1] if len(g) > 1]
            out = [order[g[0]] for g in best[1] if len(g) == 1]
            return [[order[i] for i in g] for g in chosen], out
    return [], list(order)


_INFEASIBLE = (-1, ())


def _solve(
    mask: int,
    counts: tuple[int, ...],
    left_out: int,
    matrix: list[list[int]],
    forbidden: int,
    memo: dict[tuple[int, tuple[int, ...], int], tuple[int, tuple[tuple[int, ...], ...]]],
) -> tuple[int, tuple[tuple[int, ...], ...]] | None:
    if mask == 0:
        return (0, ()) if left_out == 0 and not any(counts) else None
    key = (mask, counts, left_out)
    found = memo.get(key)
    if found is not None:
        return None if found is _INFEASIBLE else found
    first = (mask & -mask).bit_length() - 1
    rest = [i for i in range(first + 1, len(matrix)) if mask >> i & 1]
    best: tuple[int, tuple[tuple[int, ...], ...]] | None = None
    if left_out:
        sub = _solve(mask & ~(1 << first), counts, left_out - 1, matrix, forbidden, memo)
        if sub is not None:
            best = (sub[0], ((first,), *sub[1]))
    row = matrix[first]
    for group_size, count in enumerate(counts):
        if not count:
            continue
        smaller = (*counts[:group_size], count - 1, *counts[group_size + 1 :])
        for partners, cost in _companions(rest, group_size - 1, row, matrix, forbidden):
            if best is not None and cost >= best[0]:
                continue
            group_mask = 1 << first
            for p in partners:
                group_mask |= 1 << p
            sub = _solve(mask & ~group_mask, smaller, left_out, matrix, forbidden, memo)
            if sub is not None and (best is None or cost + sub[0] < best[0]):
                best = (cost + sub[0], ((first, *partners), *sub[1]))
    memo[key] = best if best is not None else _INFEASIBLE
    return best


def _companions(
    rest: list[int], need: int, row: list[int], matrix: list[list[int]], forbidden: int
) -> Iterable[tuple[tuple[int, ...], int]]:
    """Every choice of ``need`` members from ``rest`` to join the first member, with the cost of
    all pairs in the group; combinations with a do-not-pair pair are never produced."""

    def extend(
        start: int, chosen: tuple[int, ...], cost: int
    ) -> Iterable[tuple[tuple[int, ...], int]]:
        if len(chosen) == need:
            yield chosen, cost
            return
        for index in range(start, len(rest) - (need - len(chosen)) + 1):
            candidate = rest[index]
            added = row[candidate]
            if added >= forbidden:
                continue
            line = matrix[candidate]
            clash = False
            for other in chosen:
                pair = line[other]
                if pair >= forbidden:
                    clash = True
                    break
                added += pair
            if not clash:
                yield from extend(index + 1, (*chosen, candidate), cost + added)

    return extend(0, (), 0)


# --- heuristic: large pools -----------------------------------------------------------------


def _heuristic(
    order: list[int], size: int, costs: _Costs, rng: random.Random
) -> tuple[list[list[int]], list[int]]:
    n = len(order)
    sizes = group_sizes(n, size)
    restarts = next((tries for limit, tries in RESTARTS if n <= limit), 1)
    repeat, forbidden = costs.weights.repeat, costs.weights.forbidden
    best: tuple[int, list[list[int]], set[int], set[int]] | None = None
    for attempt in range(restarts):
        if attempt:
            order = _shuffled(order, rng)
        groups, suspects, compromised = _greedy(order, sizes, costs)
        touched = _local_search(groups, suspects, costs, rng, repeat)
        conflict = sum(costs.into(m, groups[g]) for g in touched for m in groups[g]) // 2
        if best is None or conflict < best[0]:
            best = (conflict, groups, touched, compromised)
        if conflict < repeat:  # no repeat, no do-not-pair pair: as good as it gets
            break
    assert best is not None
    conflict, groups, touched, compromised = best
    if conflict >= repeat and n <= SEARCH_LIMIT:
        # Local search can miss a repeat-free grouping when history is dense; look for one.
        found = _search(sizes, _compatible(order, costs, repeat), (1 << n) - 1)
        if found is not None:
            groups = [[order[i] for i in group] for group in found[0]]
            return _closer_in_time(groups, set(range(len(groups))), costs, rng), []
    if conflict < forbidden:
        return _closer_in_time(groups, touched | compromised, costs, rng), []
    if n <= SETTLE_LIMIT:
        # Local search can also miss the one way to respect long do-not-pair lists.
        groups, left_out = _settle(order, size, costs, rng)
        return _closer_in_time(groups, set(range(len(groups))), costs, rng), left_out
    return _drop_forbidden(groups, touched, costs)


def _closer_in_time(
    groups: list[list[int]], suspects: set[int], costs: _Costs, rng: random.Random
) -> list[list[int]]:
    """With time zones known, swap members between groups while that leaves fewer people in a
    group they share few waking hours with (never at the price of a repeat: every change
    lowers the total cost)."""
    if costs.zones:
        _local_search(groups, suspects, costs, rng, costs.weights.zone)
    return groups


def _settle(
    order: list[int], size: int, costs: _Costs, rng: random.Random
) -> tuple[list[list[int]], list[int]]:
    """A grouping in the round's sizes that respects every do-not-pair list, with as few
    repeats as the local search then finds. Members are left out only while the search finds
    no such grouping with fewer left out (as in the exact solver)."""
    n = len(order)
    allowed = _allowed(order, costs)
    everyone = (1 << n) - 1
    for out in range(n - 1):
        found = _search(group_sizes(n - out, size), allowed, everyone, out)
        if found is not None:
            chosen, skipped = found
            groups = [[order[i] for i in group] for group in chosen]
            _local_search(groups, set(range(len(groups))), costs, rng, costs.weights.repeat)
            return groups, [order[i] for i in skipped]
    return [], list(order)


class _OutOfBudget(Exception):
    pass


def _compatible(order: list[int], costs: _Costs, limit: int) -> list[int]:
    """For each position in ``order``, a bitmask of the positions it may share a group with
    (pair cost below ``limit``)."""
    n = len(order)
    compat = [0] * n
    for i in range(n):
        for j in range(i + 1, n):
            if costs.pair(order[i], order[j]) < limit:
                compat[i] |= 1 << j
                compat[j] |= 1 << i
    return compat


def _allowed(order: list[int], costs: _Costs) -> list[int]:
    """``_compatible`` for do-not-pair lists only, built from the lists rather than every pair,
    so it stays cheap for a pool of hundreds."""
    n = len(order)
    position = {member: i for i, member in enumerate(order)}
    everyone = (1 << n) - 1
    compat = [everyone & ~(1 << i) for i in range(n)]
    for code in costs.avoid:
        a, b = position.get(code // costs.base), position.get(code % costs.base)
        if a is not None and b is not None:
            compat[a] &= ~(1 << b)
            compat[b] &= ~(1 << a)
    return compat


def _search(
    sizes: list[int], compat: list[int], free: int, skip: int = 0
) -> tuple[list[tuple[int, ...]], list[int]] | None:
    """Groups of the ``free`` positions in ``sizes``, leaving out exactly ``skip`` of them, where
    everyone may meet everyone in their group (by ``compat``), by backtracking; None if there is
    none, or if the search ran out of budget first. Returns the groups and those left out.

    The search always places the member with the fewest possible partners left, which settles
    dense cases in a few steps and gives up on a dead end as soon as someone has too few.
    """
    counts = {s: sizes.count(s) for s in set(sizes)}
    chosen: list[tuple[int, ...]] = []
    skipped: list[int] = []
    budget = [SEARCH_BUDGET]

    def place(free: int) -> bool:
        if not free:
            return len(skipped) == skip
        pick, fewest, rest = -1, len(compat) + 1, free
        while rest:
            low = rest & -rest
            rest ^= low
            index = low.bit_length() - 1
            degree = (compat[index] & free).bit_count()
            if degree < fewest:
                pick, fewest = index, degree
        open_sizes = sorted((s for s, c in counts.items() if c), reverse=True)
        for group_size in open_sizes:
            if fewest < group_size - 1:
                continue
            counts[group_size] -= 1
            for group in _cliques(pick, group_size - 1, compat[pick] & free, compat):
                budget[0] -= 1
                if budget[0] < 0:
                    raise _OutOfBudget
                mask = 0
                for member in group:
                    mask |= 1 << member
                chosen.append(group)
                if place(free & ~mask):
                    return True
                chosen.pop()
            counts[group_size] += 1
        if len(skipped) < skip:  # the hardest member to place is the one to leave out
            budget[0] -= 1
            skipped.append(pick)
            if place(free & ~(1 << pick)):
                return True
            skipped.pop()
        return False

    try:
        if not place(free):
            return None
    except _OutOfBudget:
        return None
    return chosen, skipped


def _cliques(
    first: int, need: int, candidates: int, compat: list[int]
) -> Iterable[tuple[int, ...]]:
    """``first`` with ``need`` more members from ``candidates``, all able to meet each other."""

    def extend(chosen: tuple[int, ...], left: int) -> Iterable[tuple[int, ...]]:
        if len(chosen) == need + 1:
            yield chosen
            return
        while left:
            low = left & -left
            left ^= low
            member = low.bit_length() - 1
            yield from extend((*chosen, member), left & compat[member])

    return extend((first,), candidates)


def _greedy(
    order: list[int], sizes: list[int], costs: _Costs
) -> tuple[list[list[int]], set[int], set[int]]:
    """One pass in shuffled order. Every member ends in a group; only the groups that took a
    member the pass could not fit may hold a conflict, and their indices are returned with them,
    then the groups that took someone sharing few waking hours with them."""
    n = len(order)
    taken = bytearray(n)
    groups: list[list[int]] = []
    compromised: set[int] = set()
    repeat_cost, zone_cost = costs.weights.repeat, costs.weights.zone
    front = 0
    for target in sizes:
        while taken[front]:
            front += 1
        taken[front] = 1
        group = [order[front]]
        while len(group) < target:
            pick, cost = _next_member(order, taken, front + 1, group, costs, repeat_cost)
            if pick < 0:
                break
            if cost >= zone_cost:
                compromised.add(len(groups))
            taken[pick] = 1
            group.append(order[pick])
        groups.append(group)
    short = [g for g, target in enumerate(sizes) if len(groups[g]) < target]
    suspects: set[int] = set()
    for position in range(front, n):
        if taken[position]:
            continue
        member = order[position]
        open_groups = [g for g in short if len(groups[g]) < sizes[g]]
        home = min(open_groups, key=lambda g: costs.into(member, groups[g]))
        groups[home].append(member)
        suspects.add(home)
    return groups, suspects, compromised


def _next_member(
    order: list[int],
    taken: bytearray,
    start: int,
    group: list[int],
    costs: _Costs,
    repeat_cost: int,
) -> tuple[int, int]:
    """The position (and cost) of the first untaken member after ``start`` who met nobody in
    ``group`` and shares their waking hours; failing that, the cheapest among the next few
    compatible members (fewest hours apart, then who met them longest ago)."""
    best, best_cost, compared = -1, 0, 0
    for position in range(start, len(order)):
        if taken[position]:
            continue
        cost = costs.into(order[position], group)
        if cost == 0:
            return position, 0
        if cost < repeat_cost and (best < 0 or cost < best_cost):
            best, best_cost = position, cost
        if best >= 0:
            compared += 1
            if compared >= LOOKAHEAD:
                break
    return best, best_cost


def _local_search(
    groups: list[list[int]],
    suspects: set[int],
    costs: _Costs,
    rng: random.Random,
    repeat_cost: int,
) -> set[int]:
    """Swap or move members between groups while that lowers the total cost.

    Only members in a conflict (costing ``repeat_cost`` or more where they are: a repeat within
    the window or a do-not-pair pair; or, for the time-zone pass, hours apart) are worked on,
    starting from the suspect groups. Returns every group that may hold a conflict now (the
    suspects and every group a change touched). A move takes a member from a larger group to a
    smaller one (sizes differ by one), which keeps the multiset of sizes.
    """
    touched = set(suspects)
    work = set(suspects)
    full_scan = len(groups) <= FULL_SCAN_LIMIT
    for _ in range(MAX_PASSES):
        conflicted = [
            (m, g)
            for g in sorted(work)
            for m in groups[g]
            if costs.into(m, groups[g]) >= repeat_cost
        ]
        if not conflicted:
            break
        work = set()
        for member, g in conflicted:
            if member not in groups[g] or costs.into(member, groups[g]) < repeat_cost:
                continue  # an earlier change already moved or fixed it
            h = _improve(member, g, groups, costs, rng, full_scan)
            if h is not None:
                work.update((g, h))
                touched.update((g, h))
        if not work:
            break
    return touched


def _improve(
    member: int,
    g: int,
    groups: list[list[int]],
    costs: _Costs,
    rng: random.Random,
    full_scan: bool,
) -> int | None:
    """Make the best single swap or move for ``member`` among the groups tried; return the other
    group's index, or None if no change lowers the cost."""
    own = groups[g]
    stay = costs.into(member, own)
    if full_scan:
        candidates = list(range(len(groups)))
        rng.shuffle(candidates)
    else:
        candidates = [rng.randrange(len(groups)) for _ in range(SWAP_SAMPLE)]
    best_gain = 0
    best_move: tuple[int, int | None] | None = None
    for h in candidates:
        if h == g:
            continue
        other = groups[h]
        join = costs.into(member, other)
        if len(own) == len(other) + 1:  # a move keeps the sizes
            gain = stay - join
            if gain > best_gain:
                best_gain, best_move = gain, (h, None)
        for partner in other:
            there = costs.into(partner, other)
            here = costs.into(partner, own) - costs.pair(partner, member)
            gain = stay + there - (join - costs.pair(member, partner)) - here
            if gain > best_gain:
                best_gain, best_move = gain, (h, partner)
        if best_gain >= stay:  # every conflict of this member is gone: good enough
            break
    if best_move is None:
        return None
    h, moved = best_move
    own.remove(member)
    groups[h].append(member)
    if moved is not None:
        groups[h].remove(moved)
        own.append(moved)
    return h


def _drop_forbidden(
    groups: list[list[int]], suspects: set[int], costs: _Costs
) -> tuple[list[list[int]], list[int]]:
    """Leave out members only where do-not-pair lists leave no place for them."""
    forbidden = costs.weights.forbidden
    loose: list[int] = []
    for g in sorted(suspects):
        group = groups[g]
        while len(group) > 1 and any(costs.into(m, group) >= forbidden for m in group):
            worst = max(group, key=lambda m: (costs.into(m, group), -m))
            group.remove(worst)
            loose.append(worst)
        if len(group) == 1:
            loose.append(group.pop())
    kept = [g for g in groups if g]
    fresh: list[list[int]] = []  # loose members who fit no group may still fit each other
    for member in loose:
        fits = [g for g in kept if costs.into(member, g) < forbidden]
        if fits:
            min(fits, key=lambda g: (costs.into(member, g), len(g))).append(member)
            continue
        for group in fresh:
            if costs.into(member, group) < forbidden:
                group.append(member)
                break
        else:
            fresh.append([member])
    kept.extend(g for g in fresh if len(g) > 1)
    return kept, [g[0] for g in fresh if len(g) == 1]
