"""Builds the screen's training split (train.tsv) from its hand-written base (train-base.tsv).

Each base message is kept, and two variants are added: a frame around it (a lead-in, a trailing
"lol" or emoji), a change of case, and now and then a typo, as people write. Seeded, so the output
is the same every run: `python tests/data/screen/vary.py`.

Only the training split is built this way. The development split (dev.tsv) and the held-out split
(heldout.tsv) are written by hand, separately, in other words and shapes, so that a rule or weight
tuned on these variants is not measured on its own templates.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LEADS = [
    "",
    "",
    "honestly ",
    "idk ",
    "ugh. ",
    "so yeah, ",
    "tbh ",
    "today was a lot. ",
    "can't sleep. ",
    "hey, ",
    "not sure how to say this but ",
    "long day. ",
    "ok so ",
    "update: ",
    "random but ",
    "just saying, ",
    "me again. ",
]
TAILS = [
    "",
    "",
    ".",
    "...",
    " lol",
    " 😔",
    " tbh",
    " idk",
    " anyway",
    " 🙃",
    "!!",
    " ngl",
    " 💀",
    " haha",
    " rn",
    " 😭",
]


def typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :] if rng.random() < 0.5 else w[:j] + w[j + 1 :]
    return " ".join(words)


def case(text: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        return text.lower()
    if roll < 0.55:
        return text.upper()
    return text[:1].upper() + text[1:]


def variants(text: str, rng: random.Random) -> list[str]:
    out = []
    for _ in range(2):
        varied = rng.choice(LEADS) + text.rstrip(".!") + rng.choice(TAILS)
        varied = case(varied, rng)
        if rng.random() < 0.25:
            varied = typo(varied, rng)
        out.append(varied)
    return out


def main() -> None:
    rng = random.Random(14)
    heldout = {
        line.split("\t", 1)[1].lower()
        for name in ("dev.tsv", "heldout.tsv", "heldout2.tsv", "heldout3.tsv", "heldout4.tsv")
        for line in (HERE / "en" / name).read_text(encoding="utf-8").splitlines()[1:]
    }
    rows = []
    for line in (HERE / "en" / "train-base.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        kind, text = line.split("\t", 1)
        rows.append((kind, text))
        rows += [(kind, v) for v in variants(text, rng) if v != text]
    seen: set[str] = set()
    lines = ["kind\ttext"]
    for kind, text in rows:
        # A message of the development or held-out split never appears in training.
        if text not in seen and text.lower() not in heldout:
            seen.add(text)
            lines.append(f"{kind}\t{text}")
    (HERE / "en" / "train.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines) - 1} training messages", file=sys.stderr)


if __name__ == "__main__":
    main()
