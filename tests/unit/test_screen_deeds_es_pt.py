"""Spanish and Portuguese: crisis told by what is arranged, hidden or done, which the used
held-out splits and new training voices showed missing, each beside its everyday twin (the same
shape, which must stay quiet).

A date chosen with nothing after it, and the date of a wedding; a note for whoever finds the
writer, and a note for whoever finds the keys; "if you are reading this I am gone", and gone to
bed; a blade hidden, burns and cuts on purpose or to feel something, a blade driven into a leg,
sleeves worn to hide the arms; someone from a server or a class, not named by kinship, and what
they keep or give away.
"""

from __future__ import annotations

import pytest

from bot.safety.screen import PhraseList, Severity
from tests.screening import flagged

AT_RISK = {Severity.HIGH, Severity.MEDIUM}

# (kind, a signal, its everyday twin)
PAIRS = [
    ("plan", "ya escogí el día, el viernes", "ya escogí el día de la mudanza, el viernes"),
    ("plan", "já marquei o dia, sexta", "já marquei o dia da mudança, sexta"),
    (
        "plan",
        "domingo quando meus pais saírem eu faço",
        "domingo quando meus pais saírem eu faço a faxina",
    ),
    (
        "method",
        "vou-me atirar para debaixo do comboio",
        "vou-me atirar para cima da cama e dormir",
    ),
    (
        "farewell",
        "les dejé una carta para quien me encuentre mañana",
        "les dejé una nota para quien encuentre mis llaves",
    ),
    (
        "farewell",
        "tem uma carta pra quem me achar",
        "tem uma recompensa pra quem achar meu gato",
    ),
    ("farewell", "si leen esto ya no estoy", "si leen esto ya me fui a dormir, mañana seguimos"),
    (
        "farewell",
        "quando vocês lerem isso eu já parti",
        "quando vocês lerem isso eu já fui pra casa",
    ),
    ("farewell", "díganle a mi hermana que la quise", "díganle a mi hermana que ya llegué"),
    (
        "farewell",
        "falem pro meu pai que eu sinto muito",
        "falem pro meu pai que eu sinto muito pelo carro",
    ),
    ("farewell", "esse vai ser meu último post", "esse vai ser meu último post antes da viagem"),
    (
        "selfharm",
        "tengo escondidas unas gillettes en el cajón",
        "tengo guardada la gillette de mi papá",
    ),
    ("selfharm", "continuo escondendo as lâminas", "continuo esquecendo as chaves"),
    (
        "selfharm",
        "me golpeé la pierna adrede hasta que se puso morada",
        "me golpeé la pierna con la mesa, no fue adrede",
    ),
    ("selfharm", "me mordi de propósito pra me castigar", "me mordi sem querer comendo"),
    ("selfharm", "me corté para sentir algo", "me corté el pelo para sentirme nueva"),
    ("selfharm", "me cortei pra parar de sentir", "cortei o cabelo pra mudar o visual"),
    (
        "selfharm",
        "me clavé el compás en el muslo",
        "me clavé el compás en el dedo sin querer",
    ),
    ("selfharm", "cravei as unhas nos meus pulsos", "cravei as unhas na almofada de raiva"),
    (
        "selfharm",
        "me pongo muñequeras para que nadie vea mis muñecas",
        "me pongo muñequeras para jugar tenis",
    ),
    (
        "selfharm",
        "só uso moletom pra ninguém perceber meus cortes",
        "só uso moletom porque o escritório é frio",
    ),
    ("selfharm", "dei cabeçadas na parede de novo", "dei de cara na porta de vidro kkk"),
    (
        "burden",
        "era melhor eu não existir, só atrapalho",
        "era melhor eu não estar aqui quando a visita chegar",
    ),
    (
        "passive",
        "quisiera dormirme y no despertar nunca",
        "quisiera dormirme y no despertar hasta el domingo",
    ),
    (
        "passive",
        "queria fechar os olhos e não abrir mais",
        "queria fechar os olhos e não abrir até o fim do filme",
    ),
    ("passive", "oxalá não acordasse amanhã", "oxalá não acorde tarde amanhã"),
]

CONCERN_PAIRS = [
    (
        "una usuaria del canal dijo que se quita la vida hoy",
        "una usuaria del canal dijo que se quita la chamarra por el calor",
    ),
    (
        "un chavo de mi salón tiene pastillas guardadas para matarse",
        "un chavo de mi salón tiene pastillas guardadas para la gripa",
    ),
    ("mi abuela regaló todas sus cosas", "mi abuela regaló todas sus plantas"),
    ("uma mina do discord disse que se mata hoje", "uma mina do discord disse que se mata de rir"),
    (
        "minha tia reza pra Deus levar ela logo",
        "minha tia reza pra Deus levar ela com bem pra casa",
    ),
    ("meu pai deu todas as coisas dele", "meu pai deu todas as camisetas velhas dele"),
]

# Everyday messages the screen read as a crisis before this round.
EVERYDAY = [
    "mi hermano se va a tirar en paracaídas el sábado",  # not someone throwing themself
    "hoy en la noche lo hago, le voy a pedir que sea mi novia",  # a proposal is not a plan
    "amanhã à noite eu faço, vou pedir ela em namoro",
    "la peli termina con el suicidio del villano",  # a story's ending
    "a los quince escribí una carta de despedida, por suerte nunca la usé",  # told as over
    "teve uma época que eu queria sumir, graças a Deus passou",
    "escutando Quero Morrer no repeat",  # a song
    "me corto el flequillo yo sola",  # Spanish read by the Portuguese rules too
    "se me cortó la llamada",
    "no tengo razones para quejarme",  # "razones" is no longer swallowed by a title
]


@pytest.mark.parametrize(("kind", "signal", "twin"), PAIRS)
def test_the_signal_is_caught_and_its_twin_is_not(
    phrases: PhraseList, kind: str, signal: str, twin: str
) -> None:
    expected = AT_RISK if kind == "passive" else {Severity.HIGH}
    assert flagged(phrases, signal) in expected, (kind, signal)
    assert phrases.screen(twin) is None, (kind, twin)


@pytest.mark.parametrize(("signal", "twin"), CONCERN_PAIRS)
def test_worry_said_by_what_someone_keeps_or_gives_away(
    phrases: PhraseList, signal: str, twin: str
) -> None:
    assert flagged(phrases, signal) == Severity.CONCERN
    assert phrases.screen(twin) is None


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_messages_read_as_a_crisis_before_are_not(phrases: PhraseList, text: str) -> None:
    assert phrases.screen(text) is None


def test_no_reasons_to_live_is_read_again(phrases: PhraseList) -> None:
    # A title exclusion ("13 razones", whose digits the screen drops) used to cancel every
    # "razones".
    assert flagged(phrases, "no tengo razones para vivir") in AT_RISK
