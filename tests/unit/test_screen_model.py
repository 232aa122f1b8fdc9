"""The screen's statistical layer: features as the training script makes them, the data file, and
that it only speaks where the rules read nothing."""

from __future__ import annotations

import pytest

from bot.safety.model import LinearModel, features
from bot.safety.screen import PhraseList, Severity, builtin_phrases


def test_features_are_word_grams_and_in_word_character_grams() -> None:
    found = features("i die")
    assert {"w:i", "w:die", "w:i die"} <= found
    assert "c: i " in found  # a word shorter than the n-gram counts once, whole
    assert {"c: di", "c:die", "c:ie ", "c: die", "c:die ", "c: die "} <= found
    assert not any(f.startswith("c:") and " " in f.strip("c: ") for f in found)  # within words


TINY = "# a test model\nthreshold\t0.5\nbias\t-2.0\nw:vanish\t2.5\nc:ish\t0.4\n"


def test_a_model_flags_when_its_score_clears_the_threshold() -> None:
    model = LinearModel.parse(TINY, "tiny.tsv")
    assert model.score("vanish") == pytest.approx(-2.0 + 2.5 + 0.4)
    assert model.flags("i want to vanish")
    assert not model.flags("i want to finish")
    assert 0.5 < model.probability("vanish") < 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("threshold\t1\nbias\tx\n", "tiny.tsv line 2"),
        ("threshold\t1\n", "needs a threshold and a bias"),
        ("threshold\t1\nbias\t0\nw:a b\n", "is not name<TAB>number"),
    ],
)
def test_a_broken_model_file_is_reported_with_where(data: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        LinearModel.parse(data, "tiny.tsv")


@pytest.fixture(scope="module")
def full() -> PhraseList:
    return builtin_phrases()


@pytest.fixture(scope="module")
def rules_only(full: PhraseList) -> PhraseList:
    return PhraseList(builtin=full.builtin)


def test_the_shipped_layer_is_loaded(full: PhraseList) -> None:
    [(ruleset, model)] = full.models
    assert ruleset.language == "en" and len(model.weights) > 1000


@pytest.mark.parametrize(
    "text",
    [
        "🔪 myself tonight, k!ll",
        "m y  l a s t  n i g h t  a l i v e",
        "wish my heart would just give out already",
        "been standing on the bridge most nights working up the nerve",
    ],
)
def test_it_catches_what_no_rule_spelled_out(
    full: PhraseList, rules_only: PhraseList, text: str
) -> None:
    assert rules_only.screen(text) is None
    signal = full.screen(text)
    assert signal is not None and (signal.severity, signal.kind) == (Severity.MEDIUM, "model")


@pytest.mark.parametrize(
    "text",
    [
        "I'm going to die of boredom",  # an idiom the rules read
        "I would never kill myself",  # a negation
        "if you are thinking about suicide, please call 988",  # a "you"
        "I cut myself chopping onions lol",  # an accident
        "I need to upskill myself at work",
        "Suicide Squad was fun",
    ],
)
def test_it_never_undoes_what_the_rules_read(full: PhraseList, text: str) -> None:
    assert full.screen(text) is None


def test_concern_for_someone_else_stays_concern(full: PhraseList) -> None:
    signal = full.screen("my friend says she wants to die")
    assert signal is not None and signal.about_someone_else


@pytest.mark.parametrize(
    "text",
    ["for everything", "everything", "I love everything about this"],
)
def test_it_needs_a_word_of_the_subject_before_it_flags(full: PhraseList, text: str) -> None:
    """A short everyday text has too little for the model to read: without a word of death,
    harm, ending or despair its score is noise (these scored over the threshold)."""
    [(ruleset, model)] = full.models
    words = " ".join(text.lower().split())
    assert model.flags(words) and not ruleset.cued(words)
    assert full.screen(text) is None


def test_the_cue_words_are_read_as_the_model_reads_them(full: PhraseList) -> None:
    [(ruleset, _)] = full.models
    assert ruleset.cued("i feel like a burden")  # "burden", however the letters are squeezed
    assert ruleset.cued("my last night alive")
    assert not ruleset.cued("thanks so much")
