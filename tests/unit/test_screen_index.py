"""The rule index (bot/safety/rule_index.py) never skips a rule or an exclusion that could match:
every shipped language scans each text exactly as its plain reading does (every rule and every
exclusion tried on the whole text), on the labelled corpus and on texts made of the rules' words.

Only the used splits are read here; the fixed held-out split stays unread (bench/screen.py).
"""

from __future__ import annotations

import random
import re
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.safety.normalise import forms
from bot.safety.rules import Exclusion, RuleSet, load_rules
from bot.safety.screen import PhraseList, builtin_phrases

CORPUS = Path(__file__).resolve().parent.parent / "data" / "screen"
USED_SPLITS = ("train", "dev", "heldout", "heldout2", "heldout3")
_Spans = dict[tuple[frozenset[int], str], list[tuple[int, int, Exclusion]]]


def _corpus() -> list[str]:
    texts = []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        for split in USED_SPLITS:
            path = folder / f"{split}.tsv"
            if path.is_file():
                lines = path.read_text(encoding="utf-8").splitlines()[1:]
                texts += [line.split("\t", 1)[1] for line in lines]
    return texts


def _vocabulary(rulesets: tuple[RuleSet, ...]) -> list[str]:
    """Words the rules and exclusions need or begin with, and everyday ones around them."""
    words: set[str] = {"i", "you", "she", "not", "dont", "never", "lol", "my", "friend", "was"}
    for ruleset in rulesets:
        for pattern in (*ruleset.rules, *ruleset.exclusions):
            words.update(w for group in pattern.required for w in group)
            words.update(re.findall(r"[a-z]+", pattern.regex.pattern))
    return sorted(words)


@cache
def _pairs() -> list[tuple[RuleSet, RuleSet]]:
    return [(r, replace(r, indexed=False)) for r in builtin_phrases().builtin]


@pytest.fixture
def pairs() -> list[tuple[RuleSet, RuleSet]]:
    """Each shipped language, with the index and without (the plain reading)."""
    return _pairs()


def _reading(
    ruleset: RuleSet, form_index: int, text: str, spans: _Spans
) -> tuple[bool, list[tuple[int, int, int, str, str]]]:
    found, read = ruleset.scan(forms(text)[form_index], spans)
    number = {id(rule): n for n, rule in enumerate(ruleset.rules)}
    return read, sorted((number[id(f.rule)], f.start, f.end, f.text, f.severity) for f in found)


def _same_scans(pairs: list[tuple[RuleSet, RuleSet]], text: str, seed: int = 0) -> None:
    # Spans are shared between the languages of one text, as the screen shares them.
    indexed_spans: _Spans = {}
    plain_spans: _Spans = {}
    for form_index in range(len(forms(text))):
        for indexed, plain in pairs:
            assert _reading(indexed, form_index, text, indexed_spans) == _reading(
                plain, form_index, text, plain_spans
            ), (indexed.language, text, seed)


def test_the_index_reads_the_corpus_as_the_plain_scan(pairs: list[tuple[RuleSet, RuleSet]]) -> None:
    texts = _corpus()
    # A sample keeps the plain scan (every rule on every text) quick; it changes every run (a
    # failure names its seed).
    seed = random.randrange(2**32)
    for text in random.Random(seed).sample(texts, min(len(texts), 800)):
        _same_scans(pairs, text, seed)


def test_the_index_reads_mixed_texts_as_the_plain_scan(
    pairs: list[tuple[RuleSet, RuleSet]],
) -> None:
    """Longer texts: several messages run together, words dropped or added, in any language."""
    texts = _corpus()
    words = _vocabulary(tuple(r for r, _ in pairs))
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    for _ in range(200):
        parts = rng.sample(texts, rng.randint(2, 4))
        tokens = " , ".join(parts).split()
        for _ in range(rng.randint(0, 6)):
            tokens.insert(rng.randint(0, len(tokens)), rng.choice([*words, ".", ","]))
        _same_scans(pairs, " ".join(tokens), seed)


_MARKS = st.sampled_from([".", ",", "!", "...", " - ", "\n"])


@st.composite
def _rule_words(draw: st.DrawFn) -> str:
    words = _vocabulary(builtin_phrases().builtin)
    tokens = draw(st.lists(st.sampled_from(words) | _MARKS, min_size=1, max_size=40))
    text = " ".join(tokens)
    if draw(st.booleans()):  # a capital I for an l, or letters typed one by one
        text = text.replace("l", "I", 1)
    if draw(st.booleans()) and tokens:
        word = draw(st.sampled_from(tokens))
        text = text.replace(word, " ".join(word), 1)
    return text


@settings(max_examples=150, deadline=None)
@given(_rule_words())
def test_the_index_reads_texts_of_rule_words_as_the_plain_scan(text: str) -> None:
    _same_scans(_pairs(), text)


def test_the_screen_gives_the_plain_verdicts(pairs: list[tuple[RuleSet, RuleSet]]) -> None:
    indexed = builtin_phrases()
    plain_of = {r.language: p for r, p in pairs}
    plain = PhraseList(
        builtin=tuple(plain_of[r.language] for r in indexed.builtin),
        models=tuple((plain_of[r.language], m) for r, m in indexed.models),
    )
    seed = random.randrange(2**32)
    for text in random.Random(seed).sample(_corpus(), 500):
        got, want = indexed.screen(text), plain.screen(text)
        assert (got and got.severity) == (want and want.severity), (text, seed)


def test_an_expression_is_tried_only_where_its_first_words_stand() -> None:
    data = {
        "language": "xx",
        "rule": [
            {"kind": "intent", "severity": "high", "pattern": "(vanish|fade) ~2 (forever|now)"},
            {"kind": "passive", "severity": "medium", "pattern": "wish? ~1 gone"},
        ],
    }
    rules = load_rules(data, "xx.toml")
    text = "fade now and i vanish soon forever , fade fade now , wish i was gone"

    def spans(ruleset: RuleSet) -> list[tuple[str, int, int]]:
        return sorted((f.rule.kind, f.start, f.end) for f in ruleset.find(forms(text)[0]))

    assert spans(rules) == spans(replace(rules, indexed=False))
    assert [f.text for f in rules.find(forms(text)[0]) if f.rule.kind == "intent"] == [
        "fade now",
        "vanish son forever",
        "fade fade now",
    ]


def test_which_of_two_equal_signals_is_reported_follows_the_text() -> None:
    """Not the order a set of words happens to iterate in (it changes from run to run)."""
    data = {
        "language": "xx",
        "rule": [
            {"kind": "first", "severity": "high", "pattern": "vanish forever"},
            {"kind": "second", "severity": "high", "pattern": "fade away"},
        ],
    }
    rules = load_rules(data, "xx.toml")
    screen = PhraseList(builtin=(rules,))

    def kind(text: str) -> str:
        signal = screen.screen(text)
        assert signal is not None
        return signal.kind

    assert kind("fade away and vanish forever") == "second"
    assert kind("vanish forever and fade away") == "first"
