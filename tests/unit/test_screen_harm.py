"""Self-harm, burden, slang and worry about someone else, in the ways people write them without the
usual words: the tool instead of the act ("used the razor again"), the body marked by it, a broken
clean streak, the writer's absence as the others' relief ("if I was gone they could finally be
happy"). Each family comes with its everyday neighbours, which must stay unflagged: shaving, a
scratch from the cat, a relapse into sugar, a weekend away."""

from __future__ import annotations

import pytest

from bot.safety.normalise import forms
from bot.safety.rules import RuleError, load_rules
from bot.safety.screen import PhraseList, Severity, builtin_phrases
from tests.screening import read_as_concern


@pytest.fixture(scope="module")
def rules_only() -> PhraseList:
    return PhraseList(builtin=builtin_phrases().builtin)  # no statistical layer


def severity(phrases: PhraseList, text: str) -> Severity | None:
    signal = phrases.screen(text)
    return None if signal is None else signal.severity


@pytest.mark.parametrize(
    "text",
    [
        # The tool instead of the act.
        "used the razor again",
        "the blade's back out",
        "took the blade out of the pencil sharpener again",
        # The body marked by it.
        "my thighs are covered in cuts",
        "my wrists are a mess again",
        "started cutting on my thighs so no one sees",
        "I keep pressing the cigarette into my arm",
        # Meant, or until it shows.
        "i held my hand over the stove on purpose",
        "i broke my own finger so i'd feel something",
        "bit my arm until it bled",
        "i keep digging my nails in til i bleed",
        "i bash my fists into the wall until they bleed",
        "banging my head against the wall till i see stars",
        "pulled out my hair again till there's a bald patch, can't stop",
        # Hidden, or the only way to cope.
        "wearing long sleeves in summer so no one sees my arms",
        "self harm is the only thing that calms me down",
        # A relapse.
        "3 weeks clean and I ruined it",
        "clean streak broken, cut deep tonight",
        "relapsed. 40 days clean and i cut again",
        "relapsed. i feel so ashamed",
    ],
)
def test_self_harm_said_without_the_usual_verbs_is_high(rules_only: PhraseList, text: str) -> None:
    assert severity(rules_only, text) == Severity.HIGH


@pytest.mark.parametrize(
    "text",
    [
        "used the razor again this morning, nicked my chin shaving",
        "took the blade out of my razor to clean it",
        "the blade's back on the mower",
        "my arms are covered in scratches from the cat",
        "my legs are a mess again after the hike",
        "my arms are covered in scars from surgery",
        "my cat bit my arm until it bled",
        "scratched my arm until it bled, stupid mosquito bites",
        "scratched my arm on a rose bush gardening",
        "i bit my nails till they bled",
        "i burned my hand on the stove, not on purpose",
        "my dog bit my hand on purpose lol",
        "banging my head against the wall over this bug all day",
        "pulling my hair out over this essay",
        "wearing long sleeves so no one sees my tattoo",
        "cutting carbs is the only thing that helps",
        "30 days clean from vaping and I blew it",
        "3 weeks clean and i feel great",
        "relapsed on sugar lol",
        "relapsed. ugh, back on the cigs",
        "my dad relapsed last night, he's drinking again",
        "clean for 3 years now, proud",
        "cut my finger chopping onions",
        "i held my breath on purpose to see how long",
    ],
)
def test_their_everyday_neighbours_are_not_flagged(rules_only: PhraseList, text: str) -> None:
    assert severity(rules_only, text) is None


@pytest.mark.parametrize(
    "text",
    [
        "if i was gone they could finally be happy",
        "if im gone they won't have to deal with my crap anymore",
        "if i killed myself my family would get over it in a week",
        "My death would solve everyone's problems",
        "they'd save so much money if i was dead",
        "it would be a mercy for everyone if i just died",
        "i should do everyone a favour and die",
        "I cost everyone too much. Better if I just go",
        "i'm a waste, i should just go",
        "i'm dead weight, everyone would be lighter without me",
        "the world would keep spinning without me, probably better",
        "all i bring is trouble, world's better without me",
        "with me gone they'd have one less mouth to feed",
        "the only thing i could do right is disappear forever",
        "nobody would even notice I was dead",
        "just a useless waste of space that should've died years ago",
        "i should have died back then, it would have been better",
    ],
)
def test_burden_said_by_the_others_relief_is_high(rules_only: PhraseList, text: str) -> None:
    assert severity(rules_only, text) == Severity.HIGH


