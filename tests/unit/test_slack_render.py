"""Block Kit rendering: golden files for real messages, and properties for any member text."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.slack.inbound import community
from adapters.slack.render import (
    MESSAGE_BLOCKS,
    SECTION_TEXT,
    escape,
    render_form,
    render_home,
    render_message,
    split_mrkdwn,
)
from bot.checkins.answers import reflection_form
from bot.checkins.post import checkin_message
from bot.identity import UserRef
from bot.messages import Choice, ChoiceStyle, Link, Mention, Message, Text, message
from bot.prompts import Prompt
from tests.golden import assert_golden

TEAM = community("T0KITH")
BO = UserRef(TEAM, "U0BO")


def test_golden_checkin_post() -> None:
    prompt = Prompt("k1", "gratitude", "What is one small thing that went well today?")
    rendered = render_message(checkin_message(42, prompt))
    assert_golden("slack_checkin_post", {"text": rendered.text, "blocks": rendered.blocks})


def test_golden_reflection_modal() -> None:
    form = reflection_form(42, "What is one small thing that went well today?")
    assert_golden("slack_reflection_modal", render_form(form, '{"c":"C0GENERAL","r":""}'))


def test_golden_message_with_mentions_links_and_a_note() -> None:
    msg = Message(
        paragraphs=(
            (Text("Round 3 groups", bold=True),),
            (Text("Say hi to "), Mention(BO, "Bo <!here>"), Text(" and "),
             Mention(UserRef(TEAM, "U0CY"), "Cy")),
            (Text("Starter: "), Link("https://example.org/a?b=1&c=2", "ideas <here>")),
            (Text("Not a link: "), Link("javascript:alert(1)", "click")),
        ),
        choices=(
            Choice("v1:met:7:yes", "We met 🎉", "yes", ChoiceStyle.PRIMARY),
            Choice("v1:met:7:no", "Not yet", "no"),
            Choice("v1:met:7:skip", "Couldn't this time", "skip", ChoiceStyle.DANGER),
        ),
        note="Kith is not a crisis service.",
        pings=frozenset({BO}),
    )  # fmt: skip
    rendered = render_message(msg)
    assert_golden("slack_group_intro", {"text": rendered.text, "blocks": rendered.blocks})


def test_golden_home() -> None:
    home = message(
        (Text("Kith", bold=True),),
        (Text("Your settings", bold=True),),
        "Time zone: Europe/London.",
        (Text("Daily check-in", bold=True), Text(" · <#C0GENERAL> · 09:00 Mon–Fri")),
        note="Not a crisis service.",
    )
    assert_golden("slack_home", render_home(home))


def test_a_mention_pings_only_when_the_message_allows_it() -> None:
    msg = message((Mention(BO, "Bo"), Text(" hi")))
    assert "<@U0BO>" not in json.dumps(render_message(msg).blocks)
    pinged = Message(msg.paragraphs, pings=frozenset({BO}))
    assert "<@U0BO> hi" in json.dumps(render_message(pinged).blocks)


def test_channel_links_survive_escaping_and_nothing_else_does() -> None:
    assert escape("in <#C0GENERAL> & <#C1|x> <!channel> <!here|here> <!subteam^S1>") == (
        "in <#C0GENERAL> &amp; &lt;#C1|x&gt; &lt;!channel&gt; &lt;!here|here&gt; "
        "&lt;!subteam^S1&gt;"
    )


def test_member_mentions_in_member_text_show_as_names_without_a_ping() -> None:
    assert escape("tea for <@U0CY|cy> and <@U0BO> and <@W0ENT|a.b-c>") == (
        "tea for @cy and @someone and @a.b-c"
    )
    assert escape("<@U0CY|<!here>>") == "&lt;@U0CY|&lt;!here&gt;&gt;"


def test_many_choices_are_split_into_blocks_of_at_most_25() -> None:
    choices = tuple(Choice(f"v1:x:{i}", f"Option {i}", str(i)) for i in range(60))
    blocks = render_message(message("Pick one", choices=choices)).blocks
    actions = [b for b in blocks if b["type"] == "actions"]
    assert [len(b["elements"]) for b in actions] == [25, 25, 10]
    ids = [e["action_id"] for b in actions for e in b["elements"]]
    assert len(set(ids)) == 60


def test_a_huge_message_is_cut_to_slacks_limits() -> None:
    paragraphs = [f"line {i} " + "word " * 200 for i in range(400)]
    blocks = render_message(message(*paragraphs)).blocks
    assert len(blocks) <= MESSAGE_BLOCKS
    assert all(len(b["text"]["text"]) <= SECTION_TEXT for b in blocks if b["type"] == "section")
    assert blocks[-1]["text"]["text"].endswith("(shortened)")


def test_long_button_labels_and_titles_are_fitted() -> None:
    msg = message("x", choices=(Choice("v1:a:1", "a" * 200, "v"),))
    button = render_message(msg).blocks[-1]["elements"][0]
    assert len(button["text"]["text"]) <= 75
    form = reflection_form(1, "p")
    view = render_form(type(form)(form.id, "A very long title for a modal view", form.fields))
    assert len(view["title"]["text"]) <= 24


_PING = re.compile(r"<[!@]")
member_text = st.text(
    alphabet=st.sampled_from(list("<>&!@#|*_~`:; abcCUHhere\n\u200b🙂")), max_size=300
) | st.text(max_size=300)


@settings(max_examples=150, deadline=None)
@given(member_text, member_text)
def test_member_text_never_pings_and_always_validates(text: str, name: str) -> None:
    msg = Message(
        paragraphs=((Text(text),), (Text(name, bold=True), Mention(BO, name))),
        choices=(Choice("v1:x:1", name or "x", "v"),),
        note=text,
    )
    rendered = render_message(msg)  # to_dict() ran the SDK's validators
    for block in rendered.blocks:
        for obj in [block.get("text"), *block.get("elements", [])]:
            if isinstance(obj, dict) and obj.get("type") == "mrkdwn":
                assert not _PING.search(obj["text"]), obj["text"]
                assert obj["verbatim"] is True
    assert not _PING.search(rendered.text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab &<>\n")), max_size=400),
       st.integers(min_value=10, max_value=60))  # fmt: skip
def test_split_mrkdwn_keeps_escapes_whole_and_respects_the_limit(text: str, limit: int) -> None:
    escaped = escape(text)
    pieces = split_mrkdwn(escaped, limit)
    assert all(len(p) <= limit for p in pieces)
    for piece in pieces:
        assert not re.search(r"&[a-z]*$", piece) or piece.endswith(";")
        assert not re.match(r"^[a-z]*;", piece) or "&" in piece.split(";")[0]
    joined = "".join(p.replace(" ", "").replace("\n", "") for p in pieces)
    assert joined == escaped.replace(" ", "").replace("\n", "")


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_message_still_has_fallback_text(text: str) -> None:
    rendered = render_message(message(text))
    assert rendered.text == "Kith"
