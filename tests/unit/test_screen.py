"""Screening: each kind of message the screen must catch, what it must not, and obfuscations.

The lists here are examples for each rule family; the labelled corpus (tests/data/screen/) and
bench/screen.py measure the screen as a whole on messages no rule was written from.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.safety.normalise import forms
from bot.safety.rules import Exclusion, RuleError, load_rules
from bot.safety.screen import PhraseList, Severity, builtin_phrases, languages, normalise
from tests.screening import flagged, read_as_concern

# Kind 1: passive ideation.
PASSIVE = [
    "honestly there's no point in living anymore",
    "i keep hoping i just don't wake up tomorrow",
    "I wish I could stop existing",
    "i want to disappear for good",
    "life isn't worth living",
    "I don't deserve to live",
    "I want out.",
    "what's the point of being alive",
    "tired of being alive tbh",
]
# Kind 2: intent with a plan, a time or a method.
PLAN = [
    "I've been saving up my pills for this weekend",
    "bought a rope today. it's ready",
    "I'm on the roof and I'm going to jump",
    "gonna step in front of a train tonight",
    "I want to slit my wrists",
    "im ready to die",
    "going to end it tonight",
    "I know how and when, I have a plan to end it",
]
# Kind 3: farewell and finality.
FAREWELL = [
    "this is my last message. thank you for everything",
    "I wrote my goodbye letters last night",
    "I won't be around much longer",
    "I've been giving my things away since I won't need them",
    "goodbye everyone, it was nice knowing you",
    "saying my goodbyes now",
]
# Kind 4: self-harm beyond "cut myself".
SELF_HARM = [
    "I burned myself with a lighter again",
    "relapsed on cutting last night after 3 months",
    "the cuts are getting deeper",
    "I hurt myself as punishment",
    "starving myself as punishment for eating",
    "i keep hitting myself when i mess up",
]
# Kind 5: burden and worthlessness joined to death.
BURDEN = [
    "everyone would be happier if I were dead",
    "my family would be better off without me",
    "nobody would notice if I was gone",
    "I'm a waste of space who should be dead",
]
# Kind 6: slang and euphemisms.
SLANG = [
    "kms",
    "i wanna kms fr",
    "kmsss",
    "gonna unalive myself",
    "been thinking about unaliving",
    "sewerslide sounds nice rn",
    "sewer slide",
    "ready to ctb",
    "kys",
]
# Kind 8: an idiom never swallows a real signal around it.
IDIOM_AND_SIGNAL = [
    "I want to die for real",
    "that cake was to die for but honestly I want to die",
    "killing it at work lol but I still want to kill myself",
    "dying of laughter at memes while planning to end my life",
]
# Kind 9: intensifiers and negated jokes.
INTENSIFIED = [
    "I want to die, not joking",
    "i want to kill myself lol",
    "honestly i just wanna end it all",
    "for real I'm going to end my life",
    "no joke i cant do this anymore",
]
CONCERN = [
    "my friend says she wants to die",
    "my brother has been cutting himself again",
    "i think my girlfriend is suicidal",
    "my roommate keeps saying everyone would be better off without her",
]
NOT_CAUGHT = [
    "I was dying of laughter at that meme",
    "you're killing it!",
    "this game is killing me",
    "my feet are killing me after the hike",
    "we watched Suicide Squad last night",
    "that cake was to die for",
    "I'm dead tired",
    "I need to upskill myself at work",
    "helped a neighbour carry shopping",
    "killing time before the train",
    "went to a suicide prevention training, really moving",
    "hopeless romantic here",
    "the skills I learned myself",
    "my phone battery died again",
    "my basil plant is dying, any tips?",
    "I used to want to die, but I'm doing so much better now",
    "I cut myself chopping onions lol",
    "burned myself on the oven tray",
    "i'd rather die than sing karaoke",
    "I could sleep forever, what a week",
    "I can't do this homework anymore",
    "I'm done with work for the day",
    "I would die for my kids",
    "jumping into the pool tonight!",
    "died three times to that boss in elden ring",
    "bye everyone, see you tomorrow!",
    "I'm going to kill it at the interview tomorrow",
    "if you are thinking about suicide, please call 988",
    "giving away my old clothes to charity",
    "",
]


@pytest.mark.parametrize(
    "text", PASSIVE + PLAN + FAREWELL + SELF_HARM + BURDEN + SLANG + IDIOM_AND_SIGNAL + INTENSIFIED
)
def test_every_kind_of_crisis_message_is_caught(phrases: PhraseList, text: str) -> None:
    assert flagged(phrases, text) in {Severity.HIGH, Severity.MEDIUM}, text


@pytest.mark.parametrize("text", PLAN + FAREWELL + SELF_HARM)
def test_plans_farewells_and_self_harm_are_high(phrases: PhraseList, text: str) -> None:
    assert flagged(phrases, text) == Severity.HIGH, text


@pytest.mark.parametrize(
    "text", ["no point in living", "I wish I was never born", "I feel so hopeless lately"]
)
def test_passive_wishes_and_hopelessness_are_medium(phrases: PhraseList, text: str) -> None:
    assert flagged(phrases, text) == Severity.MEDIUM, text


@pytest.mark.parametrize("text", CONCERN)
def test_worry_about_someone_else_is_concern(phrases: PhraseList, text: str) -> None:
    assert read_as_concern(phrases, text), text


def test_a_member_at_risk_themself_is_not_concern_even_beside_someone_else(
    phrases: PhraseList,
) -> None:
    assert flagged(phrases, "my friend and I both want to die") == Severity.HIGH
    assert flagged(phrases, "she says she wants to die and honestly so do I, I want to die") == (
        Severity.HIGH
    )


# Someone else named in a clause of time or condition before the signal is not its subject: the
# writer is (said inside the match, or implied after the clause).
WRITER_AFTER_A_CLAUSE_ABOUT_SOMEONE_ELSE = [
    "Once the kids are at their dad's this weekend I'm going to do it",
    "after my wife falls asleep gonna end it all",
    "before my son wakes up tomorrow gonna end it all",
]
# Someone else as the subject of the clause that holds the signal stays concern, clause or not.
SOMEONE_ELSE_AS_THE_SUBJECT = [
    "my friend said when she gets home she's going to end it",
    "my brother told me that once exams are over he is going to end it",
    "when her exams are over my sister says she wants to die",
    "my friend keeps talking about suicide",
]


@pytest.mark.parametrize("text", WRITER_AFTER_A_CLAUSE_ABOUT_SOMEONE_ELSE)
def test_someone_else_in_a_time_clause_does_not_make_it_concern(
    phrases: PhraseList, text: str
) -> None:
    assert flagged(phrases, text) == Severity.HIGH, text


@pytest.mark.parametrize("text", SOMEONE_ELSE_AS_THE_SUBJECT)
def test_someone_else_as_the_subject_of_the_signal_is_still_concern(
    phrases: PhraseList, text: str
) -> None:
    assert read_as_concern(phrases, text), text


def test_a_hypothetical_in_a_condition_clause_is_still_no_signal(phrases: PhraseList) -> None:
    # "if they're thinking about suicide": the condition holds the signal, and "someone" before
    # it is hypothetical; the clause rule must not turn it into the writer's own signal.
    text = "how do you ask someone directly if they're thinking about suicide?"
    assert flagged(phrases, text) is None


def test_the_clause_guard_is_data() -> None:
    data = {
        "language": "xx",
        "guards": {"others": ["sis"], "subordinate": ["whenever"], "subject": ["mi"]},
        "rule": [{"kind": "intent", "severity": "high", "pattern": "(vanish|mi vanish)"}],
    }
    rules = load_rules(data, "xx.toml")

    def found(text: str, ruleset: object = rules) -> list[str]:
        return [f.severity for f in rules.find(forms(text)[0])]

    assert found("whenever sis sleeps vanish") == ["high"]  # sis is in the clause before
    assert found("sis vanish") == ["concern"]  # sis is the subject
    assert found("sis says mi vanish") == ["high"]  # the writer is the subject inside the match
    plain = load_rules({**data, "guards": {"others": ["sis"]}}, "xx.toml")
    assert [f.severity for f in plain.find(forms("whenever sis sleeps vanish")[0])] == ["concern"]


# Behaviour rather than a phrase list: knowing where or how, a means put by, a last word to pass
# on, letters for afterwards, a wish in the language of faith, the people around said to be fine.
PLAN_AND_FAREWELL_BY_BEHAVIOUR = [
    "I know which bridge",
    "I've worked out how",
    "I've got enough saved up",
    "I'm going to swallow everything in the medicine cabinet",
    "tomorrow I'm throwing myself off the top floor",
    "left a note for whoever finds me",
    "this is goodbye.",
    "I wrote a letter for each of you, you'll get them after",
    "they'd throw a party if I died",
    "been googling how long it takes to bleed out",
    "wrote down how many tablets it'd take",
    "if I'm not online tomorrow, none of this was your fault",
    "thank you for trying. it wasn't enough",
    "burnt my hand on the stove on purpose",
    "who'd even come to my funeral",
]
PASSIVE_BY_BEHAVIOUR = [
    "hoping the Lord takes me in my sleep",
    "I pray every night that God calls me home",
    "ready to meet my maker",
    "let tonight be my last night",
    "honestly i'd be fine if today was my last day",
    "if I died in my sleep I'd be grateful",
    "I'm not suicidal or anything but I wouldn't mind not existing",
    "it'd be a relief if my heart just stopped",
    "I pray I won't open my eyes tomorrow",
    "I'd rather just not wake up tomorrow",
    "maybe I should just go for good",
]
# Everyday text the old rules flagged: hunger, a swim, a clear-out, a trivial cause named.
EVERYDAY_ONCE_FLAGGED = [
    "starving! what's for dinner",
    "gonna jump in the pool",
    "giving my old books away",
    "this song makes me want to die lol",
    "Monday meetings make me want to jump off a cliff",
    "if she plays that song again I'll jump out the window lol",
    "went for a suicide rush, didn't work",
    "I'm a burden on my friend's sofa lol",
    "100 days without self harm today!",
    "kms every time I miss that jump lol",
    "they'd be better off without me in the team, I'm rubbish at football",
    "I'm saving my pills in the organiser for the week",
]
# The same words going on into an everyday reading: guards on the rules above (they were not
# flagged before those rules either).
EVERYDAY_NEXT_TO_THE_NEW_RULES = [
    "I know which bridge has the best view of the fireworks",
    "I've worked out how to fix the boiler",
    "got enough saved up for the trip to spain",
    "tell my mum I'm sorry I missed her call",
    "this is goodbye to my old flat",
    "praying God brings me a good job",
    "my phone just died",
    "thanks for trying to fix my laptop, it wasn't enough",
    "I burnt my hand on the stove making pancakes",
    "i hope my heart stops racing before the interview",
    "if i don't reply tomorrow i'm at the dentist",
    "i should just go home, it's late",
]


@pytest.mark.parametrize("text", PLAN_AND_FAREWELL_BY_BEHAVIOUR)
def test_plans_and_farewells_are_read_by_behaviour(phrases: PhraseList, text: str) -> None:
    assert flagged(phrases, text) == Severity.HIGH, text


@pytest.mark.parametrize("text", PASSIVE_BY_BEHAVIOUR)
def test_passive_wishes_are_read_by_behaviour(phrases: PhraseList, text: str) -> None:
    assert flagged(phrases, text) in {Severity.HIGH, Severity.MEDIUM}, text


@pytest.mark.parametrize("text", EVERYDAY_ONCE_FLAGGED + EVERYDAY_NEXT_TO_THE_NEW_RULES)
def test_everyday_text_beside_those_readings_is_not_flagged(phrases: PhraseList, text: str) -> None:
    assert flagged(phrases, text) is None, text


@pytest.mark.parametrize(
    "text",
    [
        "makes me want to jump off a cliff lol jk",
        "life makes me want to die lol jk",
        "i want to kill myself lol jk",
        "if he hits me again I'm going to kill myself lol",
    ],
)
def test_a_laugh_after_a_real_statement_does_not_take_it_back(
    phrases: PhraseList, text: str
) -> None:
    # Only a trivial cause named ("this song makes me want to die lol") reads as hyperbole.
    assert flagged(phrases, text) == Severity.HIGH, text


@pytest.mark.parametrize("text", NOT_CAUGHT)
def test_idioms_titles_and_ordinary_text_are_not_flagged(phrases: PhraseList, text: str) -> None:
    assert phrases.screen(text) is None, text


@pytest.mark.parametrize(
    "text", ["I don't want to die", "I would never kill myself", "I don't want to kill myself"]
)
def test_a_negation_just_before_the_intent_cancels_it(phrases: PhraseList, text: str) -> None:
    assert phrases.screen(text) is None, text


# Kind 7: obfuscation, one by one.
@pytest.mark.parametrize(
    ("text", "reads"),
    [
        ("K I L L  M Y S E L F", "kil myself"),  # spaced out, two spaces between words
        ("w a n t  t o  d i e", "want to die"),
        ("k!ll myself", "kil myself"),  # punctuation inside a word
        ("k-i-l-l myself", "kil myself"),
        ("k.i.l.l myself", "kil myself"),
        ("kiII myself", "kil myself"),  # a capital I typed for l
        ("wanna diiieee", "wana die"),  # stretched vowels
        ("k1ll mys3lf", "kil myself"),  # digits for letters
        ("$uicide", "suicide"),
        ("want 2 die", "want to die"),
        ("ki\u200bll myself", "kil myself"),  # an invisible character
        ("kіll myself", "kil myself"),  # a Cyrillic і inside a Latin word
        ("Ünïcödé", "unicode"),
    ],
)
def test_normalisation_undoes_each_obfuscation(text: str, reads: str) -> None:
    assert reads in {f.words for f in forms(text)}


@pytest.mark.parametrize(
    "text",
    [
        "K I L L  M Y S E L F",
        "i w a n t t o d i e",  # one space everywhere: "want to" joins as "wantto"
        "w a n n a  d i e",
        "k!ll myself",
        "k-i-l-l myself",
        "kiII myself",
        "I want to diiiiieeee",
        "i want to kiiiilllll myseeeelf",
        "k1ll mys3lf",
        "I want 2 die",
        "KILL. MY. SELF.",
    ],
)
def test_obfuscated_messages_are_caught(phrases: PhraseList, text: str) -> None:
    assert flagged(phrases, text) == Severity.HIGH, text


def test_sentence_and_comma_markers() -> None:
    assert (
        forms("I'm fine, all good. Really I am fine!")[0].words
        == "im fine , al god | realy i am fine"
    )
    assert normalise("can’t") == normalise("can't") == "cant"
    assert normalise("Ünïcödé  K.I.L.L   me!!!") == "unicode kil me"


def test_a_whole_word_in_another_script_is_not_read_as_latin() -> None:
    assert normalise("умру") == ""


def test_a_community_can_add_phrases(phrases: PhraseList) -> None:
    assert phrases.screen("feeling like a ghost lately") is None
    extended = phrases.with_extra(medium=["like a ghost"])
    signal = extended.screen("Feeling like a GHOST lately")
    assert signal is not None and signal.severity == Severity.MEDIUM
    assert signal.kind == "community"
    high = phrases.with_extra(high=["the void calls"]).screen("the void calls to me")
    assert high is not None and high.severity == Severity.HIGH


def test_exclusions_also_apply_to_community_phrases(phrases: PhraseList) -> None:
    extended = phrases.with_extra(medium=["die"])
    assert extended.screen("I would die for a pizza") is None
    assert extended.screen("I might die") is not None


def test_every_language_file_is_screened() -> None:
    assert languages() == ("en", "es", "pt")


MINIMAL = {
    "language": "xx",
    "words": {"want": ["wish to"]},
    "rule": [{"kind": "intent", "severity": "high", "pattern": "{want} ~1 vanish"}],
    "exclusion": [{"pattern": "vanish (the|a) (coin|card)"}],
}


def test_a_language_is_data_and_loads_from_a_file_of_its_own() -> None:
    rules = load_rules(MINIMAL, "xx.toml")
    [form] = forms("I wish to quietly vanish")
    [found] = rules.find(form)
    assert (found.rule.kind, found.severity, found.text) == (
        "intent",
        "high",
        "wish to quietly vanish",
    )
    assert rules.find(forms("wish to vanish the coin")[0]) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rule": [{"severity": "urgent", "pattern": "x"}]}, "severity is one of"),
        ({"rule": [{"severity": "high", "pattern": "{nope} x"}]}, "unknown word set {nope}"),
        ({"rule": [{"severity": "high", "pattern": "(a|b x"}]}, "is not closed"),
        ({"rule": [{"severity": "high", "pattern": "~2?"}]}, "only a word or a group"),
        ({"rule": [{"severity": "high", "pattern": "a )"}]}, "unexpected ')'"),
        ({"words": {"empty": ["!!"]}}, "word set 'empty' is empty"),
    ],
)
def test_a_mistake_in_the_data_is_reported_with_where_it_is(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(RuleError, match=re.escape(message)) as raised:
        load_rules({**MINIMAL, **change}, "xx.toml")
    assert "xx.toml" in str(raised.value)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_screening_any_text_never_fails(text: str) -> None:
    builtin_phrases().screen(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="kil myself I!.-  13$", max_size=60))
def test_screening_obfuscation_alphabets_never_fails(text: str) -> None:
    builtin_phrases().screen(text)


def test_a_rule_is_not_run_on_a_text_without_a_word_it_needs() -> None:
    data = {
        "language": "xx",
        "rule": [
            {"kind": "intent", "severity": "high", "pattern": "(vanish|fade) ~2 (forever|now)"}
        ],
        "exclusion": [{"name": "idiom", "pattern": "vanish (cream|act)"}],
    }
    rules = load_rules(data, "xx.toml")
    [rule] = rules.rules
    assert rule.required == (frozenset({"vanish", "fade"}), frozenset({"forever", "now"}))
    [exclusion] = rules.exclusions
    assert exclusion.required == (frozenset({"vanish"}), frozenset({"cream", "act"}))
    assert [f.text for f in rules.find(forms("i will vanish soon forever")[0])] == [
        "vanish son forever"
    ]


def test_the_languages_share_the_exclusions_spans_of_one_text(phrases: PhraseList) -> None:
    spans: dict[tuple[frozenset[int], str], list[tuple[int, int, Exclusion]]] = {}
    form = forms("that cake was to die for and i want to die")[0]
    english, spanish = phrases.builtin[0], phrases.builtin[1]
    found, _ = english.scan(form, spans)
    assert [f.text for f in found] == ["want to die"] and len(spans) == 1
    [(key, shared)] = spans.items()
    assert any(e.name == "idiom" for _, _, e in shared)
    assert key[0] == spanish._exclusion_key  # every language reads the same exclusions
