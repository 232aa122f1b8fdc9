"""The structured matcher: rules kept as data (``prompts/safety/<language>.toml``), compiled here.

A rule is a short pattern over normalised words (see the data file's header for the syntax):
"{want} ~2 {end_life}" reads "a wish or intent, up to two other words, then a way of ending one's
life". Each rule may name what cancels it when it comes right after or before it; exclusions
(idioms, titles, recovery stories) cancel only a match that overlaps them, or one in their own
sentence, never a signal elsewhere in the text. Guards on the words just before a match read who
it is about: a negation cancels it, another person makes it concern for someone else, a
hypothetical "you" cancels it. Languages that drop the pronoun ("me quiero matar", "quero me
matar") list their first-person clitics and verbs as speakers: a match that begins with one is
about the writer whoever is named before it, and only a negation right before it cancels it.

Compiling turns each rule into one regular expression. Text is searched with a leading space and
every token of a pattern consumes its own leading space, so a match always starts at a word. A
rule is only tried when the text holds the words it needs, and only where one of its possible
first words stands (``bot/safety/rule_index.py``), which skips most rules for most messages.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from bot.safety.joined import Joined
from bot.safety.normalise import Form, normalise, squeeze_letters
from bot.safety.rule_index import NeededWords, Reading, WordIndex

SEVERITIES = ("high", "medium", "concern")
_GUARD_WINDOW = 6  # words before a match (in its clause) that the guards read
_NEGATION_WINDOW = 2  # a negation counts only this close to the match
_CLAUSE_WINDOW = 14  # words before a match in which a clause of time or condition is looked for
# "my" before another person is theirs, not the writer speaking: "after my wife is asleep".
_OWNERS = frozenset({"my", "mi", "mis", "meu", "minha", "meus", "minhas"})


class RuleError(ValueError):
    """The screen's data file has a mistake; the message says where."""


# ---- Parsing a pattern ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Word:
    text: str  # normalised, may hold spaces ("want to")


@dataclass(frozen=True)
class _Alt:
    options: tuple[_Seq, ...]


@dataclass(frozen=True)
class _Gap:
    most: int
    across: bool = False  # "~~N": may cross a comma or a sentence end (a farewell's parts)


@dataclass(frozen=True)
class _End:
    pass


@dataclass(frozen=True)
class _Optional:
    item: _Word | _Alt


_Item = _Word | _Alt | _Gap | _End | _Optional


@dataclass(frozen=True)
class _Seq:
    items: tuple[_Item, ...]


_TOKEN = re.compile(r"\s*(\(|\)|\||\{[a-z_]+\}|~~?\d+|\$|\?|[^\s(){}|?~$]+)")


@cache
def _normalised_token(token: str) -> str:
    """Most tokens of the data recur ("de", "me", "my"): normalised once each when compiling."""
    return normalise(token)


class _Parser:
    def __init__(self, pattern: str, words: Mapping[str, tuple[str, ...]], where: str) -> None:
        self.tokens = [t for t in _TOKEN.findall(pattern) if t.strip()]
        if "".join(self.tokens) != re.sub(r"\s+", "", pattern):
            raise RuleError(f"{where}: cannot read pattern {pattern!r}")
        self.words = words
        self.where = where
        self.at = 0

    def parse(self) -> _Seq:
        seq = self._seq()
        if self.at != len(self.tokens):
            raise RuleError(f"{self.where}: unexpected {self.tokens[self.at]!r}")
        if not seq.items:
            raise RuleError(f"{self.where}: empty pattern")
        return seq

    def _peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _seq(self) -> _Seq:
        items: list[_Item] = []
        while (token := self._peek()) is not None and token not in {")", "|"}:
            self.at += 1
            item: _Item
            if token == "(":
                item = self._group()
            elif token.startswith("{"):
                item = self._word_set(token[1:-1])
            elif token.startswith("~"):
                item = _Gap(int(token.lstrip("~")), across=token.startswith("~~"))
            elif token == "$":
                item = _End()
            elif token == "?":
                raise RuleError(f"{self.where}: '?' must follow a word or a group")
            else:
                # A comma stands for the text's comma marker ("if I was gone(,)? they..."); other
                # punctuation normalises to nothing.
                text = "," if token == "," else _normalised_token(token)
                if not text:
                    continue  # punctuation only ("&"): nothing to match
                item = _Word(text)
            if self._peek() == "?":
                self.at += 1
                if not isinstance(item, _Word | _Alt):
                    raise RuleError(f"{self.where}: only a word or a group can be optional")
                item = _Optional(item)
            items.append(item)
        return _Seq(tuple(items))

    def _word_set(self, name: str) -> _Alt:
        """A set's phrases may use the pattern syntax too ("better off without (him|her)")."""
        if name not in self.words:
            raise RuleError(f"{self.where}: unknown word set {{{name}}}")
        where = f"{self.where}, word set {name!r}"
        return _Alt(tuple(_Parser(p, self.words, where).parse() for p in self.words[name]))

    def _group(self) -> _Alt:
        options = [self._seq()]
        while self._peek() == "|":
            self.at += 1
            options.append(self._seq())
        if self._peek() != ")":
            raise RuleError(f"{self.where}: a '(' is not closed")
        self.at += 1
        kept = tuple(o for o in options if o.items)
        if not kept:
            # "(19|20)": numbers normalise to nothing, and an empty group would match anywhere.
            raise RuleError(f"{self.where}: a group has no words once normalised")
        return _Alt(kept)


