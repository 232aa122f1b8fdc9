"""Obfuscation, systematically: every way of hiding a word that the screen must see through,
applied to crisis statements of every kind and language, and to everyday text that must stay
unflagged however it is typed.

The variants are generated (a seeded generator, and hypothesis for combinations), so a new way
of reading text is tried on every phrase at once rather than on the one example it was written
for.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.safety.screen import PhraseList, Severity

CRISIS = [
    # English: intent, plans, passive wishes, self-harm, burden, farewell, slang.
    "i want to die",
    "i want to kill myself",
    "im going to kill myself tonight",
    "kill myself",
    "i wish i was dead",
    "i want to end my life",
    "im going to end it all",
    "i cut myself again",
    "i want to hurt myself",
    "i dont want to live anymore",
    "im thinking about suicide",
    "im better off dead",
    "i want to disappear forever",
    "everyone would be better off without me",
    "i took all the pills",
    "im going to jump off the bridge",
    "i want to overdose",
    "i want to hang myself",
    "i wanna die",
    "kms",
    # Spanish.
    "me quiero matar",
    "quiero morir",
    "quiero matarme",
    "me voy a suicidar",
    "no quiero vivir mas",
    # Portuguese.
    "quero morrer",
    "quero me matar",
    "vou me matar",
    "nao quero mais viver",
    "vou me cortar hoje",
]

# Everyday text that shares letters or words with a crisis statement.
EVERYDAY = [
    "skill myself up",
    "kill bill",
    "die hard",
    "im dead 😂",
    "skills",
    "my therapist is great",
    "the test killed me lol",
    "i could kill for a coffee",
    "this traffic is killing me",
    "i want to dye my hair",
    "indie games are the best",
    "i want some indie music",
    "i want indie music",
    "i want a new suit",
    "my diehard fans",
    "im going to dye it",
    "studied all night",
    "the deadline is tomorrow",
    "my diet starts monday",
    "me muero de risa",
    "me mato de trabalhar",
]

_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
_LEET_SYMBOLS = {"a": "@", "s": "$"}
_CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "y": "у", "i": "і", "k": "к"}
_GREEK = {"o": "ο", "i": "ι", "a": "α", "e": "ε", "k": "κ", "t": "τ", "n": "η", "v": "ν"}

Obfuscation = Callable[[str, random.Random], str]


def _letters(separator: str, between_words: str = " ") -> Obfuscation:
    return lambda text, rng: between_words.join(separator.join(w) for w in text.split())


def _some(table: dict[str, str], share: float = 0.6) -> Obfuscation:
    return lambda text, rng: "".join(
        table[c] if c in table and rng.random() < share else c for c in text
    )


def _math_letters(base: int) -> Obfuscation:
    def styled(text: str, rng: random.Random) -> str:
        return "".join(chr(base + 26 + ord(c) - 97) if "a" <= c <= "z" else c for c in text)

    return styled


def _stretched(text: str, rng: random.Random) -> str:
    return "".join(c * rng.randint(1, 4) if c in "aeiouy" else c for c in text)


def _one_space_missed(text: str, rng: random.Random) -> str:
    """The space before or after "to" left out, or after an opening "i" or "me" ("i wantto
    die", "i want todie", "ikms", "mequiero matar")."""
    if " to " in text:
        return text.replace(" to ", " to", 1) if rng.random() < 0.5 else text.replace(" to ", "to ")
    if text.startswith(("i ", "me ")):
        return text.replace(" ", "", 1)
    return text


def _mixed_case(text: str, rng: random.Random) -> str:
    return "".join(c.upper() if rng.random() < 0.5 else c for c in text)


def _accents(text: str, rng: random.Random) -> str:
    return "".join(c + "\u0301" if c.isalpha() and rng.random() < 0.5 else c for c in text)


OBFUSCATIONS: dict[str, Obfuscation] = {
    "spaced, two spaces between words": _letters(" ", "  "),
    "spaced, capitals": lambda text, rng: _letters(" ", "  ")(text.upper(), rng),
    "spaced, a slash between words": _letters(" ", " / "),
    "dots between letters": _letters("."),
    "dashes between letters": _letters("-"),
    "underscores between letters": _letters("_"),
    "asterisks between letters": _letters("*"),
    "zero-width spaces": _letters("\u200b"),
    "zero-width joiners": _letters("\u200d"),
    "soft hyphens": _letters("\u00ad"),
    "fullwidth letters": lambda text, rng: "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text
    ),
    "mathematical bold": _math_letters(0x1D400),
    "mathematical sans italic": _math_letters(0x1D608),
    "mathematical double-struck": _math_letters(0x1D538),
    "small capitals": lambda text, rng: text.translate(
        str.maketrans("aeiklmnoprstuy", "ᴀᴇɪᴋʟᴍɴᴏᴘʀꜱᴛᴜʏ")
    ),
    "Cyrillic look-alikes": _some(_CYRILLIC, 0.5),
    "Greek look-alikes": _some(_GREEK, 0.5),
    "combining accents": _accents,
    "emoji between words": lambda text, rng: " 😭 ".join(text.split()),
    "leet digits": _some(_LEET),
    "leet symbols": _some(_LEET_SYMBOLS, 1.0),
    "leet, spaced out": lambda text, rng: _letters(" ", "  ")(_some(_LEET)(text, rng), rng),
    "capital I for l": lambda text, rng: text.replace("l", "I"),
    "stretched vowels": _stretched,
    "stretched letters": lambda text, rng: "".join(c * rng.randint(1, 3) for c in text),
    "mixed case": _mixed_case,
    "capitals": lambda text, rng: text.upper(),
    "words run together": lambda text, rng: text.replace(" ", ""),
    "words run together, stretched": lambda text, rng: _stretched(text, rng).replace(" ", ""),
    "one space missed": lambda text, rng: _one_space_missed(text, rng),
}