def test_who_would_miss_me_is_a_check_in(rules_only: PhraseList) -> None:
    assert severity(rules_only, "who'd miss me anyway") == Severity.MEDIUM
    assert severity(rules_only, "who'd miss me at practice anyway") is None


@pytest.mark.parametrize(
    "text",
    [
        "the kids moved out, one less mouth to feed haha",
        "if i'm gone on holiday my mum will have to feed the cat",
        "when i'm gone to uni my parents will finally relax",
        "they'd be happier if i was gone for the weekend",
        "nobody would even notice I was gone for the afternoon",
        "i'd be so happy if i died my hair pink",
        "do everyone a favour and shut up",
        "i should do the world a favour and go to bed lol",
        "i'm useless at cooking, better if i just go home",
        "i'm such a failure at this game i should just go",
        "the team would cope fine without me, probably better lol",
        "everyone's better without me in the group chat lol",
        "the only thing i can do right now is disappear into my blanket",
        "my death in the game would help the team lol",
        "i should've died laughing at that",
        "in that game i should have died on level 3",
    ],
)
def test_burdens_everyday_neighbours_are_not_flagged(rules_only: PhraseList, text: str) -> None:
    assert severity(rules_only, text) is None


@pytest.mark.parametrize(
    "text",
    [
        "gonna rope tonight",
        "might just rope",
        "time to log off permanently from life",
        "i want to catch the bus",
        "decided to ctb",
    ],
)
def test_slang_with_intent_is_high(rules_only: PhraseList, text: str) -> None:
    assert severity(rules_only, text) == Severity.HIGH


@pytest.mark.parametrize(
    "text",
    [
        "I'm roping in my friends to help move",
        "gonna rope off the area",
        "logging off from life for the weekend, camping!",
        "gotta catch the bus, bye",
        "gonna catch the bus home",
        "i wanna catch the bus instead of walking",
    ],
)
def test_slangs_everyday_neighbours_are_not_flagged(rules_only: PhraseList, text: str) -> None:
    assert severity(rules_only, text) is None


@pytest.mark.parametrize(
    "text",
    [
        "my sister said she knows which bridge she'd use",
        "my grandad keeps saying he wants god to take him",
        "my girlfriend burns herself and i don't know how to help",
        "my mate told me he's got pills saved up",
        "my mom said she wishes she didn't wake up. i'm scared",
        "Our pastor's son has been cutting himself, how can I help",
        "worried about my bf, he's been giving his stuff away",
        "my friend gave away all her stuff this week, should i be worried",
        "my neighbour told me he's got a rope in his garage for himself",
    ],
)
def test_worry_about_someone_else_is_concern(rules_only: PhraseList, text: str) -> None:
    assert read_as_concern(rules_only, text)


@pytest.mark.parametrize(
    "text",
    [
        "my brother gave his games away since he's moving",
        "my sister is giving her old clothes away to charity",
        "she bought a rope for herself to go climbing",
        "my son burned himself on the kettle",
    ],
)
def test_concerns_everyday_neighbours_are_not_flagged(rules_only: PhraseList, text: str) -> None:
    assert severity(rules_only, text) is None