# ---- Compiling ---------------------------------------------------------------------------------


def _gap(most: int, negators: str, across: bool = False) -> str:
    if across:
        return rf"(?: (?!(?:{negators})(?![a-z]))(?:[a-z]+|[|,])){{0,{most}}}"
    return rf"(?: (?!(?:{negators})(?![a-z]))[a-z]+){{0,{most}}}"


# Chat words that may trail a statement before it ends ("I want out lol", "I can't go on rn").
_TRAILING = (
    "lol|lmao|lmfao|tbh|rn|ngl|idk|fr|frfr|haha|hahaha|honestly|anyway|anymore|tho|though|now|"
    "today|tonight|again|x|xx|pls|please|man|dude|bro|guys|srsly|seriously|really|ok|okay"
)
_END = rf"(?=(?: (?:{_TRAILING}))*(?: [|,]|$))"


def _regex(seq: _Seq, negators: str) -> str:
    """Each token consumes its own leading space, so the text is searched as " " + words."""
    out = []
    for item in seq.items:
        if isinstance(item, _Word):
            out.append(" " + re.escape(item.text))
        elif isinstance(item, _Alt):
            out.append(_alternatives(item, negators))
        elif isinstance(item, _Optional):
            inner = _regex(_Seq((item.item,)), negators)
            out.append(f"(?:{inner})?")
        elif isinstance(item, _Gap):
            out.append(_gap(item.most, negators, item.across))
        else:
            out.append(_END)
    return "".join(out)


def _alternatives(alt: _Alt, negators: str) -> str:
    # Longest first, so "kill myself" wins over "kill" when both could match at one place.
    options = sorted({_regex(o, negators) for o in alt.options}, key=len, reverse=True)
    return "(?:" + "|".join(options) + ")"


def _squashed(seq: _Seq) -> str:
    """The same pattern for letters typed one by one and joined ("iwanttodie"): no spaces, each
    letter one or more times (a letter doubled across a lost word break still matches)."""
    out = []
    for item in seq.items:
        if isinstance(item, _Word):
            letters = item.text.replace(" ", "").replace(",", "")  # runs hold no commas
            out.append("".join(re.escape(c) + "+" for c in letters))
        elif isinstance(item, _Alt):
            out.append("(?:" + "|".join(sorted({_squashed(o) for o in item.options})) + ")")
        elif isinstance(item, _Optional):
            out.append(f"(?:{_squashed(_Seq((item.item,)))})?")
        elif isinstance(item, _Gap):
            out.append(f"[a-z]{{0,{item.most * 8}}}")
    return "".join(out)


def _compiled_squashed(seq: _Seq) -> re.Pattern[str] | None:
    pattern = _squashed(seq)
    return re.compile(pattern) if pattern else None


def _first_words(seq: _Seq) -> set[str] | None:
    """Words a match of ``seq`` can begin with; None when it can begin with anything."""
    if not seq.items:
        return None
    first = seq.items[0]
    if isinstance(first, _Word):
        return {first.text.split(" ")[0]}
    if isinstance(first, _Alt):
        found: set[str] = set()
        for option in first.options:
            words = _first_words(option)
            if words is None:
                return None
            found |= words
        return found
    return None


