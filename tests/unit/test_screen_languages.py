"""Screening in Spanish and Portuguese: each kind of message, the idioms of each language, and how
the languages are screened together.

The lists are examples per rule family; the labelled corpora (tests/data/screen/<language>/) and
bench/screen.py measure the screen on messages no rule was written from (the held-out split).
"""

from __future__ import annotations

import tomllib

import pytest

from bench.screen import load
from bot.prompts import prompts_dir
from bot.safety.normalise import forms
from bot.safety.rules import RuleSet, load_rules
from bot.safety.screen import (
    PhraseList,
    Severity,
    builtin_phrases,
    languages,
    sharing_exclusions,
)
from tests.screening import flagged


def only(language: str) -> PhraseList:
    """One language's rules on their own, with every language's exclusions (as shipped)."""
    builtin = builtin_phrases().builtin
    return PhraseList(builtin=tuple(r for r in builtin if r.language == language))


SPANISH_HIGH = [
    "me quiero matar",
    "quiero matarme",
    "voy a quitarme la vida esta noche",
    "estoy pensando en suicidarme",
    "hoy me mato",
    "ya tengo todo listo para acabar con mi vida",
    "me voy a tirar del puente",
    "quiero aventarme del edificio",
    "me voy a tomar todas las pastillas",
    "cómo suicidarse sin dolor",
    "este es mi último mensaje, gracias por todo",
    "cuiden a mi gato cuando ya no esté",
    "me volví a cortar",
    "me quemo con el encendedor",
    "me autolesiono desde hace meses",
    "todos estarían mejor sin mí",
    "nadie notaría si me muero",
    "ME QUIERO M4T4R",
    "s u i c i d a r m e",
]
SPANISH_MEDIUM = [
    "quiero morirme",
    "ya no quiero vivir",
    "ojalá no despertar mañana",
    "no le veo sentido a vivir",
    "quiero desaparecer para siempre",
    "no aguanto más",
    "no doy más",
    "estoy harta de vivir",
    "preferiría estar muerta",
    "soy una carga para todos",
]
PORTUGUESE_HIGH = [
    "quero me matar",
    "vou me matar hoje",
    "tô pensando em me matar",
    "vou matar-me",
    "estou a pensar em suicidar-me",
    "vou tirar minha própria vida",
    "quero acabar com tudo de vez",
    "vou pular da ponte",
    "vou tomar todos os comprimidos",
    "vou tomar chumbinho",
    "essa é minha última mensagem, obrigado por tudo",
    "adeus pra sempre",
    "voltei a me cortar",
    "me queimo com isqueiro",
    "todo mundo ficaria melhor sem mim",
    "ninguém ia perceber se eu morresse",
    "qu3ro m3 m4t4r",
]
PORTUGUESE_MEDIUM = [
    "quero morrer",
    "queroooo morrerrrr",
    "n quero mais viver",
    "queria nunca ter nascido",
    "quero sumir",
    "não aguento mais",
    "cansei de viver",
    "a vida não vale a pena",
    "sou um peso pra todo mundo",
]
CONCERN = [
    "mi amiga dice que se quiere matar",
    "mi hermano se está cortando",
    "mi novio me dijo que quiere suicidarse",
    "minha amiga disse que quer se matar",
    "meu irmão tá se cortando",
    "um amigo postou uma carta de despedida",
]
IDIOMS = [
    # Spanish
    "me muero de risa con este video 😂",
    "jajaja me mata de la risa",
    "estoy muerta de cansancio",
    "me muero por verte",
    "me mato estudiando para el examen",
    "mis papás me van a matar si repruebo",
    "me quiero cortar el pelo corto",
    "me corto las venas con una galletita",
    "se me murió la batería",
    "hoy es el día mundial de la prevención del suicidio",
    "me desvivo por mis hijos",
    "no quiero vivir en esta ciudad, es carísima",
    "me tiro en el sofá a ver pelis",
    # Portuguese
    "morrendo de rir com esse vídeo",
    "morri kkkkk",
    "bora matar a saudade",
    "vou matar aula amanhã",
    "tô morta de cansaço",
    "tô me matando de estudar pra prova",
    "minha mãe vai me matar se eu reprovar",
    "esse calor tá me matando",
    "quero sumir do mapa de vergonha kkk",
    "vou me jogar na piscina",
    "meu celular morreu",
    "setembro amarelo é o mês de prevenção do suicídio",
    "me cortei fazendo a barba",
]
NEGATED = [
    "no me quiero matar",
    "ya no me quiero morir",
    "no quiero morir, quiero vivir mucho",
    "não quero me matar",
    "não quero morrer",
]


