"""Rules for what people write at the end of a decision without naming death or a method: a plan
said as a settled fact ("Tonight's the night. I've made my mind up."), a means at hand ("I have
the pills ready"), a farewell said by what is arranged ("look after mum for me"), and passive wishes
in other words. Each case names the rule that must read it, so removing a rule fails its own
case; each family has everyday neighbours that must stay unflagged."""

from __future__ import annotations

import pytest

from bot.safety.normalise import forms
from bot.safety.rules import load_rules
from bot.safety.screen import PhraseList, Severity, builtin_phrases
from tests.screening import flagged


@pytest.fixture(scope="module")
def rules_only() -> PhraseList:
    return PhraseList(builtin=builtin_phrases().builtin)  # no statistical layer


def rule_ids(phrases: PhraseList, text: str) -> set[str]:
    return {
        found.rule.ident
        for ruleset in phrases.builtin
        for form in forms(text)
        for found in ruleset.find(form)
    }


H, M = Severity.HIGH, Severity.MEDIUM


@pytest.mark.parametrize(
    ("rule", "severity", "text"),
    [
        # A plan said as settled, the act left unnamed.
        ("settled-unnamed", H, "Tonight's the night. I've made my mind up."),
        ("settled-unnamed", H, "I'm doing it this weekend. I've decided."),
        ("settled-unnamed", H, "my mind is made up, it's tonight"),
        ("settled-unnamed", H, "it's happening on saturday, everything is in place"),
        ("settled-unnamed", H, "my plan is set, sunday morning before anyone's up"),
        ("plan-and-means", H, "I have a plan and a date, that's all I'll say."),
        ("plan-and-means", H, "i have a bottle of pills and a plan"),
        ("plan-and-means", H, "i've got a plan and i'm going to go through with it"),
        ("when-nobody-home", H, "once everyone's asleep im taking all of them"),
        ("when-nobody-home", H, "after my mum leaves for work i'll take the tablets"),
        ("make-sure-not-survive", H, "This time I'll make sure I don't survive it"),
        # A means at hand.
        ("means-ready", H, "I have the pills ready"),
        ("means-ready", H, "have the razor ready in the bathroom"),
        ("means-ready", H, "the pills are lined up on my desk"),
        ("means-with-a-wink", H, "bought a rope today. not for camping"),
        ("means-with-a-wink", H, "got the knife by the bed for later"),
        ("means-with-a-wink", H, "bought a hose for the car exhaust, you know why"),
        ("pills-put-by", H, "been collecting my prescriptions instead of taking them"),
        ("pills-put-by", H, "I counted the paracetamol. 64. should be plenty"),
        ("gun-and-ammo", H, "my uncle's shotgun is in the loft, I know where the shells are"),
        ("means-and-nerve", H, "the bottle of pills is on my desk, just need the guts"),
        ("keep-looking", M, "I keep looking at my wrists"),
        ("keep-looking", M, "ive looked at the drop from my balcony so many times"),
        # Farewells by deed.
        ("last-words-goodbye", H, "I'm at peace now. Goodbye."),
        ("last-words-goodbye", H, "you're all better off without me, goodbye"),
        ("last-words-goodbye", H, "Sorry for the trouble I caused. Goodbye all"),
        ("bye-before-i-go", H, "just wanted to say bye properly before i go. love u guys"),
        ("leaving-this-world", H, "I'm leaving this world tonight, goodbye"),
        ("leaving-this-world", H, "i want off this planet. permanently"),
        ("never-see-you-again", H, "I won't see any of you again"),
        ("never-see-you-again", H, "i'm leaving forever, don't come looking"),
        ("last-message-goodbye", H, "my last check-in. goodbye everyone"),
        ("last-message-goodbye", H, "my final message to this server: you were the best part"),
        ("last-message-goodbye", H, "this will be the last thing I write"),
        ("last-message-goodbye", H, "this is my last night, i wanted to thank you"),
        ("for-after", M, "recorded a video for my parents to watch after"),
        ("for-after", M, "I've written letters for each of my grandchildren, to be opened after."),
        ("for-after", M, "cancelled my subscriptions so nobody has to deal with it after"),
        ("for-after", M, "to whoever reads this, please don't blame yourselves"),
        ("for-after", M, "if something happens to me, my notebook explains everything"),
        ("pet-given-away", H, "gave my cat to my neighbour, she'll look after him better"),
        ("pet-given-away", H, "gave my rings to my daughter today. she doesn't know why"),
        # Passive wishes in other words.
        ("welcome-an-end", M, "I hope the cancer just takes me quick, I'm not fighting it"),
        ("welcome-an-end", M, "part of me hopes the doctors find something terminal"),
        ("welcome-an-end", M, "I'd honestly welcome an accident at this point"),
        ("welcome-an-end", M, "if i get hit crossing the road so be it"),
        ("me-included", M, "just want everything to end. me included"),
        ("life-has-no-point", M, "living feels pointless"),
        ("life-has-no-point", M, "I have lost all will to live"),
        ("wish-had-died", M, "i wish i'd died in that accident"),
        ("cant-wait-for-life-over", M, "oh yes life is wonderful, can't wait for it to be over"),
        ("lying-if-i-said", M, "I'd be lying if I said I still wanted to be here."),
        ("faith-let-me-go", M, "if god has any mercy he'll let me die soon"),
        ("faith-let-me-go", M, "every night I ask the Lord why He hasn't taken me yet"),
        ("waiting-for-the-end", M, "i'm just waiting to die at this point"),
        ("waiting-for-the-end", M, "at my age every morning I wake up I'm disappointed"),
        ("not-belong-still-here", M, "i don't belong in this world"),
        ("not-belong-still-here", M, "why am i even still here"),
        ("not-belong-still-here", M, "i'm only still here because of my dog"),
        ("not-belong-still-here", M, "I envy the dead sometimes"),
        ("death-sounds-like-rest", M, "dying doesn't scare me anymore, it sounds like rest"),
        ("sleep-and-stay", M, "i'd like to fall asleep and stay asleep"),
        ("dead-and-wish-too", M, "my phone's dead and honestly I wish I was too"),
        ("dead-and-wish-too", M, "lol that meme killed me. wish something actually would"),
        ("dead-and-wish-too", M, "i'd kill for a nap, or to not wake up at all"),
        ("i-mean-it", H, "kill me lol no actually i mean it"),
        ("me-wants", H, "me wants to die, sorry bad english"),
    ],
)
def test_settled_plans_means_and_deeds_are_read_by_their_rule(
    rules_only: PhraseList, rule: str, severity: Severity, text: str
) -> None:
    assert rule in rule_ids(rules_only, text)
    assert flagged(rules_only, text) == severity