def _required_words(seq: _Seq) -> tuple[frozenset[str], ...]:
    """For each word or group a match must hold, the words it can begin with: a text without one
    of them cannot match, so the rule's expression need not run on it; and for each, the
    rarest-looking words it must hold (see _needed): a rule whose every part can begin with "i" or
    "the" is still skipped on a text without "mind", "decided" or "date"."""
    required: list[frozenset[str]] = []
    for item in seq.items:
        if isinstance(item, _Word | _Alt):
            words = _first_words(_Seq((item,)))
            for found in (frozenset(words or ()), _needed(_Seq((item,)))):
                if found and found not in required:
                    required.append(found)
    return tuple(required)


def _rarity(words: frozenset[str]) -> tuple[int, int]:
    """Longer words are rarer in chat than short ones: a set whose shortest word is longest (then
    the smallest set) is the better filter."""
    return (min(len(w) for w in words), -len(words))


def _needed(seq: _Seq) -> frozenset[str] | None:
    """Words of which every match of ``seq`` holds one: from the words and groups it cannot do
    without, the set that looks rarest; a group gives the union of what each option needs."""
    best: frozenset[str] | None = None
    for item in seq.items:
        found: frozenset[str] | None = None
        if isinstance(item, _Word):
            found = frozenset({max(item.text.split(" "), key=len)})
        elif isinstance(item, _Alt):
            options = [_needed(option) for option in item.options]
            if options and all(options):
                found = frozenset().union(*(o for o in options if o))
        if found and (best is None or _rarity(found) > _rarity(best)):
            best = found
    return best


@dataclass(frozen=True)
class Rule:
    kind: str
    severity: str
    source: str  # the pattern as written, for messages and tests
    regex: re.Pattern[str]
    # The rule read across letters typed one by one ("k i l l"); None where every word is
    # optional or a gap (it would match anything). Compiled with the rest, when the rules load,
    # so no member's message pays for it.
    squashed: re.Pattern[str] | None
    first_words: frozenset[str] | None
    unless_after: tuple[re.Pattern[str], ...]
    unless_before: tuple[re.Pattern[str], ...]
    about_self: bool
    ident: str = ""
    # Words of which a text must hold one each, or the rule cannot match (see _required_words).
    required: tuple[frozenset[str], ...] = ()


@dataclass(frozen=True)
class Exclusion:
    name: str
    regex: re.Pattern[str]
    sentence: bool  # cancels matches in its own sentence, not only overlapping ones
    spares: frozenset[str] = frozenset()
    required: tuple[frozenset[str], ...] = ()  # as for a rule: see _required_words
    first_words: frozenset[str] | None = None  # as for a rule: where a match can begin
    # For a sentence-wide exclusion: where the story turns back to now ("but now", "tonight",
    # "again"). What follows the turn is not cancelled: "I used to be ok but now I want to die".
    turn: re.Pattern[str] | None = None
    # A return of the crisis after the story ("...and the urges came back tonight"): the story is
    # not over, so the exclusion cancels nothing in that sentence.
    returns: re.Pattern[str] | None = None


_Span = tuple[int, int, Exclusion]  # where an exclusion matched, and which


@dataclass(frozen=True)
class Found:
    """One match of one rule, before guards and exclusions."""

    rule: Rule
    start: int
    end: int
    text: str
    severity: str


@dataclass(frozen=True)
class _Index:
    """A language's rules, its own exclusions, and every exclusion it reads (its own and the
    borrowed), each filed by the words it needs (``bot/safety/rule_index.py``)."""

    needs: NeededWords
    rules: WordIndex[Rule]
    own_exclusions: WordIndex[Exclusion]
    exclusions: WordIndex[Exclusion]

    @classmethod
    def of(cls, rules: RuleSet) -> _Index:
        every = rules.exclusions + rules.borrowed
        groups = [g for rule in rules.rules for g in rule.required]
        needs = NeededWords(groups + [g for exclusion in every for g in exclusion.required])
        plain = not rules.indexed
        return cls(
            needs,
            WordIndex(rules.rules, needs, plain=plain),
            WordIndex(rules.exclusions, needs, plain=plain),
            WordIndex(every, needs, plain=plain),
        )