@pytest.mark.parametrize(
    "text",
    [
        # Helping, in general terms.
        "How can I support a friend who's suicidal?",
        "reading up on how to talk to a suicidal teenager",
        "We prayed for all those struggling with thoughts of suicide this morning",
        "Pls don't joke about kys in chat, some people really struggle",
        "how do i know if my friend is just joking about kms",
        "warning signs include talking about being a burden",
        "talking openly about suicide saves lives",
        # A story with the age in numbers.
        "when I was 15 I wrote a goodbye letter. glad I never used it",
        # Social slips and trivial causes, with a laugh.
        "i want to die, i just tripped in front of my crush",
        "ugh i want to die, i just sent that text to the wrong person",
        "i want to die this outfit is so ugly lmao",
        "if he sings that again i'll jump out the window lol",
        # Tiredness, games and the everyday.
        "i wish i could sleep forever on sundays lol",
        "so tired of waking up early for school",
        "jump off the cliff to skip the cutscene, its faster",
        "i keep killing myself with rocket jumps",
        "writing a goodbye letter to my old school",
    ],
)
def test_everyday_readings_are_not_flagged(rules_only: PhraseList, text: str) -> None:
    assert severity(rules_only, text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i help people who are suicidal at work but honestly i want to die too", Severity.HIGH),
        ("i'm not joking about kms", Severity.HIGH),
        ("i want to die, i just lost my job", Severity.HIGH),
        ("i want to die, i just said goodbye to my mom", Severity.HIGH),
        ("if he hits me again i'll kill myself lol", Severity.HIGH),
        ("when i was 15 i wanted to die and i still do", Severity.MEDIUM),
        ("i wish i could sleep forever and never wake up", Severity.MEDIUM),
        ("jump off the cliff to end it", Severity.HIGH),
    ],
)
def test_those_readings_do_not_swallow_a_signal_beside_them(
    rules_only: PhraseList, text: str, expected: Severity
) -> None:
    assert severity(rules_only, text) == expected


def test_a_friend_named_as_ones_own_stays_concern(rules_only: PhraseList) -> None:
    assert read_as_concern(rules_only, "how do I help my friend who is cutting herself")


def test_a_comma_in_a_pattern_matches_the_texts_comma() -> None:
    rules = load_rules(
        {"rule": [{"kind": "burden", "severity": "high", "pattern": "if gone (,)? they rest"}]},
        "xx.toml",
    )

    def found(text: str) -> int:
        return len(rules.find(forms(text)[0]))

    assert found("if gone, they rest") == 1
    assert found("if gone they rest") == 1
    assert found("if gone by noon they rest") == 0  # one word is not a comma
    assert found("i f g o n e t h e y r e s t") == 1  # letters typed one by one hold no comma


@pytest.mark.parametrize(
    "text",
    [
        "i cut again last night",
        "back to cutting",
        "i made myself throw up again",
        "my wrists are bleeding",
        "i've got new scars",
        "hid the razor in my pencil case",
        "i haven't eaten in days as a punishment",
        "my cuts are so deep this time",
    ],
)
def test_self_harm_said_as_a_return_is_high(rules_only: PhraseList, text: str) -> None:
    assert severity(rules_only, text) == Severity.HIGH


@pytest.mark.parametrize(
    "text",
    [
        "the power cut again last night",
        "i've got new scars from my c section",
        "back to cutting coupons lol",
        "my arm is bleeding, the cat got me",
        "my legs are bleeding after shaving",
        "my skin is a mess again, breakout city",
        "kept a razor in my bag for shaving my legs at the gym",
        "used the razor again on my legs, smooth af",
        "hit my head on the door on purpose to make my kid laugh",
        "i punched the wall until it broke, it's drywall and we're renovating",
        "budget cuts are so deep this time",
        "pulled my hair out by the roots at the salon lol",
        "i'm everyone's problem solver at work lol",
        "if i'm gone by 5 they won't have to deal with me at dinner",
        "logging off for life? nah just for the night",
        "i want to die, i just realised i left my phone at home lol",
        "i want to die, my cat just knocked my coffee over lmao",
        "my daughter has pills saved up for her migraines",
        "he took all his pills this morning like the doctor said",
        "he hurts himself when he falls off his skateboard",
        "my friend said goodbye and went offline to sleep",
        "my mum took all her pills to the pharmacy to get them checked",
    ],
)
def test_second_round_neighbours_are_not_flagged(rules_only: PhraseList, text: str) -> None:
    assert severity(rules_only, text) is None