def _at_risk(phrases: PhraseList, text: str) -> bool:
    signal = phrases.screen(text)
    return signal is not None and signal.severity in {Severity.HIGH, Severity.MEDIUM}


def test_every_phrase_is_caught_as_written(phrases: PhraseList) -> None:
    assert [p for p in CRISIS if not _at_risk(phrases, p)] == []


@pytest.mark.parametrize("name", OBFUSCATIONS)
def test_each_obfuscation_of_every_phrase_is_caught(phrases: PhraseList, name: str) -> None:
    rng = random.Random(f"{name}:7")
    missed = [t for t in (OBFUSCATIONS[name](p, rng) for p in CRISIS) if not _at_risk(phrases, t)]
    assert missed == []


# Known limits, kept visible: an idiom written with a capital I for l is read only in the
# reading with l, and the other reading still flags it; a whole sentence run together tears
# apart a real word the rules do not know ("iwantindiemusic" reads "i want in die music").
_KNOWN_LIMITS = {
    "capital I for l",
    "words run together",
    "words run together, stretched",
}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason="known limit"))
        if n in _KNOWN_LIMITS
        else n
        for n in OBFUSCATIONS
    ],
)
def test_no_obfuscation_makes_everyday_text_a_signal(phrases: PhraseList, name: str) -> None:
    rng = random.Random(f"{name}:7")
    flagged = [
        t for t in (OBFUSCATIONS[name](p, rng) for p in EVERYDAY) if phrases.screen(t) is not None
    ]
    assert flagged == []


# Two at once: how the letters are laid out, then how each character is written.
_CHARACTERS = [
    "leet digits",
    "leet symbols",
    "Cyrillic look-alikes",
    "mixed case",
    "capitals",
    "combining accents",
    "fullwidth letters",
]
_LAYOUTS = [
    "spaced, two spaces between words",
    "dots between letters",
    "zero-width spaces",
    "emoji between words",
    "mixed case",
]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    phrase=st.sampled_from(CRISIS),
    character=st.sampled_from(_CHARACTERS),
    layout=st.sampled_from(_LAYOUTS),
    seed=st.integers(0, 2**16),
)
def test_obfuscations_combined_are_caught(
    phrases: PhraseList, phrase: str, character: str, layout: str, seed: int
) -> None:
    rng = random.Random(seed)
    text = OBFUSCATIONS[character](OBFUSCATIONS[layout](phrase, rng), rng)
    assert _at_risk(phrases, text), text


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    phrase=st.sampled_from(EVERYDAY),
    character=st.sampled_from(_CHARACTERS),
    layout=st.sampled_from(_LAYOUTS),
    seed=st.integers(0, 2**16),
)
def test_everyday_text_obfuscated_stays_unflagged(
    phrases: PhraseList, phrase: str, character: str, layout: str, seed: int
) -> None:
    rng = random.Random(seed)
    text = OBFUSCATIONS[character](OBFUSCATIONS[layout](phrase, rng), rng)
    assert phrases.screen(text) is None, text


@pytest.mark.parametrize(
    "text",
    [
        "ι wιsh ι wαs dead",  # Greek iota standing alone for "I" in a Latin text
        "1 w1sh 1 was d34d",  # a leet text: "1" alone is I
        "1  w a n t  7 0  d 1 e",  # leet digits typed letter by letter
        "i want to end my Iife",  # a capital I opening a word, for l
        "ᴋɪʟʟ ᴍʏꜱᴇʟꜰ",  # small capitals
        "🅺🅸🅻🅻 myself",  # letters in black squares
        "m e  q u i e r o  m a t a r",
        "quero morrerrr",
        "i wantto die",  # a missed space where a letter is doubled
        "iwanttodie",
        "ikms",
        "imma kms",
        "mequieromatar",
        "voume matar",
        "qro morir",  # chat spelling of quiero, as kiero and qiero
    ],
)
def test_each_reading_added_for_the_testers_list(phrases: PhraseList, text: str) -> None:
    assert _at_risk(phrases, text), text


@pytest.mark.parametrize(
    "text",
    [
        "я хочу спать",  # a text in another script stays itself
        "Its fine, Ill be there",  # "I" opening a word before a consonant is the pronoun
        "s k i l l s",
        "I'd i e",
        "call me at 5 5 5 1 3 4 7",
        "won 3 - 1, 1-0 at half time",
        "i want indiemusic",  # a word torn apart only where a signal is read alone
        "my diehard fans",
        "itself",
        "nometo en eso",
        "qro morir de risa",
        "s k i l l  m y s e l f  u p",  # the writer's word breaks are kept
        "i  w a n t  s o m e  i n d i e  m u s i c",
        "m e  m a t o  d e  t r a b a l h a r",
        "s.k.i.l.l m.y.s.e.l.f u.p",  # letters joined by dots: a space breaks words
        # "menos" read as "me nos" changes nothing the pieces take no part in: the idiom stands.
        "a los 15 escribí una carta de despedida, menos mal que nunca la usé",
    ],
)
def test_the_added_readings_leave_everyday_text_alone(phrases: PhraseList, text: str) -> None:
    assert phrases.screen(text) is None, text
