"""The screen's statistical layer: features as the training script makes them, the data file, and
that it only speaks where the rules read nothing."""

from __future__ import annotations

import importlib.util
import math
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from bot.safety.model import LinearModel, features
from bot.safety.normalise import forms
from bot.safety.rules import RuleError, RuleSet, load_rules
from bot.safety.screen import PhraseList, Severity, builtin_phrases
from tests.screening import read_as_concern


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


def english(full: PhraseList) -> tuple[RuleSet, LinearModel]:
    [layer] = [m for m in full.models if m[0].language == "en"]
    return layer


def test_the_shipped_layers_are_loaded(full: PhraseList) -> None:
    assert {ruleset.language for ruleset, _ in full.models} == {"en", "es", "pt"}
    assert all(len(model.weights) > 1000 for _, model in full.models)


@pytest.mark.parametrize(
    "text",
    [
        "the pills are in my bag and the note is written",
        "m y  l a s t  n i g h t  a l i v e",
        "thanks for everything guys, this is goodbye for real",
        "been sitting on the bridge most nights thinking about the drop",
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
    assert read_as_concern(full, "my friend says she wants to die")


def test_without_a_word_of_the_subject_it_needs_a_margin(full: PhraseList) -> None:
    """A short everyday text has little for the model to read ("for everything" once scored over
    the threshold): without a word of death, harm, ending or despair the score must clear the
    threshold by the data's margin. A confident score still counts: people write "part of me
    wishes I'd never been born" in words no cue list foresees."""
    ruleset, model = english(full)
    margin = ruleset.model_uncued_margin
    assert 0 < margin < math.inf
    assert not ruleset.cued("everything")

    def scoring(score: float) -> PhraseList:
        stub = LinearModel({"w:everything": score}, 0.0, model.threshold)
        return replace(full, models=((ruleset, stub),))

    assert scoring(model.threshold + margin / 2).screen("everything") is None
    signal = scoring(model.threshold + margin + 0.01).screen("everything")
    assert signal is not None and signal.severity == Severity.MEDIUM and signal.kind == "model"


def test_a_cue_word_needs_no_margin(full: PhraseList) -> None:
    ruleset, model = english(full)
    assert ruleset.cued("tired everything") and ruleset.model_margin("tired everything") == 0
    stub = LinearModel({"w:everything": model.threshold + 0.01}, 0.0, model.threshold)
    signal = replace(full, models=((ruleset, stub),)).screen("tired everything")
    assert signal is not None and signal.kind == "model"


def test_the_margin_is_checked_when_the_rules_load() -> None:
    with pytest.raises(RuleError, match="uncued_margin"):
        load_rules({"language": "xx", "model": {"uncued_margin": "big"}}, "xx.toml")
    assert load_rules({"language": "xx"}, "xx.toml").model_uncued_margin == math.inf


def test_the_cue_words_are_read_as_the_model_reads_them(full: PhraseList) -> None:
    ruleset, _ = english(full)
    assert ruleset.cued("i feel like a burden")  # "burden", however the letters are squeezed
    assert ruleset.cued("my last night alive")
    assert not ruleset.cued("thanks so much")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("es", "ya no tengo fuerzas para seguir viviendo asi, quiero apagarme"),
        ("pt", "ninguem vai chorar quando eu partir pra sempre"),
    ],
)
def test_spanish_and_portuguese_have_a_layer_of_their_own(
    full: PhraseList, rules_only: PhraseList, language: str, text: str
) -> None:
    assert rules_only.screen(text) is None
    [layer] = [m for m in full.models if m[0].language == language]
    only = replace(full, models=(layer,))
    signal = only.screen(text)
    assert signal is not None and signal.kind == "model"


@pytest.mark.parametrize(
    "text",
    [
        "I decided to move to Lisbon next summer",
        "more coffee this morning, the printer is down again",
        "ultimate frisbee at lunch, who's in",
    ],
)
def test_an_english_message_wakes_no_spanish_or_portuguese_layer(
    full: PhraseList, text: str
) -> None:
    # Every language's layer reads every text; the Spanish and Portuguese ones need a word of
    # their own subject (their `[model] cues`) or a margin above the threshold, and English small
    # talk has no such word.
    for ruleset, _ in full.models:
        if ruleset.language in {"es", "pt"}:
            assert not ruleset.cued(ruleset.read(forms(text)[0])), (ruleset.language, text)
    assert full.screen(text) is None


def test_the_trainer_never_reads_the_fresh_held_out_split(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("sklearn")
    path = Path(__file__).resolve().parents[1] / "data" / "screen" / "train_model.py"
    spec = importlib.util.spec_from_file_location("train_model", path)
    assert spec is not None and spec.loader is not None
    trainer = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, trainer)  # its dataclasses look themselves up
    spec.loader.exec_module(trainer)
    assert trainer.TEST_SPLIT not in (*trainer.TUNING_SPLITS, trainer.TRAIN_SPLIT)
    with pytest.raises(ValueError, match="never read"):
        trainer.rows("es", trainer.TEST_SPLIT)