@pytest.mark.parametrize(
    "text",
    [
        "my friend's been talking about not being around anymore",
        "my mate posted something that sounded like a goodbye",
        "my friend said she took a bunch of pills",
        "my friend texted me goodbye and now she's not answering",
    ],
)
def test_worry_said_by_what_they_did_is_concern(rules_only: PhraseList, text: str) -> None:
    assert read_as_concern(rules_only, text)


def test_burden_medium_reads_being_everyones_problem(rules_only: PhraseList) -> None:
    assert severity(rules_only, "i'm tired of being everyone's problem") == Severity.MEDIUM
    assert severity(rules_only, "i'm nothing but a problem for everyone") == Severity.MEDIUM


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i did it again. the cutting. i'm so sorry", Severity.HIGH),
        ("2 months clean and i threw it all away tonight", Severity.HIGH),
        ("i wish i could just cut", Severity.HIGH),
        ("sh is how i cope", Severity.HIGH),
        ("been sh'ing again", Severity.HIGH),
        ("i sh'd last night", Severity.HIGH),
        ("my wife deserves someone better, she'd be free without me", Severity.HIGH),
        ("i'm not worth the trouble, they should stop trying", Severity.MEDIUM),
        ("i'm just taking up space", Severity.MEDIUM),
    ],
)
def test_third_round_signals(rules_only: PhraseList, text: str, expected: Severity) -> None:
    assert severity(rules_only, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "i shd go to bed lol",
        "i wish i could just cut my hair short",
        "cutting is how i cope with long hair lol",
        "i'm just taking up space in the group chat lol",
        "she'd be better without me at the party honestly",
        "i'm not worth the money they charge lol",
        "jumping off the bridge in gta is my favourite thing",
        "my cat keeps scratching my arms when i play with her",
    ],
)
def test_third_round_neighbours_are_not_flagged(rules_only: PhraseList, text: str) -> None:
    assert severity(rules_only, text) is None


def test_a_pet_scratching_cancels_only_its_own_words(rules_only: PhraseList) -> None:
    text = "my cat died and i've been scratching my arms till they bleed"
    assert severity(rules_only, text) == Severity.HIGH


def test_a_machine_failing_again_is_hyperbole_even_without_a_laugh(rules_only: PhraseList) -> None:
    assert (
        severity(rules_only, "if the wifi drops one more time I'm throwing myself off the roof 😂")
        is None
    )
    assert (
        severity(rules_only, "I'm throwing myself off the roof if the printer jams again") is None
    )
    assert severity(rules_only, "if i fail this exam again i'll kill myself") == Severity.HIGH
    assert severity(rules_only, "if he hits me again i'm going to kill myself") == Severity.HIGH


@pytest.mark.parametrize(
    "text",
    [
        "the wordl would be better without me",
        "no one wolud miss me",
        "Tbh my sister said she knows whihc bridge she'd use",
        "took the blade out of the pencil sharpeenr again",
        "who would even show up to my funerla",
        "burnt my hand on the stove on purose",
        "i'm a useless old woman, my children would be better off if i passed",
    ],
)
def test_a_slip_in_a_common_word_still_reads(rules_only: PhraseList, text: str) -> None:
    assert severity(rules_only, text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "my best friend told me she's been cutting",
        "my girlfriend keeps talking about dying",
        "my little sister has scars on her arms",
        "my friend keeps saying nobody would miss her",
        "how do i talk to my brother about his self harm",
        "my friend just sent me a message that sounds like a suicide note",
        "my mate's been drinking himself to death",
    ],
)
def test_more_worry_is_concern(rules_only: PhraseList, text: str) -> None:
    assert read_as_concern(rules_only, text)


