"""Crisis screen: recall and false-positive rate on the labelled corpus, and time per message.

`python -m bench.screen [--split heldout4|heldout|heldout2|heldout3|dev|train|all] [--language en]
[--runs 5] [--misses]`

The corpus is tests/data/screen/<language>/ (see its README): `heldout4.tsv` is the fixed held-out
split, written blind (by a writer who never read the rules or the other splits) and never used to
write or tune a rule or a weight; it is the default. The older held-out splits (`heldout.tsv`,
`heldout2.tsv`, `heldout3.tsv`) were each a test once and are now used: rules were tuned on their
misses and the statistical layer learns from them, like `train.tsv` and `dev.tsv`. `all` is every
split but `heldout4`. Each row is `kind<TAB>text`. Kinds are crisis kinds (the member may be at
risk: recall counts a HIGH or MEDIUM signal), `concern` (worry about someone else: recall counts
any signal, and whether it was read as concern), or everyday kinds (a false positive is any signal
at all, concern included).

Time per message is the screen alone (``PhraseList.screen``, built-in rules, no community phrases),
each message timed on its own, over every message of the split, for ``--runs`` runs; p50 and p99
are reported as the median over runs with their range.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.common import machine, median
from bot.safety.model import CONCERN_KIND as CONCERN
from bot.safety.model import CRISIS_KINDS as CRISIS
from bot.safety.screen import PhraseList, Severity, builtin_phrases

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "screen"


@dataclass(frozen=True)
class Row:
    kind: str
    text: str

    @property
    def crisis(self) -> bool:
        return self.kind in CRISIS

    @property
    def positive(self) -> bool:
        return self.crisis or self.kind == CONCERN


def load(language: str, split: str) -> list[Row]:
    names = (
        ["train.tsv", "dev.tsv", "heldout.tsv", "heldout2.tsv", "heldout3.tsv"]
        if split == "all"
        else [f"{split}.tsv"]
    )
    rows = []
    for name in names:
        lines = (CORPUS / language / name).read_text(encoding="utf-8").splitlines()
        for line in lines[1:]:
            kind, text = line.split("\t", 1)
            rows.append(Row(kind, text))
    return rows


def caught(row: Row, severity: Severity | None) -> bool:
    if row.crisis:
        return severity in {Severity.HIGH, Severity.MEDIUM}
    return severity is not None


def percentile(ordered: list[float], pct: float) -> float:
    return ordered[min(len(ordered) - 1, int(pct / 100 * len(ordered)))]


def timings(
    phrases: PhraseList, rows: list[Row], runs: int, clock: Callable[[], float]
) -> tuple[list[float], list[float]]:
    p50s, p99s = [], []
    for _ in range(runs):
        each = []
        for row in rows:
            start = clock()
            phrases.screen(row.text)
            each.append(clock() - start)
        each.sort()
        p50s.append(percentile(each, 50) * 1e6)
        p99s.append(percentile(each, 99) * 1e6)
    return p50s, p99s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--split",
        choices=("heldout4", "heldout", "heldout2", "heldout3", "dev", "train", "all"),
        default="heldout4",
    )
    parser.add_argument("--language", default="en")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--misses", action="store_true", help="list what the screen got wrong")
    parser.add_argument(
        "--rules-only", action="store_true", help="without the statistical layer, to compare"
    )
    args = parser.parse_args()

    start = time.perf_counter()
    phrases = builtin_phrases()
    if args.rules_only:
        phrases = PhraseList(builtin=phrases.builtin)
    phrases.screen("warm up")
    load_ms = (time.perf_counter() - start) * 1000
    rows = load(args.language, args.split)
    by_kind: dict[str, list[bool]] = defaultdict(list)
    wrong: list[tuple[Row, Severity | None]] = []
    concern_read_as_concern = 0
    for row in rows:
        signal = phrases.screen(row.text)
        severity = None if signal is None else signal.severity
        ok = caught(row, severity)
        by_kind[row.kind].append(ok)
        if row.kind == CONCERN and severity == Severity.CONCERN:
            concern_read_as_concern += 1
        if ok != row.positive:
            wrong.append((row, severity))

    crisis = [ok for k, oks in by_kind.items() if k in CRISIS for ok in oks]
    concern = by_kind.get(CONCERN, [])
    everyday = [ok for k, oks in by_kind.items() if k not in CRISIS and k != CONCERN for ok in oks]
    print(f"# Crisis screen, {args.language}, {args.split} split: {len(rows)} messages")
    print(f"machine: {machine()}")
    print(f"rules loaded and compiled in {load_ms:.0f} ms (once per process)\n")
    print("| kind | messages | flagged | rate |")
    print("|---|---|---|---|")
    for kind in sorted(by_kind, key=lambda k: (k not in CRISIS, k != CONCERN, k)):
        oks = by_kind[kind]
        what = "recall" if kind in CRISIS or kind == CONCERN else "false positives"
        rate = sum(oks) / len(oks)
        print(f"| {kind} | {len(oks)} | {sum(oks)} | {what} {rate:.2f} |")
    recall = sum(crisis) / max(1, len(crisis))
    fpr = sum(everyday) / max(1, len(everyday))
    print(f"\n**crisis recall {recall:.3f}** ({sum(crisis)}/{len(crisis)}), ", end="")
    print(f"**false-positive rate {fpr:.3f}** ({sum(everyday)}/{len(everyday)})")
    if concern:
        print(
            f"concern for someone else: flagged {sum(concern)}/{len(concern)}, "
            f"read as concern {concern_read_as_concern}/{len(concern)}"
        )

    # Wall time includes whatever else the machine's cores are doing; the thread's CPU time
    # is the screen's own work.
    for label, clock in (("wall", time.perf_counter), ("CPU", time.thread_time)):
        p50s, p99s = timings(phrases, rows, args.runs, clock)
        print(
            f"\n{label} time per message over {args.runs} runs: p50 {median(p50s):.0f} µs "
            f"({min(p50s):.0f}–{max(p50s):.0f}), p99 {median(p99s):.0f} µs "
            f"({min(p99s):.0f}–{max(p99s):.0f})",
            end="",
        )
    print(f"\nload average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.misses:
        print("\nWrong:")
        for row, severity in wrong:
            got = "none" if severity is None else severity.name.lower()
            print(f"  [{row.kind}] got {got}: {row.text}")


if __name__ == "__main__":
    main()
