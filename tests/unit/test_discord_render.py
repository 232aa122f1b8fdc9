"""Rendering for Discord as a pure function: golden payloads, escaping, mentions and splitting.

Golden files live in tests/unit/golden/discord/; regenerate them with KITH_UPDATE_GOLDEN=1 after an
intended change and review the diff.
"""

from __future__ import annotations

from typing import Any

import pytest
from discord.utils import escape_markdown, escape_mentions
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.discord import render
from adapters.discord.render import (
    MAX_CONTENT,
    Rendered,
    escape,
    render_message,
    render_modal,
)
from adapters.discord.views import KithModal, build_view
from bot import choice_ids
from bot.checkins.answers import reflection_form
from bot.checkins.post import checkin_message
from bot.identity import CommunityRef, UserRef
from bot.messages import Attachment, Choice, ChoiceStyle, Link, Mention, Message, Text, message
from bot.prompts import Prompt
from tests.golden import assert_golden

GUILD = CommunityRef("discord", "111111111111111111")
ADA = UserRef(GUILD, "222222222222222222")
PROMPT = Prompt("builtin:x", "gratitude", "What's one small thing that went well *today*?")


def payloads(msg: Message) -> list[dict[str, Any]]:
    return [part.payload() for part in render_message(msg)]


def test_golden_checkin_post() -> None:
    assert_golden("discord/checkin_post", payloads(checkin_message(42, PROMPT)))


def test_golden_member_text_is_escaped_and_pings_nobody() -> None:
    hostile = message(
        "💬 Someone shared a reflection:",
        "**not bold** _not italic_ ~~x~~ `code` ||spoiler|| @everyone @here "
        "<@123456789012345678> <@&123456789012345678>\n# not a heading\n> not a quote\n"
        "- not a list",
    )
    assert_golden("discord/member_text", payloads(hostile))


def test_golden_mentions_links_note_and_pings() -> None:
    msg = Message(
        paragraphs=(
            (Text("Say hello to "), Mention(ADA, "Ada *the* great"), Text("!", bold=True)),
            (Link("https://example.org/help_me", "Help_line"), Text(" and "), Link("ftp://x", "x")),
        ),
        choices=(
            Choice(choice_ids.encode("buddy", 7, "met"), "We met", "met", ChoiceStyle.PRIMARY),
            Choice(choice_ids.encode("buddy", 7, "no"), "Not this time", "no", ChoiceStyle.DANGER),
        ),
        note="Only your group sees this.",
        pings=frozenset({ADA}),
    )
    assert_golden("discord/mentions_links_note", payloads(msg))


def test_golden_reflection_modal() -> None:
    spec = render_modal(reflection_form(42, "What went *well*?"))
    assert_golden("discord/reflection_modal", KithModal(spec).to_dict())


def test_payload_components_are_what_discordpy_sends() -> None:
    part = render_message(checkin_message(42, PROMPT))[-1]
    view = build_view(part.rows)
    assert view is not None
    sent = [
        {
            "type": row["type"],
            "components": [
                {k: v for k, v in b.items() if k != "disabled"} for b in row["components"]
            ],
        }
        for row in view.to_components()
    ]
    assert sent == part.components()


def test_escape_neutralises_markdown_and_mentions() -> None:
    assert escape("**hi** @everyone") == "\\*\\*hi\\*\\* @\u200beveryone"
    assert escape("<@123456789012345678>") == "<@\u200b123456789012345678>"
    assert escape("see https://example.org/a_b_c") == "see https://example.org/a_b_c"


# Mostly the characters escaping acts on, so that most examples need it and some do not.
MARKUP_TEXT = st.text(alphabet=st.sampled_from("_\\~|*`>[]()#-@!&:/<. \n\taé1h0s"), max_size=40)


@settings(max_examples=500, deadline=None)
@given(st.one_of(MARKUP_TEXT, st.text(max_size=40)))
def test_escape_is_discord_pys_escaping_exactly(text: str) -> None:
    assert escape(text) == escape_mentions(escape_markdown(text))


def test_plain_text_skips_the_escaping_expressions(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str) -> str:
        raise AssertionError(f"escaped {text!r}")

    monkeypatch.setattr(render, "escape_markdown", refuse)
    monkeypatch.setattr(render, "escape_mentions", refuse)
    plain = "Thanks, noted. That's your 3rd act of kindness this week (the server's 120th)."
    assert escape(plain) == plain
    for marked in ("a_b", "see -# x", "@everyone", "[x](y)", "# title", "> quote", "a\\b"):
        with pytest.raises(AssertionError, match="escaped"):
            escape(marked)


def test_every_message_disallows_everyone_and_roles() -> None:
    for part in render_message(message("@everyone hello")):
        mentions = part.allowed_mentions()
        assert mentions["parse"] == [] and mentions["users"] == []


def test_long_text_splits_at_the_limit_with_buttons_on_the_last_part() -> None:
    words = " ".join(f"word{i}" for i in range(900))  # ~7,000 characters in one paragraph
    choices = (Choice(choice_ids.encode("mood", 1, 3), "ok", "3"),)
    parts = render_message(message("Heading", words, "Tail", choices=choices))
    assert len(parts) >= 4
    assert all(len(p.content) <= MAX_CONTENT for p in parts)
    assert all(not p.rows for p in parts[:-1]) and parts[-1].rows
    rejoined = " ".join(" ".join(p.content.split()) for p in parts)
    assert rejoined == " ".join(f"Heading {words} Tail".split())


def test_split_never_cuts_a_mention_or_an_escape() -> None:
    filler = "x" * 1995
    msg = Message(((Text(filler), Mention(ADA, "Ada")),))
    parts = render_message(msg)
    assert parts[0].content == filler and parts[1].content == f"<@{ADA.id}>"
    escaped = render_message(message("y" * 1999 + "*tail"))
    assert not escaped[0].content.endswith("\\")
    assert escaped[1].content.startswith("\\*")


def test_more_than_25_choices_keep_the_first_25_in_rows_of_five() -> None:
    choices = tuple(Choice(choice_ids.encode("pick", i), f"option {i}", str(i)) for i in range(30))
    rows = render_message(message("Pick one", choices=choices))[-1].rows
    assert [len(r) for r in rows] == [5, 5, 5, 5, 5]


def test_empty_message_still_sends_something() -> None:
    assert render_message(Message(()))[-1].content == "\u200b"


def test_overlong_choice_id_is_refused() -> None:
    with pytest.raises(ValueError, match="custom_id"):
        render_message(message("x", choices=(Choice("v1:" + "a" * 120, "l", "v"),)))


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=5000))
def test_any_member_text_renders_within_limits_and_never_pings(text: str) -> None:
    parts: list[Rendered] = render_message(message(text))
    for part in parts:
        assert 0 < len(part.content) <= MAX_CONTENT
        assert part.allowed_mentions() == {"parse": [], "users": [], "replied_user": False}
        assert "@everyone" not in part.content and "@here" not in part.content


def test_an_attachment_goes_on_the_last_part_with_a_safe_name() -> None:
    msg = Message(
        ((Text("Your data"),),),
        attachment=Attachment("../kith export ünïcode.json", '{"a": 1}'),
    )
    (part,) = render_message(msg)
    assert part.file is not None and part.file.filename == "kith_export_n_code.json"
    assert part.file.data == b'{"a": 1}'
    assert part.payload()["attachments"] == [{"id": 0, "filename": "kith_export_n_code.json"}]