@pytest.mark.parametrize(
    "text",
    [
        "my son keeps talking about dying his hair blue",
        "my sister has scars on her arms from the accident",
        "my friend has been cutting class",
        "my mum keeps saying she's ready to go, the taxi is late",
        "my dad is working himself to death",
    ],
)
def test_more_worrys_neighbours_are_not_flagged(rules_only: PhraseList, text: str) -> None:
    assert severity(rules_only, text) is None


def test_ones_own_note_is_still_the_writers(rules_only: PhraseList) -> None:
    assert severity(rules_only, "i wrote a suicide note last night") == Severity.HIGH
    assert severity(rules_only, "i wrote something that sounds like a suicide note") is not None


@pytest.mark.parametrize(
    "text",
    [
        "what does kms mean?",
        "unalive is such a dumb word, just say suicide",
        "ctb = close to break? what does it mean",
        "i died laughing at that sewerslide meme",
    ],
)
def test_slang_talked_about_as_a_word_is_not_flagged(rules_only: PhraseList, text: str) -> None:
    assert severity(rules_only, text) is None


@pytest.mark.parametrize(
    ("text", "concern"),
    [
        ("what does it mean if i want to kms every day", False),
        ("i wanna unalive, not the tiktok word, i mean it", False),
        ("my friend keeps saying kms and i think she means it", True),
    ],
)
def test_slang_said_is_still_read(rules_only: PhraseList, text: str, concern: bool) -> None:
    signal = rules_only.screen(text)
    assert signal is not None and signal.about_someone_else == concern


@pytest.mark.parametrize(
    "text",
    [
        "therapy taught me how to handle urges to self harm",
        "i thought everyone would be better off without me, but i was wrong",
        "watching 'a man called ove', the suicide attempts scenes are dark but funny",
        "i'm worn out, i just want to sleep forever this weekend",
    ],
)
def test_stories_skills_scenes_and_weekends_are_not_flagged(
    rules_only: PhraseList, text: str
) -> None:
    assert severity(rules_only, text) is None


@pytest.mark.parametrize(
    "text",
    [
        "i can't handle the urges to cut anymore",
        "i thought everyone would be better off without me and i still do",
        "i just want to sleep forever",
    ],
)
def test_their_signals_stay(rules_only: PhraseList, text: str) -> None:
    assert severity(rules_only, text) is not None


def test_a_group_with_no_words_once_normalised_is_refused() -> None:
    with pytest.raises(RuleError):
        load_rules(
            {"rule": [{"kind": "concern", "severity": "concern", "pattern": "in (19|20)"}]},
            "xx.toml",
        )


@pytest.mark.parametrize(
    "text",
    [
        "my coworker said she has a rope in her car and laughed it off",
        "a kid in my class said he wants to hang himself",
        "my student said she'd rather be dead than go home",
        "my colleague said she's been planning her death",
        "my brother has bought rope and he doesn't do any climbing or camping",
        "my boyfriend told me where he'd do it",
        "my mum hasn't eaten in days, says she doesn't deserve to",
        "my son's been searching bridges near us and how high they are",
        "my friend from church says god should just take her already",
        "me homeboy been talkin bout endin it, i'm worried fr",
        "our quiet member hasn't posted since saying goodbye to everyone",
        "my teammate gave away all his skins and said he won't be playing anymore",
    ],
)
def test_worry_in_other_words_is_concern(rules_only: PhraseList, text: str) -> None:
    assert read_as_concern(rules_only, text)


@pytest.mark.parametrize(
    "text",
    [
        "if i died my brother would get the attention he deserves",
        "my mum works two jobs because of me. if i was gone she could rest",
        "My daughter would have her life back if I went.",
        "they spend so much on my meds. cheaper to let me go",
        "all i do is cost people things. time, money, patience. death would fix that",
        "i'm dead weight. i'd do them all a favour by dying",
    ],
)
def test_burden_in_other_words_is_high(rules_only: PhraseList, text: str) -> None:
    assert severity(rules_only, text) == Severity.HIGH