_MIN_TYPO_WORD = 5  # shorter words have too many real neighbours ("form"/"from")
_FIXED_WORDS_KEPT = 50_000  # distinct words whose correction is remembered (a few MB)


@dataclass(frozen=True)
class Typos:
    """One slip of the keyboard in a word that carries a signal, undone: a letter left out
    ("mysef", "suicde"), one added inside ("thinkiing" aside: stretched letters are cut anyway),
    or two letters swapped ("myslef"). Only into the words the data lists under [typos] (five
    letters or more), only when exactly one fits, never for a word the rules use themselves, and
    never by adding or dropping a last letter ("pill"/"pills", "there"/"theyre" aside)."""

    vocabulary: frozenset[str]  # every word the data uses: never "corrected"
    targets: frozenset[str]  # the words a slip is corrected into
    missing_one: Mapping[str, str]  # the word with one letter left out -> the word ("" if several)

    @classmethod
    def of(cls, vocabulary: Iterable[str], targets: Iterable[str]) -> Typos:
        words = frozenset(vocabulary)
        into = frozenset(t for t in targets if len(t) >= _MIN_TYPO_WORD)
        missing: dict[str, str] = {}
        for word in into:
            for i in range(len(word) - 1):
                slip = word[:i] + word[i + 1 :]
                if slip in words:
                    continue
                missing[slip] = word if missing.get(slip, word) == word else ""
        return cls(words | into, into, missing)

    # Each word's correction, once: everyday words ("helped", "someone") come back in nearly
    # every message, and trying every slip of each was a fifth of the screen's time.
    _fixed: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    # The words seen that stay as they are: most messages hold only such words, and are then
    # passed over in one set operation instead of word by word.
    _kept: set[str] = field(default_factory=set, compare=False, repr=False)

    def fix(self, text: str) -> str:
        words = text.split(" ")
        kept = self._kept
        if kept.issuperset(words):
            return text
        if len(kept) >= _FIXED_WORDS_KEPT:
            kept.clear()  # a bound, not an eviction policy: rare and cheap
        changed = False
        for index, word in enumerate(words):
            if word in kept:
                continue
            if len(word) < _MIN_TYPO_WORD - 1 or word in self.vocabulary or not word.isalpha():
                kept.add(word)
                continue
            fixed = self._fixed.get(word)
            if fixed is None:
                if len(self._fixed) >= _FIXED_WORDS_KEPT:
                    self._fixed.clear()  # a bound, not an eviction policy: rare and cheap
                fixed = self._fixed[word] = self._fix_word(word)
            if fixed != word:
                words[index] = fixed
                changed = True
            else:
                kept.add(word)
        return " ".join(words) if changed else text

    def _fix_word(self, word: str) -> str:
        """The one word a single slip makes ``word`` from, else ``word`` itself."""
        found = {self.missing_one.get(word, "")}
        for i in range(len(word) - 1):
            found.add(self._known(word[:i] + word[i + 1 :]))  # one letter added inside
            swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            found.add(self._known(swapped))
        found.discard("")
        return found.pop() if len(found) == 1 else word

    def _known(self, word: str) -> str:
        return word if word in self.targets else ""


