"""References round-trip through their keys: the scheduler and the database rely on it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.identity import ChannelRef, CommunityRef, MessageRef, Ref, UserRef

# Platform ids as the platforms make them: no colon in a community or member id, anything but a
# bar in a message id (Slack's are "1712.0042", Discord's snowflakes, the console's "m12").
ID = st.text(st.characters(blacklist_characters=":|", blacklist_categories=("Cs",)), min_size=1)
MESSAGE_ID = st.text(
    st.characters(blacklist_characters="|", blacklist_categories=("Cs",)), min_size=1
)
COMMUNITY = st.builds(CommunityRef, ID, ID)
REFS = st.one_of(
    COMMUNITY,
    st.builds(UserRef, COMMUNITY, ID),
    st.builds(ChannelRef, COMMUNITY, ID),
    st.builds(MessageRef, st.builds(ChannelRef, COMMUNITY, ID).map(lambda c: c.key), MESSAGE_ID),
)


@given(REFS)
def test_every_reference_comes_back_from_its_key(ref: Ref) -> None:
    assert type(ref).parse(ref.key) == ref


def test_keys_look_the_same_as_the_stored_ones() -> None:
    team = CommunityRef("slack", "T1")
    assert UserRef(team, "U2").key == "slack:T1:U2"
    assert ChannelRef(team, "C9").key == "slack:T1:C9"
    assert MessageRef("slack:T1:C9", "1712.0042").key == "slack:T1:C9|1712.0042"
    assert UserRef.id_in("discord:1:22") == "22"


def test_a_member_is_never_equal_to_a_channel_with_the_same_ids() -> None:
    team = CommunityRef("slack", "T1")
    assert UserRef(team, "X") != ChannelRef(team, "X")


@pytest.mark.parametrize(
    ("kind", "bad", "what"),
    [
        (UserRef, "slack:T1", "member"),
        (UserRef, "slack::U2", "member"),
        (ChannelRef, "", "channel"),
        (CommunityRef, "slack", "community"),
        (MessageRef, "slack:T1:C9", "message"),
        (MessageRef, "|42", "message"),
        (MessageRef, "slack:T1:C9|", "message"),
    ],
)
def test_a_malformed_key_is_refused_with_what_it_should_be(
    kind: type[Ref], bad: str, what: str
) -> None:
    with pytest.raises(ValueError, match=f"not a {what} key"):
        kind.parse(bad)