@pytest.mark.parametrize(
    "text",
    [
        "I have the pills ready for grandma's morning dose",
        "tonight's the night — concert!",
        "Tonight's the night, the new season drops. I've decided to binge it all",
        "made up my mind, I'm quitting the job",
        "bought rope for the tent",
        "bought a rope for the swing today",
        "goodbye everyone, leaving the server, thanks for everything",
        "my last message before my flight",
        "please feed my cat for me",
        "can you look after my plants for me? back on sunday",
        "tell my mum I'm sorry I missed her call",
        "have my meds ready for the trip",
        "the pills are laid out in the organiser for the week",
        "counted the tablets, plenty for the week",
        "stockpiling paracetamol for flu season",
        "my dad's shotgun is in the shed and I know where the key is, we're going clay shooting",
        "just need the courage to ask her out",
        "I keep looking at my watch, this meeting is endless",
        "make sure I don't wake up late tomorrow",
        "Sorry for the trouble I caused in the raid. Bye all, gn",
        "bye everyone, don't be sad, see you next week!",
        "just wanted to say bye before I go, see you in two weeks",
        "just wanted to say thank you before I go on holiday",
        "leaving this world of warcraft guild, bye",
        "Moving to Australia next month, I won't see any of you again :(",
        "this is the last thing I'll say about the election",
        "recorded the match for my dad to watch after",
        "spare key is under the mat for when I'm not here",
        "hope the surgery goes well",
        "I hope it's not cancer",
        "if I get hit by the ball in dodgeball so be it",
        "I just want this week to end",
        "life feels pointless without coffee lol",
        "I wish I'd dyed my hair",
        "exam tomorrow, can't wait for it to be over",
        "I'd be lying if I said I wanted to be here at this meeting",
        "praying god lets me go to the concert",
        "I'm just waiting for the end of my shift",
        "why am I still here at the office at 9pm",
        "the only reason I'm still awake is coffee",
        "I want everyone to carry on without me, I'll catch up",
        "I wish I had the courage to ask for a raise",
        "lol that meme killed me. wish I could write like that",
        "my sister is in Spain and I wish I was too",
        "I have a plan for tonight: pizza and movies",
        "I'll do it when everyone's asleep, wrapping the presents is easier then",
        "after my mum leaves for work I'll take the dog out",
        "I'm leaving this world behind for a week of camping",
        "I envy people who get to travel",
    ],
)
def test_their_everyday_neighbours_are_not_flagged_by_the_rules(
    rules_only: PhraseList, text: str
) -> None:
    assert flagged(rules_only, text) is None