@dataclass(frozen=True)
class RuleSet:
    language: str
    rules: tuple[Rule, ...]
    exclusions: tuple[Exclusion, ...]
    negators: frozenset[str]
    selves: frozenset[str]
    others: frozenset[str]
    addressees: frozenset[str]
    typos: Typos | None = None
    # Words that may stand between a negation and the act without ending its reach:
    # "I don't (want to) kill myself".
    between: frozenset[str] = frozenset()
    # First-person words that begin a match in languages that drop the pronoun (a clitic or a
    # verb form: "me quiero matar", "quero me matar"): about the writer, unless just negated.
    speakers: frozenset[str] = frozenset()
    # Other shipped languages' exclusions: they cancel this language's matches too (every
    # language reads every text), but whether the text was read is each language's own say.
    borrowed: tuple[Exclusion, ...] = ()
    # Word beginnings, one of which a text needs before the statistical layer may flag it
    # (``[model] cues``); none listed: no such condition.
    model_cues: tuple[str, ...] = ()
    # How much more than its threshold the layer's score must be on a text without a cue word
    # (``[model] uncued_margin``); infinite (never) unless the data says otherwise.
    model_uncued_margin: float = math.inf
    # The writer as the subject inside a match ("this weekend I'm going to do it"): the match is
    # about the writer whoever is named before it.
    subjects: frozenset[str] = frozenset()
    # Words that open a clause of time or condition ("when", "once", "after"): another person
    # inside one is not the subject of a signal after it.
    subordinate: frozenset[str] = frozenset()
    # Words that may stand between another person and the signal they are the subject of
    # ("she is going to", "he keeps saying he wants to").
    linking: frozenset[str] = frozenset()
    # Words typed together without a space, read apart ("iwanttodie"): see bot/safety/joined.py.
    joined: Joined | None = None
    # False: every rule and exclusion is tried on every text, everywhere: the plain reading the
    # tests compare the index with (``bot/safety/rule_index.py``).
    indexed: bool = True

    @cached_property
    def _index(self) -> _Index:
        # Built on first use, after the borrowed exclusions are in (``screen.sharing_exclusions``).
        return _Index.of(self)

    def prepare(self) -> None:
        """Build the index now, so that no member's message pays for it."""
        _ = self._index

    def model_margin(self, words: str) -> float:
        """What the statistical layer's score must clear on top of its threshold for ``words``:
        nothing with a word of the subject, ``model_uncued_margin`` without one."""
        return 0.0 if self.cued(words) else self.model_uncued_margin

    def cued(self, words: str) -> bool:
        """Whether ``words`` (as ``read`` gives them) hold a word the statistical layer needs."""
        cues = self.model_cues
        return not cues or any(w.startswith(cues) for w in words.split())

    def read(self, form: Form) -> str:
        """The words as the statistical layer reads them: slips undone, words typed together
        read apart where the rules would, no markers."""
        words = form.words if self.typos is None else self.typos.fix(form.words)
        if self.joined is not None:
            split = self.joined.split(words, self._holds_signal)
            words = words if split is None else split[0]
        return " ".join(w for w in words.split(" ") if w not in {"|", ","})

    def find(self, form: Form) -> list[Found]:
        """Every match that survives guards and exclusions, in no particular order."""
        return self.scan(form)[0]

    def scan(
        self, form: Form, spans: dict[tuple[frozenset[int], str], list[_Span]] | None = None
    ) -> tuple[list[Found], bool]:
        """The matches that survive, and whether the rules read the text at all: a rule matched
        and was cancelled (a negation, "you", a cut while cooking) or an exclusion read some
        words as something else (an idiom, a title, a story from the past). The statistical
        layer speaks only where the rules read nothing, so it cannot undo their reading.

        ``spans`` may carry the exclusions' spans between the languages screening one text: every
        language reads every exclusion (its own and the borrowed), so they find the same spans,
        and a long text costs the exclusions once instead of once per language."""
        words_text = form.words if self.typos is None else self.typos.fix(form.words)
        found, read, reading = self._read(words_text, spans)
        read_apart: set[str] = set()
        if self.joined is not None:
            split = self.joined.split(words_text, self._holds_signal)
            if split is not None:
                apart, pieces = split
                more, more_read, _ = self._read(apart, spans)
                # Only what the pieces take part in: the rest of the text was read as written,
                # with its idioms ("menos mal que nunca la usé" is not "me nos mal").
                found += [f for f in more if any(f.start < e and s < f.end for s, e in pieces)]
                read = read or more_read
                read_apart = set(words_text.split(" ")) - set(apart.split(" "))
        for run in form.runs:
            if squeeze_letters(run) not in read_apart:  # read already, word by word
                found += self._find_in_run(run)
        if not read and not found:
            index = self._index
            read = any(reading.search(e) for e in index.own_exclusions.candidates(reading))
        return found, read

    def _holds_signal(self, words: str) -> bool:
        """Whether the pieces of a run of words hold a signal of their own: one that spans two
        of them ("kil myself"), or one word that ends the run ("i kms"). A word the run opens
        with is more likely the same word inflected ("suicidal" is not "suicida al")."""
        end = len(words) + 1  # the text is searched with a leading space
        return any(" " in f.text or f.end == end for f in self._read(words, None)[0])

    def _read(
        self, words_text: str, spans: dict[tuple[frozenset[int], str], list[_Span]] | None
    ) -> tuple[list[Found], bool, Reading]:
        index = self._index
        reading = Reading(words_text, index.needs, anchored=self.indexed)
        text = reading.text
        found: list[Found] = []
        excluded: list[_Span] | None = None
        read = False
        for rule in index.rules.candidates(reading):
            for match in reading.finditer(rule):
                read = True
                start, end = match.start(), match.end()
                if any(p.match(text, end) for p in rule.unless_after):
                    continue
                before = text[:start]
                if any(p.search(before) for p in rule.unless_before):
                    continue
                guarded = (
                    self._guard(before, match.group(0), rule.severity)
                    if rule.about_self
                    else rule.severity
                )
                if guarded is None:
                    continue
                if excluded is None:
                    key = (self._exclusion_key, text)
                    if spans is None or key not in spans:
                        excluded = self._excluded_spans(reading)
                        if spans is not None:
                            spans[key] = excluded
                    else:
                        excluded = spans[key]
                if self._is_excluded(start, end, rule, excluded):
                    continue
                found.append(Found(rule, start, end, match.group(0).strip(), guarded))
        if len({id(f.rule) for f in found}) > 1:
            found.sort(key=lambda f: index.rules.order(f.rule, reading))  # stable: in text order
        return found, read, reading

    def _find_in_run(self, run: str) -> list[Found]:
        squeezed = squeeze_letters(run)
        out = []
        for rule in self.rules:
            if rule.squashed is not None and (match := rule.squashed.search(run)):
                if len(squeeze_letters(match.group(0))) >= 3:
                    out.append(Found(rule, -1, -1, squeezed, rule.severity))
        return out

    def _guard(self, before: str, matched: str, severity: str) -> str | None:
        """Who the words just before the match say it is about, nearest word first: the writer
        ("I", "me"), someone else ("she", "my friend": concern, unless the writer comes nearer
        still), a hypothetical "you" (not a signal), or a negation right before it.

        Someone else makes it concern only as the subject of the clause that holds the signal
        ("my friend says she wants to die"). A match that holds the writer as its own subject
        ("... this weekend I'm going to do it") is about the writer, and so is one whose other
        person sits in a clause of time or condition before it ("after my wife falls asleep
        gonna end it"): a clause opened by a word listed as `subordinate`, the other
        person not right before the signal."""
        words = matched.split()
        if not words:
            return severity
        if words[0] in self.selves or (self.subjects and not self.subjects.isdisjoint(words)):
            return severity
        verdict = severity
        preceding = before.split()
        if words[0] in self.speakers:
            return None if self._negated(preceding) else severity
        distance = 0  # words that count, between a negation and the act
        gap = 0  # words between the nearest other person and the match, but for linking words
        subject = False  # that other person is right before the signal: its subject
        for word in reversed(preceding[-_GUARD_WINDOW:]):
            if word in {"|", ","}:
                break
            if word not in self.between:
                distance += 1
            linked = word in self.between or word in self.linking
            if word in self.selves and not (verdict != severity and word in _OWNERS):
                return verdict
            if word in self.negators and distance <= _NEGATION_WINDOW and verdict == severity:
                return None
            if word in self.others:
                if verdict == severity:
                    subject = gap == 0
                verdict = "concern"
            elif word in self.addressees:
                return None
            elif verdict == severity and not linked:
                gap += 1
            elif word in self.subordinate and verdict != severity and not subject:
                return severity  # the other person is in a clause of its own before the signal
        if verdict != severity and not subject and self._subordinate_before(preceding):
            return severity
        return verdict

    def _subordinate_before(self, preceding: Sequence[str]) -> bool:
        """Whether the clause before a match opens with a subordinating word ("when", "once")
        further back than the guards' window reads, still within its sentence."""
        for word in reversed(preceding[-_CLAUSE_WINDOW:-_GUARD_WINDOW]):
            if word in {"|", ","}:
                return False
            if word in self.subordinate:
                return True
        return False

    def _negated(self, preceding: Sequence[str]) -> bool:
        for word in reversed(preceding[-_NEGATION_WINDOW:]):
            if word in {"|", ","}:
                return False
            if word in self.negators:
                return True
        return False

    @cached_property
    def _exclusion_key(self) -> frozenset[int]:
        return frozenset(id(e) for e in self.exclusions + self.borrowed)

    def _excluded_spans(self, reading: Reading) -> list[_Span]:
        text = reading.text
        spans = []
        for exclusion in self._index.exclusions.candidates(reading):
            for match in reading.finditer(exclusion):
                start, end = match.start(), match.end()
                if exclusion.sentence:
                    start = text.rfind(" |", 0, start) + 1
                    stop = text.find(" |", end)
                    stop = len(text) if stop < 0 else stop
                    if exclusion.returns and exclusion.returns.search(text, end, stop):
                        continue
                    turn = exclusion.turn.search(text, end, stop) if exclusion.turn else None
                    end = stop if turn is None else turn.start()
                spans.append((start, end, exclusion))
        return spans

    @staticmethod
    def _is_excluded(start: int, end: int, rule: Rule, spans: Sequence[_Span]) -> bool:
        for s, e, exclusion in spans:
            if rule.ident and rule.ident in exclusion.spares:
                continue
            if s < end and start < e:
                return True
        return False


