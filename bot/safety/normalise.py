"""Reading text the way a person would before screening it: what was typed to hide or stretch a
word is undone, and what separates thoughts (a sentence end, a comma) is kept as a marker.

The screen's phrases (``prompts/safety/*.toml``) go through the same steps, so a rule is written in
plain English and still matches ``K I L L  m y s e l f``, ``k!ll``, ``kiII``, ``k-i-l-l``,
``$uicide``, ``wanna diiieee`` or ``want 2 die``.

The normalised form holds lowercase letters a to z, single spaces, ``|`` for a sentence end and
``,`` for a comma, each marker standing alone as a word. Repeated letters are cut to one
("kill" reads "kil", "better" reads "beter"): that is what makes stretched words ("kiiilll") match,
and phrases get the same cut, so nothing is lost by it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Characters that do not show but would split a word ("ki\u200bll") or hide a phrase.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# A capital I or a 1 typed for an l inside a word ("kiII", "ki11"): read both ways, since "I"
# after a lowercase letter is also how some capitalise at random ("suIcide") and 1 also stands
# for i ("k1ll").
# A capital I that opens a word is read as l only before a vowel ("Iife", "Iive"): English
# words that open with I go on with a consonant ("It", "In", "Ill"), and texts with those need
# no second reading. A 1 typed letter by letter ("m y s e 1 f") may be an l too.
_L_LOOKALIKE_IN_WORD = re.compile(
    r"(?<=[a-zA-Z])[I1]+|[1]+(?=[a-zA-Z])|(?<![A-Za-z])I(?=[aeiouy])|(?<=[a-zA-Z] )1(?= [a-zA-Z])"
)
# Letters from other scripts that look like Latin ones, used to dodge filters ("kіll", Cyrillic і).
_SCRIPT_LOOKALIKES = str.maketrans(
    {
        "а": "a",
        "е": "e",
        "о": "o",
        "р": "p",
        "с": "c",
        "у": "y",
        "х": "x",
        "і": "i",
        "ј": "j",
        "ѕ": "s",
        "к": "k",
        "м": "m",
        "т": "t",
        "н": "h",
        "в": "b",
        "ι": "i",
        "ο": "o",
        "α": "a",
        "ε": "e",
        "κ": "k",
        "η": "n",
        "τ": "t",
        "υ": "u",
        "ν": "v",
        "ρ": "p",
        "χ": "x",
        "ω": "w",
        "β": "b",
        "γ": "y",
        "μ": "u",
        "ς": "s",
        "σ": "o",
        "ԁ": "d",
        "һ": "h",
        "ӏ": "l",
        "ı": "i",
        "ß": "ss",
    }
)
_LOOKALIKE_LETTERS = frozenset(chr(k) for k in _SCRIPT_LOOKALIKES)


def _styled_letters() -> dict[int, str]:
    """Latin letters dressed up by "fancy text" generators that NFKD leaves alone: small
    capitals ("ᴋɪʟʟ"), letters in black circles and squares ("🅺🅸🅻🅻"). They are Latin letters
    in a costume, never a word of another language, so they are read as plain letters anywhere."""
    found: dict[int, str] = {}
    for start, stop in ((0x0250, 0x02B0), (0x1D00, 0x1D2C), (0xA730, 0xA7FF), (0x1F150, 0x1F18A)):
        for code in range(start, stop):
            name = unicodedata.name(chr(code), "")
            styled = re.fullmatch(
                r"LATIN (?:LETTER SMALL CAPITAL|SMALL LETTER SCRIPT)"
                r"|NEGATIVE (?:CIRCLED|SQUARED) LATIN CAPITAL LETTER",
                name[:-2],
            )
            if styled and name[-2] == " " and "A" <= name[-1] <= "Z":
                found[code] = name[-1].lower()
    found[ord("ғ")] = "f"  # Cyrillic, the generators' small capital F
    return found


_STYLED = _styled_letters()
# Digits and symbols read as letters when they touch a letter ("k1ll", "d13", "$uicide").
_TOUCHING = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "€": "e"}
)
_DIGIT_OR_SYMBOL_BY_LETTER = re.compile(r"(?<=[a-z])[013457@$€]+|[013457@$€]+(?=[a-z])")
# In a text written that way ("1 w1sh 1 was d34d"), a number made only of such digits is a word
# too ("1" is I, "70" is to): numbers are not read anyway, so nothing is lost.
_LEET_NUMBER = re.compile(r"(?<![0-9])[013457]{1,3}(?![0-9])")
# "!", "|" and "*" between letters stand for an i ("k!ll", "k|ll", "k*ll"); at a word's end "!"
# is punctuation.
_BANG_IN_WORD = re.compile(r"(?<=[a-z])[!|*](?=[a-z])")
# A year is kept as a word ("in 2019" reads "in ayear"): it tells a story from the past.
_YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")
# Letters typed one by one, with one separator between letters and two spaces (or a slash)
# between words: "k i l l  m y s e l f", "k.i.l.l", "k-i-l-l", "w a n t / t o / d i e".
# A digit or symbol that stands for a letter counts as one ("1  w a n t  7 0  d 1 e"), as long
# as the run holds two real letters (so "1 0 5" stays a number).
_SPACED = re.compile(
    r"(?<![a-z0-9@$])[a-z0-9@$](?:(?: {2,}| ?/ ?|[ .\-_*·~+])[a-z0-9@$]){2,}(?![a-z0-9@$])"
)
_SPACED_LETTERS = re.compile(r"[a-z]")
_SPACED_WORD_BREAK = re.compile(r" {2,}| ?/ ?")
_SPACED_WORD_BREAK_OR_SPACE = re.compile(r" +| ?/ ?")
_MARK_BETWEEN = re.compile(r"[a-z0-9@$][.\-_*·~+][a-z0-9@$]")
_SPACED_SEPARATOR = re.compile(r"[ .\-_*·~+]")
_APOSTROPHES = re.compile(r"['’`´ʼ]")
_NUMBER = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"[.!?;:\n\r…]+|\s[-–—]+\s")
_COMMA = re.compile(r",+")
_OTHER = re.compile(r"[^a-z|, ]+")
_SPACES = re.compile(r" +")
_REFLEXIVE = re.compile(r"\b(my|your|him|her|them|our|it) (self|selves)\b")
_REPEATS = re.compile(r"([a-z])\1+")
# Standalone numbers that stand for words in chat ("want 2 die", "4ever" aside).
_NUMBER_WORDS = {"2": "to", "4": "for"}


@dataclass(frozen=True, slots=True)
class Form:
    """A text as the screen reads it: ``words`` with sentence and comma markers, and ``runs``:
    letters typed one by one with no word breaks ("k i l l m y s e l f"), joined, unsqueezed,
    whose word breaks are lost (matched separately, with optional spaces)."""

    words: str
    runs: tuple[str, ...]


_MIXED_SCRIPT_WORD = re.compile(r"\S*[A-Za-z]\S*")


def _plain(text: str) -> str:
    if text.isascii():  # most text: nothing to decompose, and lower() is casefold() here
        return text.lower()
    # Look-alikes from other scripts are read as Latin only inside a word that also has Latin
    # letters (the way a filter is dodged): a word wholly in another script stays itself, unless
    # it is all look-alikes in a text that is mostly Latin ("ι wιsh", the Greek iota alone).
    text = _MIXED_SCRIPT_WORD.sub(lambda m: m.group(0).translate(_SCRIPT_LOOKALIKES), text)
    decomposed = unicodedata.normalize("NFKD", text.translate(_STYLED))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    kept = _MIXED_SCRIPT_WORD.sub(lambda m: m.group(0).translate(_SCRIPT_LOOKALIKES), kept)
    if _LATIN_LETTER.search(kept):
        kept = _lone_lookalikes(kept)
    return kept


_LATIN_LETTER = re.compile("[a-z]")
_WORD = re.compile(r"[^\W\d_]+")


def _lone_lookalikes(text: str) -> str:
    words = _WORD.findall(text)
    latin = sum(1 for w in words if w.isascii())
    if latin * 2 <= len(words):
        return text  # mostly another script: its words stay themselves
    return _WORD.sub(
        lambda m: (
            m.group(0).translate(_SCRIPT_LOOKALIKES)
            if _LOOKALIKE_LETTERS.issuperset(m.group(0))
            else m.group(0)
        ),
        text,
    )


def _lookalikes(text: str) -> str:
    text = _YEAR.sub(" ayear ", _BANG_IN_WORD.sub("i", text))
    leet = _DIGIT_OR_SYMBOL_BY_LETTER.sub(lambda m: m.group(0).translate(_TOUCHING), text)
    if leet != text:
        text = _LEET_NUMBER.sub(
            lambda m: (
                m.group(0) if m.group(0) in _NUMBER_WORDS else m.group(0).translate(_TOUCHING)
            ),
            leet,
        )
    return _NUMBER.sub(lambda m: f" {_NUMBER_WORDS.get(m.group(0), '')} ", text)


def _join_spaced(text: str, runs: list[str]) -> str:
    def joined(match: re.Match[str]) -> str:
        chain = match.group(0)
        if len(_SPACED_LETTERS.findall(chain)) < 2:
            return chain
        # Letters joined by a mark ("k.i.l.l m.y.s.e.l.f") leave the space to break words.
        breaks = _SPACED_WORD_BREAK_OR_SPACE if _MARK_BETWEEN.search(chain) else _SPACED_WORD_BREAK
        words = [_SPACED_SEPARATOR.sub("", w).translate(_TOUCHING) for w in breaks.split(chain)]
        if len(words) == 1:
            # No word break at all ("i w a n t t o d i e"): also matched joined, the words
            # found in it by the rules' own spelling. Where the writer marked the breaks, the
            # words are read as written, so a reading across them ("s k i l l  m y s e l f")
            # cannot make a signal of what they typed.
            runs.append(words[0])
        return " ".join(words)

    return _SPACED.sub(joined, text)


def _markers(text: str) -> str:
    text = _SENTENCE_END.sub(" | ", text)
    text = _COMMA.sub(" , ", text)
    text = _SPACES.sub(" ", _OTHER.sub(" ", text)).strip()
    return _merge_short_sentences(text)


def _merge_short_sentences(text: str) -> str:
    """ "KILL. MY. SELF." and "I want to die. Tonight." are one thought: a sentence end next to a
    sentence of one or two words is dropped."""
    if "|" not in text:
        return text
    sentences = [s.strip() for s in text.split("|")]
    out = [sentences[0]]
    for sentence in sentences[1:]:
        if not sentence:
            continue
        if len(out[-1].split()) <= 2 or len(sentence.split()) <= 2:
            out[-1] = f"{out[-1]} {sentence}".strip()
        else:
            out.append(sentence)
    return " | ".join(s for s in out if s)


def _squeeze(text: str) -> str:
    return _REPEATS.sub(r"\1", text)


def _form(text: str) -> Form:
    runs: list[str] = []
    plain = _APOSTROPHES.sub("", _plain(text))
    plain = _join_spaced(_lookalikes(_join_spaced(plain, runs)), runs)
    words = _squeeze(_REFLEXIVE.sub(r"\1\2", _markers(plain)))
    return Form(words, tuple(runs))


def forms(text: str) -> tuple[Form, ...]:
    """The ways to read ``text``: one, or two when a capital I or a 1 in a word may be an l."""
    text = _INVISIBLE.sub("", text)
    first = _form(text)
    if _L_LOOKALIKE_IN_WORD.search(text) is None:
        return (first,)
    return first, _form(_L_LOOKALIKE_IN_WORD.sub(lambda m: "l" * len(m.group(0)), text))


def normalise(text: str) -> str:
    """Words only (letters and single spaces): how a phrase is compared with text."""
    words = forms(text)[0].words
    return _SPACES.sub(" ", words.replace("|", " ").replace(",", " ")).strip()


def squeeze_letters(word: str) -> str:
    """Repeated letters cut to one: a run's letters are compared this way."""
    return _squeeze(word)
