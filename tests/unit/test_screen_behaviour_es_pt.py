"""Spanish and Portuguese: crisis said by behaviour rather than by the usual verbs.

Each case pairs a real signal with its everyday twin, the same shape that must stay quiet: a plan
and a wedding proposal, a farewell and a holiday, a prayer to be taken and a prayer for patience,
self-harm told by its effect and a mosquito bite. The signal is caught and the twin is not.
"""

from __future__ import annotations

import pytest

from bot.safety.screen import PhraseList, Severity
from tests.screening import flagged

AT_RISK = {Severity.HIGH, Severity.MEDIUM}


# (kind of behaviour, a signal, its everyday twin)
PAIRS = [
    # A settled decision, then the act or its time.
    (
        "plan",
        "ya lo tengo decidido, el sábado es el día",
        "ya lo tengo decidido, el sábado me voy a vivir a Quito",
    ),
    (
        "plan",
        "já tá decidido, domingo eu acabo com tudo",
        "já tá decidido, domingo eu vou morar com minha namorada",
    ),
    (
        "plan",
        "esta madrugada termino con esto, ya no hay vuelta atrás",
        "esta madrugada termino la tesis, ya casi",
    ),
    ("plan", "daqui umas horas eu acabo com tudo", "daqui umas horas eu acabo o tcc"),
    # A time or a moment, then a method.
    (
        "plan",
        "en cuanto se duerma mi abuela me tomo la caja entera",
        "en cuanto se duerma mi abuela me tomo un té",
    ),
    (
        "plan",
        "assim que meus pais saírem eu tomo a cartela toda",
        "assim que meus pais saírem eu faço o bolo",
    ),
    (
        "plan",
        "ya elegí el viaducto, nadie me va a encontrar",
        "ya elegí el departamento, está cerca del metro",
    ),
    (
        "plan",
        "já escolhi o viaduto, ninguém vai me achar",
        "já escolhi o apartamento, fica perto do metrô",
    ),
    # Pills gathered, a blade ready.
    (
        "method",
        "fui juntando suficientes pastillas todo el mes",
        "tengo suficientes pastillas para la gripe, tranqui",
    ),
    ("method", "a gilete tá pronta pra essa noite", "a janta tá pronta pra essa noite"),
    # Farewell said by what is handed over.
    (
        "farewell",
        "cuiden a mi hermanito cuando yo ya no esté",
        "cuiden a mi hermanito mientras estoy en la oficina",
    ),
    (
        "farewell",
        "cuidem bem da vovó quando eu já não estiver mais",
        "cuidem bem da vovó enquanto eu tô no trabalho",
    ),
    (
        "farewell",
        "quédense con mi consola, yo ya no la voy a usar",
        "quédense con mi consola, ya no la voy a usar porque me compré otra",
    ),
    (
        "farewell",
        "podem ficar com meus livros, não vou precisar mais",
        "podem ficar com meus livros, não vou precisar mais porque me formei",
    ),
    (
        "farewell",
        "perdón, ya no puedo seguir, no fue culpa de nadie",
        "perdón, ya no puedo seguir con el proyecto hoy",
    ),
    (
        "farewell",
        "desculpa por tudo, não vou mais incomodar vcs",
        "desculpa pelo atraso, o ônibus quebrou",
    ),
    # Passive wishes, the religious ones too.
    ("passive", "Diosito, recógeme ya", "que Dios me lleve con bien a casa"),
    ("passive", "peço a Deus pra me levar logo", "peço a Deus pra me dar paciência"),
    ("passive", "ojalá me duerma hoy y ya no despierte nunca", "ojalá no despierte tarde mañana"),
    ("passive", "tomara que eu durma e não acorde mais", "tomara que eu não acorde cedo amanhã"),
    ("passive", "me da igual si me muero esta noche", "me da igual si llueve esta noche"),
    ("passive", "tanto faz se eu morrer amanhã", "tanto faz se chover amanhã"),
    (
        "passive",
        "ya no quiero estar, de verdad",
        "ya no quiero estar en este grupo, hay mucho spam",
    ),
    # Self-harm without the usual verbs.
    (
        "selfharm",
        "me rasqué los brazos hasta sangrar otra vez",
        "me rasqué las picaduras de mosquito hasta sangrar",
    ),
    ("selfharm", "arranhei minhas pernas até sangrar", "cocei as picadas de mosquito até sangrar"),
    ("selfharm", "tengo las piernas llenas de cortes", "tengo las piernas llenas de picaduras"),
    ("selfharm", "meus braços estão cheios de cortes", "meus braços estão cheios de tatuagens"),
    # Nobody would notice, said the other way round.
    ("burden", "si me muero ni cuenta se daría nadie", "si me muero de hambre es culpa del jefe"),
    ("burden", "se eu morrer ninguém ia perceber", "se eu morrer de rir a culpa é sua"),
    # Chat spelling.
    ("slang", "kiero morirm ya", "kiero comerm una pizza ya"),
    ("slang", "to mt afim de morrer", "to mt afim de pizza"),
]


@pytest.mark.parametrize(("behaviour", "signal", "twin"), PAIRS)
def test_the_signal_is_caught_and_its_twin_is_not(
    phrases: PhraseList, behaviour: str, signal: str, twin: str
) -> None:
    # A passive wish is medium; a plan, a method, a farewell, self-harm, burden with death and
    # the slang for killing oneself are high.
    expected = AT_RISK if behaviour == "passive" else {Severity.HIGH}
    assert flagged(phrases, signal) in expected, (behaviour, signal)
    assert phrases.screen(twin) is None, (behaviour, twin)


# Hard negatives that the screen flagged before this round, each beside the real signal it must
# still catch.
HYPERBOLE = [
    ("me quiero matar, se me quemaron las galletas jaja", "me quiero matar jaja no es broma"),
    ("qué vergüenza, me quiero morir", "me quiero morir de verdad"),
    ("vou me matar, perdi o ônibus de novo kkkk", "vou me matar kkkk é sério"),
    ("que mico, quero morrer", "quero morrer de verdade"),
    ("hoy es el día, por fin me caso", "hoy es el día, ya lo tengo decidido"),
    ("hoje é o dia, finalmente me caso", "hoje é o dia, já decidi"),
    ("adiós para siempre a mi jefe, qué alivio", "adiós para siempre, no me busquen"),
    ("adeus pra sempre pro cigarro", "adeus pra sempre, não me procurem"),
]


@pytest.mark.parametrize(("everyday", "signal"), HYPERBOLE)
def test_a_trivial_cause_or_a_happy_day_is_not_a_crisis(
    phrases: PhraseList, everyday: str, signal: str
) -> None:
    assert phrases.screen(everyday) is None
    assert flagged(phrases, signal) in AT_RISK


def test_kill_time_does_not_swallow_kill_myself_all_the_time(phrases: PhraseList) -> None:
    # "matar o tempo" (to kill time) used to cancel "me matar o tempo todo".
    assert flagged(phrases, "penso em me matar o tempo todo") == Severity.HIGH
    assert phrases.screen("vamos matar o tempo jogando uno") is None


def test_a_dropped_final_r_is_still_intent_and_someone_elses_threat_is_not(
    phrases: PhraseList,
) -> None:
    assert flagged(phrases, "vo me mata") == Severity.HIGH
    assert phrases.screen("minha mãe me mata") is None


def test_advice_to_anyone_is_not_concern(phrases: PhraseList) -> None:
    assert (
        phrases.screen("se alguém estiver pensando em tirar a própria vida, procure o CVV") is None
    )
    assert flagged(phrases, "minha amiga tá pensando em tirar a própria vida") == Severity.CONCERN