def _compile(pattern: str, words: Mapping[str, tuple[str, ...]], negators: str, where: str) -> str:
    return _regex(_Parser(pattern, words, where).parse(), negators)


def load_rules(data: Mapping[str, Any], name: str) -> RuleSet:
    """Compile one language's data (a parsed TOML document); ``name`` is used in error messages."""
    guards = data.get("guards", {})
    words: dict[str, tuple[str, ...]] = {}
    for key, phrases in data.get("words", {}).items():
        kept = tuple(str(x) for x in phrases if normalise(str(x)))
        if not kept:
            raise RuleError(f"{name}: word set {key!r} is empty")
        words[key] = kept
    negator_words = sorted(
        {w for w in (normalise(str(x)) for x in guards.get("negators", ())) if " " not in w}
    )
    negators = "|".join(map(re.escape, negator_words)) or "(?!)"
    rules: list[Rule] = []
    for index, entry in enumerate(data.get("rule", [])):
        where = f"{name} rule {index + 1}"
        severity = str(entry.get("severity", ""))
        if severity not in SEVERITIES:
            raise RuleError(f"{where}: severity is one of {', '.join(SEVERITIES)}")
        pattern = str(entry.get("pattern", ""))
        seq = _Parser(pattern, words, where).parse()
        first = _first_words(seq)
        rules.append(
            Rule(
                kind=str(entry.get("kind", severity)),
                severity=severity,
                source=pattern,
                regex=re.compile(_regex(seq, negators) + "(?![a-z])"),
                squashed=_compiled_squashed(seq),
                first_words=frozenset(first) if first is not None else None,
                unless_after=tuple(
                    re.compile(_compile(p, words, negators, where) + "(?![a-z])")
                    for p in entry.get("unless_after", ())
                ),
                unless_before=tuple(
                    re.compile(_compile(p, words, negators, where) + "$")
                    for p in entry.get("unless_before", ())
                ),
                about_self=severity != "concern",
                ident=str(entry.get("id", "")),
                required=_required_words(seq),
            )
        )
    exclusions = tuple(
        _exclusion(entry, words, negators, f"{name} exclusion {i + 1}")
        for i, entry in enumerate(data.get("exclusion", []))
    )
    typos = Typos.of(
        _vocabulary({k: v for k, v in data.items() if k != "model"}),
        _word_list(data.get("typos", {}).get("fix_into", ())),
    )
    return _ruleset(
        str(data.get("language", name)),
        rules,
        exclusions,
        negators=negator_words,
        selves=_word_list(guards.get("self", ())),
        others=_word_list(guards.get("others", ())),
        addressees=_word_list(guards.get("addressee", ())),
        typos=typos,
        joined=Joined(typos.vocabulary, _word_list(data.get("typos", {}).get("glue", ()))),
        between=_word_list(guards.get("between", ())),
        speakers=_word_list(guards.get("speaker", ())),
        model_cues=tuple(sorted(_word_list(data.get("model", {}).get("cues", ())))),
        model_uncued_margin=_margin(data.get("model", {}), name),
        subjects=_word_list(guards.get("subject", ())),
        subordinate=_word_list(guards.get("subordinate", ())),
        linking=_word_list(guards.get("linking", ())),
    )