def test_a_rule_whose_parts_begin_with_common_words_needs_its_rarer_words() -> None:
    data = {
        "language": "xx",
        "rule": [
            {
                "kind": "intent",
                "severity": "high",
                "pattern": "(i|the) ~2 (made my mind up|set the date)",
            }
        ],
    }
    rules = load_rules(data, "xx.toml")
    [rule] = rules.rules
    # Every match holds "made" or "date", though each part can begin with "i" or "the".
    assert rule.required == (
        frozenset({"i", "the"}),
        frozenset({"made", "set"}),
        frozenset({"made", "date"}),
    )
    assert [f.text for f in rules.find(forms("i have set the date")[0])] == ["i have set the date"]
    assert rules.find(forms("i set the table")[0]) == []


@pytest.mark.parametrize(
    ("rule", "severity", "text"),
    [
        ("ready-affairs-in-order", H, "My affairs are in order. I'm ready to go."),
        ("ready-affairs-in-order", H, "i'm ready to go now, it's all in place"),
        ("no-coming-back", H, "i'm going to walk out to the cliffs tonight and not come back"),
        ("no-coming-back", H, "going to the river later and I'm not planning to come home"),
        ("plan-to-a-place", H, "my plan is to go to the bridge after work tomorrow"),
        ("plan-to-a-place", H, "I am going to the railway tonight, my decision is final"),
        ("date-chosen", M, "I picked the date. Sunday."),
        ("date-chosen", M, "wrote the date on my calendar. that's my last day"),
        ("method-waiting-for-night", H, "got the method sorted, just waiting for the right night"),
        ("method-waiting-for-night", H, "found a way to do it that won't hurt"),
        ("method-waiting-for-night", H, "i'm sitting in the garage with the engine running"),
        ("made-sure-not-around", H, "I won't be around for Christmas, I've made sure of it"),
        ("made-sure-not-around", H, "don't be sad. i'm finally going to be free"),
        ("no-future-with-me", M, "i dont see myself being here next year and i'm fine with that"),
        ("no-future-with-me", M, "i can't picture a future with me in it"),
        ("no-future-with-me", M, "sometimes i close my eyes and hope that's it"),
        ("no-future-with-me", M, "i'm a ghost already, might as well make it official"),
        ("settled-unnamed", H, "it's happening this weekend, i'm not telling anyone"),
        ("settled-unnamed", H, "i've made the arrangements. no more waiting"),
    ],
)
def test_plans_and_farewells_of_the_second_round_are_read_by_their_rule(
    rules_only: PhraseList, rule: str, severity: Severity, text: str
) -> None:
    assert rule in rule_ids(rules_only, text)
    assert flagged(rules_only, text) == severity


@pytest.mark.parametrize(
    "text",
    [
        "Everything's sorted, I'm ready to go",
        "everything is in place for the trip, I'm ready to go",
        "going to the river later and not coming back till dark",
        "driving to the lake and won't be back until late",
        "my plan is to go to the bridge club tonight",
        "I picked the date for the party. Sunday.",
        "handed in my notice, circled the date on the calendar. that's my last day",
        "got the method sorted for the experiment, just waiting for the right day",
        "sitting in the car with the engine running waiting for mum",
        "I won't be around for Christmas this year, I'm working",
        "don't be sad, I'm finally free of exams!",
        "I don't see myself being here next year, new job in Leeds and I'm fine with that",
        "I close my eyes and hope that's it for the pain",
        "another day I didn't want to get up",
        "we picked the date! Sunday",
        "It's happening this weekend! The wedding! Not telling anyone yet",
    ],
)
def test_the_second_rounds_everyday_neighbours_are_not_flagged_by_the_rules(
    rules_only: PhraseList, text: str
) -> None:
    assert flagged(rules_only, text) is None