@pytest.mark.parametrize("text", SPANISH_HIGH + PORTUGUESE_HIGH)
def test_plans_farewells_and_self_harm_are_high(phrases: PhraseList, text: str) -> None:
    assert flagged(phrases, text) == Severity.HIGH


@pytest.mark.parametrize("text", SPANISH_MEDIUM + PORTUGUESE_MEDIUM)
def test_passive_wishes_are_caught(phrases: PhraseList, text: str) -> None:
    assert flagged(phrases, text) in {Severity.MEDIUM, Severity.HIGH}


@pytest.mark.parametrize("text", CONCERN)
def test_worry_about_someone_else_is_concern(phrases: PhraseList, text: str) -> None:
    assert flagged(phrases, text) == Severity.CONCERN


@pytest.mark.parametrize("text", IDIOMS)
def test_idioms_of_each_language_are_not_flagged(phrases: PhraseList, text: str) -> None:
    assert phrases.screen(text) is None


@pytest.mark.parametrize("text", NEGATED)
def test_a_negation_before_a_clitic_or_verb_cancels_it(phrases: PhraseList, text: str) -> None:
    assert phrases.screen(text) is None


def test_the_writer_is_still_at_risk_when_someone_else_is_named_before(
    phrases: PhraseList,
) -> None:
    # "me quiero matar" begins with a first-person clitic: about the writer, not the sister.
    assert flagged(phrases, "mi hermana no sabe que me quiero matar") == Severity.HIGH
    assert flagged(phrases, "minha mãe não sabe que eu quero me matar") == Severity.HIGH


def test_a_speaker_word_lets_a_negation_cancel_and_nothing_else() -> None:
    data = {
        "language": "xx",
        "guards": {"negators": ["nope"], "speaker": ["mi"], "others": ["sis"]},
        "rule": [{"kind": "intent", "severity": "high", "pattern": "mi vanish"}],
    }
    rules = load_rules(data, "xx.toml")

    def found(text: str) -> list[str]:
        return [f.severity for f in rules.find(forms(text)[0])]

    assert found("sis says mi vanish") == ["high"]  # not concern: "mi" is the writer
    assert found("nope mi vanish") == []  # a negation right before still cancels
    # Without the speaker list, the nearest person decides, as in English.
    plain = load_rules({**data, "guards": {"negators": ["nope"], "others": ["sis"]}}, "xx.toml")
    assert [f.severity for f in plain.find(forms("sis says mi vanish")[0])] == ["concern"]


def test_every_text_is_screened_in_every_shipped_language(phrases: PhraseList) -> None:
    assert set(languages()) >= {"en", "es", "pt"}
    # Whatever the member's setting, each language is read: a sentence that switches languages
    # is caught by the language its crisis words are in.
    mixed = "honestly idk anymore, ya no quiero vivir"
    assert flagged(phrases, mixed) == Severity.MEDIUM
    assert only("en").screen(mixed) is None
    assert only("es").screen(mixed) is not None
    assert flagged(phrases, "tô bem cansada hoje, i want to kill myself") == Severity.HIGH
    assert flagged(phrases, "i'm fine, só quero me matar") == Severity.HIGH


def rules_of(language: str) -> RuleSet:
    path = prompts_dir() / "safety" / f"{language}.toml"
    return load_rules(tomllib.loads(path.read_text(encoding="utf-8")), path.name)


def test_an_idiom_in_one_language_cancels_a_rule_of_another(phrases: PhraseList) -> None:
    # Portuguese "me mato" (I kill myself) is also Spanish; only the Portuguese file knows the
    # idiom "me mato de trabalhar". Every language's exclusions apply to every language's rules.
    text = "me mato de trabalhar todo dia"
    spanish, portuguese = rules_of("es"), rules_of("pt")
    assert spanish.find(forms(text)[0]) != []  # Spanish alone reads "me mato" as intent
    shared_spanish, _ = sharing_exclusions((spanish, portuguese))
    assert shared_spanish.find(forms(text)[0]) == []
    assert phrases.screen(text) is None
    # And a real signal beside the idiom is still caught.
    assert flagged(phrases, "me mato de trabalhar. hoje eu me mato de verdade") == Severity.HIGH


@pytest.mark.parametrize("language", ["es", "pt"])
def test_each_language_has_a_labelled_corpus_with_a_separate_held_out_split(language: str) -> None:
    train, heldout = load(language, "train"), load(language, "heldout")
    everything = train + heldout
    assert len(everything) >= 500
    crisis = sum(row.crisis for row in everything)
    assert 0.4 <= crisis / len(everything) <= 0.6
    # Nothing tuned on may leak into the held-out split.
    assert not {r.text.casefold() for r in train} & {r.text.casefold() for r in heldout}
    assert language in languages()