def _exclusion(
    entry: Mapping[str, Any], words: Mapping[str, tuple[str, ...]], negators: str, where: str
) -> Exclusion:
    seq = _Parser(str(entry["pattern"]), words, where).parse()
    first = _first_words(seq)
    turn = None
    if "turn" in entry:
        turn_seq = _Parser(str(entry["turn"]), words, where).parse()
        turn = re.compile(_regex(turn_seq, negators) + "(?![a-z])")
    returns = None
    if "returns" in entry:
        returns_seq = _Parser(str(entry["returns"]), words, where).parse()
        returns = re.compile(_regex(returns_seq, negators) + "(?![a-z])")
    return Exclusion(
        name=str(entry.get("name", "exclusion")),
        regex=re.compile(_regex(seq, negators) + "(?![a-z])"),
        sentence=entry.get("scope", "span") == "sentence",
        spares=frozenset(entry.get("spares", ())),
        required=_required_words(seq),
        first_words=frozenset(first) if first is not None else None,
        turn=turn,
        returns=returns,
    )


def _margin(model: Mapping[str, Any], name: str) -> float:
    value = model.get("uncued_margin", math.inf)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise RuleError(f"{name}: [model] uncued_margin is a number, 0 or more")
    return float(value)


_SYNTAX = re.compile(r"\{[a-z_]+\}|~~?\d+|[()|?$]")