@pytest.mark.parametrize(
    ("rule", "severity", "text"),
    [
        ("settled-unnamed", H, "made the decision. it'll be when the house is empty on saturday"),
        ("settled-unnamed", H, "ive made up my mind, its going to be the train"),
        ("settled-unnamed", H, "I've decided, I'm just waiting for the right moment"),
        ("settled-unnamed", H, "the date is set. the 3rd. nobody will be home"),
        ("last-words-goodbye", H, "thanks for the laughs lads. it's been a good run. goodbye"),
        ("last-words-goodbye", H, "leaving this here so someone knows why. i'm tired. goodbye"),
        ("remember-me", H, "remember me as i was before all this"),
        ("remember-me", H, "put flowers on my grave sometimes yeah"),
        ("remember-me", H, "please tell my gran i loved her"),
        ("remember-me", H, "when they ask why, tell them i was just too tired"),
        ("remember-me", H, "hugged my mum extra long tonight. she doesn't know it's the last one"),
        ("remember-me", H, "i won't be at school on monday. or ever"),
        ("wont-be-back", H, "ta-ra everyone, been lovely. won't be back"),
        ("wont-be-back", H, "i'm saying goodbye now because i won't get another chance"),
        ("left-for-after", H, "my letters are written, one for mum, one for dad"),
        ("left-for-after", H, "i left my wedding ring on the kitchen table with a note"),
        ("left-for-after", H, "found my cat a home. happier with someone who will be around"),
        ("left-for-after", H, "i wrote my will today. i'm 23"),
        ("last-one-hoped", M, "every night i go to bed hoping it's the last time"),
        ("last-one-hoped", M, "i wish i could just cease"),
        ("last-one-hoped", M, "my will to live packed its bags a while back"),
        ("last-one-hoped", M, "genuinely can't think of a reason to stay"),
        ("last-one-hoped", M, "no point carrying on, is there"),
        ("last-one-hoped", M, "wouldn't fight it if the cancer came back. i'd let it take me"),
        ("last-one-hoped", M, "i lie in the bath and think about sliding under and staying there"),
        (
            "dont-want-to-live-anymore",
            M,
            "i dont want to live anymore and i dont know how to say it",
        ),
        ("hanging-set-up", H, "i know which beam in the garage will hold my weight"),
        ("hanging-set-up", H, "the stool is under the hook in the garage"),
        (
            "hanging-set-up",
            H,
            "been to the bridge three times to practise getting over the railing",
        ),
        ("means-bought-quietly", H, "i bought two packs from different shops so they wouldn't ask"),
        (
            "means-bought-quietly",
            H,
            "ordered something online that will do it. it arrives tomorrow",
        ),
        (
            "means-bought-quietly",
            H,
            "Got the tablets out the drawer. Going to take them with whisky.",
        ),
        ("means-bought-quietly", H, "i bought a lighter and a can of petrol. don't ask what for"),
        ("at-the-tracks", H, "i'm standing by the tracks. the next one is in 6 minutes"),
        ("at-the-tracks", H, "got up to the roof of the car park. it's quiet up here. i'm ready"),
        ("this-time-tomorrow", H, "in a few hours it'll be over. i have everything ready"),
    ],
)
def test_plans_and_farewells_of_the_third_round_are_read_by_their_rule(
    rules_only: PhraseList, rule: str, severity: Severity, text: str
) -> None:
    assert rule in rule_ids(rules_only, text)
    assert flagged(rules_only, text) == severity


@pytest.mark.parametrize(
    "text",
    [
        "I've decided to propose, I'm just waiting for the right moment",
        "remember me when you're famous lol",
        "tell my mum I loved her cake",
        "my last request is that you play the song again at the wedding",
        "I won't be at school on monday, dentist",
        "bye everyone, been lovely, won't be back till tuesday",
        "so long and thanks for all the fish",
        "I'm saying goodbye now because I won't get another chance before my flight",
        "my letters are written, one for each of my pen pals",
        "left notes for my family on the fridge about dinner",
        "left my ring on the kitchen table with a note for the cleaner",
        "I won't be needing my bike so I sent it to my brother, moving to the city",
        "wrote my will today, I'm 80 and sensible",
        "every night I go to bed hoping it's the last time the neighbours party",
        "I wish I could just cease to care about exams",
        "can't think of a reason to stay at this party",
        "no point carrying on with this essay",
        "sliding under the covers and staying there all weekend",
        "let it take me wherever the road goes",
        "I don't want to live to 100, sounds boring",
        "checked the knot holds on the boat mooring",
        "got over the railing for a better photo of the bridge",
        "bought paracetamol from different shops because the first one was closed",
        "take them with food, not with alcohol",
        "standing by the tracks taking photos of the steam train",
        "on the roof for the sunset, I'm ready",
        "this time tomorrow I'll be gone, on a plane to Spain",
        "in a few hours it'll be over, the exam I mean",
        "gave all my old clothes to the charity shop, feels good to clear out",
        "this is my final post about the bake sale, promise",
    ],
)
def test_the_third_rounds_everyday_neighbours_are_not_flagged_by_the_rules(
    rules_only: PhraseList, text: str
) -> None:
    assert flagged(rules_only, text) is None


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ("drown-myself", "I'm going to drown myself in the lake"),
        ("high-enough", "i looked up how high the multi storey is. high enough"),
        ("high-enough", "Once my shift ends I'm heading to the railway line."),
        ("settled-unnamed", "ready to go now. everything's sorted. this weekend"),
    ],
)
def test_a_drowning_a_height_and_a_weekend_are_read_by_their_rule(
    rules_only: PhraseList, rule: str, text: str
) -> None:
    assert rule in rule_ids(rules_only, text)
    assert flagged(rules_only, text) == H


@pytest.mark.parametrize(
    "text",
    [
        "I'm going to drown myself in coffee this morning",
        "checked how high the bridge is, high enough for the van",
        "heading to the railway line to take photos of the steam train",
        "ready to go now, everything's sorted for the trip this weekend",
    ],
)
def test_their_everyday_neighbours_stay_unflagged(rules_only: PhraseList, text: str) -> None:
    assert flagged(rules_only, text) is None