@pytest.mark.parametrize(
    "text",
    [
        "my mum could finally rest if i went to camp for the week",
        "death would fix that bug lol",
        "he doesn't deserve to eat my fries lol",
        "my bro is talking about the bridge game tonight",
        "our teacher hasn't posted since saying goodbye for the summer",
        "my boy is talking about ending it with his girlfriend",
        "my sister said she'd rather die than wear that dress",
        "i was suicidal for most of uni. therapy helped a lot",
        "i tried to end my life at 17. i'm 34 now and i'm glad i didn't",
        "the bridge i nearly jumped off is now where i go running every morning",
        "the training said never promise to keep a suicide secret",
        "our church runs a bereavement group for families after suicide",
        "signs someone might be at risk: giving things away, saying goodbye, being a burden",
        "im gonna throw myself off the sofa if my team doesn't score",
        "i'm going to jump off a cliff if they make us do another group project",
        "the wifi is so slow i want to die",
        "the cringe of my old posts makes me want to delete myself from the internet",
        "gonna end it all (this diet. pizza tonight)",
        "i'll be dead meat if i'm late again",
        "kms button in the menu is bound to K, use it if you get stuck",
        "ctb in this game means capture the base btw",
        "just suicide-bombed the point with the bomb class, won the round",
        "GOODBYE SCHOOL FOREVER",
        "gave all my old clothes to the charity shop, feels good to clear out",
        "my mum always leaves a goodbye note on my lunchbox haha",
        "i starved myself before the buffet so i could eat loads lol",
        "this is my final post about the bake sale, promise",
        "said my goodbyes at the leaving party and cried at the cake",
        "gonna take a bunch of paracetamol for this flu, the recommended amount obviously",
    ],
)
def test_fourth_round_neighbours_are_not_flagged(rules_only: PhraseList, text: str) -> None:
    assert severity(rules_only, text) is None


@pytest.mark.parametrize(
    "text",
    [
        "i was suicidal for most of uni. therapy didn't help and i still am",
        "i tried to end my life at 17. i'm going to try again tonight",
        "i'm gonna throw myself off the bridge if my team doesn't score",
        "i'm going to delete myself tonight",
        "i'm going to end it all tonight",
        "the training was useless and i want to commit suicide",
        "gave all my stuff to the charity shop, i won't need it where i'm going",
        "if they make us do another group project i'll kill myself, i mean it, i can't cope",
    ],
)
def test_fourth_round_signals_beside_them_stay(rules_only: PhraseList, text: str) -> None:
    assert severity(rules_only, text) == Severity.HIGH


@pytest.mark.parametrize(
    "text",
    [
        "back to the blade after two months",
        "bought new blades today",
        "i've got a stash of razors in my sock drawer",
        "used a safety pin on my arm during class",
        "i used a lighter to heat a coin and pressed it on my hip",
        "burned my wrist on the oven rack and didn't pull away. i held it there",
        "i scalded myself with the kettle and it felt like relief",
        "i just want to feel the sting again",
        "had to wear long sleeves in 30 degrees again",
        "the cuts from last night are still weeping",
        "i self harm when i feel like a failure, which is every day now",
        "i haven't cut in months but i just did and i'm shaking",
        "clean for 14 days... not anymore",
        "i keep banging my fists against my head when i get things wrong",
    ],
)
def test_fifth_round_self_harm_is_high(rules_only: PhraseList, text: str) -> None:
    assert severity(rules_only, text) == Severity.HIGH


@pytest.mark.parametrize(
    "text",
    [
        "bought new blades today for the mower",
        "used a safety pin on my jacket",
        "used a needle on my arm to get a splinter out",
        "burned my hand on the oven and didn't pull away fast enough, ouch",
        "i just want to feel the burn again at the gym",
        "had to wear long sleeves in the heat for the wedding",
        "the cuts from last night's cooking are still stinging",
        "i haven't cut my hair in months but i just did",
        "i haven't smoked in months but i just did",
        "clean for 30 days from vaping, not anymore",
        "my stash of razors for shaving",
    ],
)
def test_fifth_round_neighbours_are_not_flagged(rules_only: PhraseList, text: str) -> None:
    assert severity(rules_only, text) is None