def _vocabulary(data: Any) -> set[str]:
    """Every word the data uses, in rules, word sets, exclusions and guards."""
    if isinstance(data, str):
        return set(_normalised_token(_SYNTAX.sub(" ", data)).split())
    if isinstance(data, Mapping):
        return set().union(*(_vocabulary(v) for v in data.values())) if data else set()
    if isinstance(data, list | tuple):
        return set().union(*(_vocabulary(v) for v in data)) if data else set()
    return set()


def _word_list(items: Iterable[Any]) -> frozenset[str]:
    return frozenset(w for w in (normalise(str(x)) for x in items) if w and " " not in w)


def _ruleset(
    language: str,
    rules: Sequence[Rule],
    exclusions: tuple[Exclusion, ...],
    *,
    negators: Iterable[str],
    selves: frozenset[str],
    others: frozenset[str],
    addressees: frozenset[str],
    typos: Typos | None = None,
    between: frozenset[str] = frozenset(),
    speakers: frozenset[str] = frozenset(),
    model_cues: tuple[str, ...] = (),
    model_uncued_margin: float = math.inf,
    subjects: frozenset[str] = frozenset(),
    subordinate: frozenset[str] = frozenset(),
    linking: frozenset[str] = frozenset(),
    joined: Joined | None = None,
) -> RuleSet:
    return RuleSet(
        language,
        tuple(rules),
        exclusions,
        frozenset(negators),
        selves,
        others,
        addressees,
        typos,
        between,
        speakers,
        model_cues=model_cues,
        model_uncued_margin=model_uncued_margin,
        subjects=subjects,
        subordinate=subordinate,
        linking=linking,
        joined=joined,
    )


def phrase_rules(
    language: str, phrases: Iterable[tuple[str, str]], exclusions: tuple[Exclusion, ...]
) -> RuleSet:
    """A community's own phrases (severity, phrase) as rules: matched as whole words anywhere,
    with the language's exclusions, without the guards (the community asked for exactly these)."""
    rules = []
    for severity, phrase in phrases:
        words = normalise(phrase)
        if not words:
            continue
        seq = _Seq((_Word(words),))
        # A community phrase reads across a comma or a sentence end ("0a,a" matches "0A, A").
        regex = "".join(" " + re.escape(w) + r"(?: [|,])*" for w in words.split(" "))
        rules.append(
            Rule(
                kind="community",
                severity=severity,
                source=phrase,
                regex=re.compile(regex + "(?![a-z])"),
                squashed=_compiled_squashed(seq),
                first_words=frozenset({words.split(" ")[0]}),
                unless_after=(),
                unless_before=(),
                about_self=False,
            )
        )
    return _ruleset(
        language,
        rules,
        exclusions,
        negators=(),
        selves=frozenset(),
        others=frozenset(),
        addressees=frozenset(),
    )
