"""Forged, tampered and borrowed choice ids (buttons) and form ids, fuzzed through the real core.

A choice id carries its state (``v1:mood:42:3``) and the platform hands back whatever a client
sends, so every handler must check it against the database. The ids fuzzed here are the ones the
world (``tests.fuzzing``) actually gave out, then tampered with: a character flipped, cut short,
a field swapped for a row of the other community, an unknown or huge number, an occurrence of
the wrong kind, or a member's own button clicked by someone else. What must be refused is
classified from the world, never from the reply; ``exchange`` checks the rest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from bot import choice_ids
from bot.events import Actor
from bot.features import build_registry
from tests.fakes import COMMUNITY
from tests.fuzzing import (
    ADMIN,
    MEMBERS,
    OTHER,
    World,
    actor,
    click,
    exchange,
    fuzz_settings,
    open_world,
    shared_world,
    submit,
)

REGISTRY = build_registry()
# The row each kind's first field names, and for occurrences which kind of occurrence it must be.
# None: the id names no row (``pref`` is the clicker's own setting; ``forget`` carries a hash of
# the member it was for, checked separately).
ROW = {
    "mood": ("occurrences", "checkin."),
    "reflect": ("occurrences", "checkin."),
    "kchal": ("occurrences", "kindness.challenge"),
    "share": ("reflections", ""),
    "buddy.answer": ("buddy_groups", ""),
    "buddy.stay": ("buddy_members", ""),
    "buddy.remind": ("buddy_members", ""),
    "safety": ("safety_events", ""),
    "forget": None,
    "pref": None,
    "support": None,
}
ANYONES = {"pref", "support"}  # acts on whoever clicks: fine for anyone to click
COMMUNITIES = (COMMUNITY.key, OTHER.key)
PEOPLE = (ADMIN, *MEMBERS, "zed")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield shared_world(tmp_path_factory)


def test_every_choice_and_form_kind_is_fuzzed() -> None:
    """A new button or form kind must say which row its id names, to be fuzzed."""
    assert set(REGISTRY.choices) | set(REGISTRY.forms) == set(ROW)


def _owners(world: World, choice_id: str, community: str) -> set[str]:
    """Members this exact id was given to privately in ``community`` (empty for a post)."""
    return {
        s.owner or "" for s in world.issued if s.choice_id == choice_id and s.community == community
    }


def _who(key: str) -> Actor:
    platform, community, name = key.split(":")
    return actor(COMMUNITY if f"{platform}:{community}" == COMMUNITY.key else OTHER, name)


def _row_holder(world: World, kind: str, ident: int, community: str) -> str | None:
    """What the id's first field points at in ``community``: the row's owner or kind, or None
    when there is no such row there (or it is the wrong kind of row)."""
    spec = ROW[kind]
    assert spec is not None
    table, wanted = spec
    what = world.rows[community][table].get(ident)
    if what is None:
        return None
    if table == "occurrences":
        return what if what.startswith(wanted) and what.endswith("/sent") else None
    return what


def must_refuse(world: World, choice_id: str, who: Actor) -> bool:
    """True when nothing about ``choice_id`` lets ``who`` act on it."""
    try:
        choice = choice_ids.decode(choice_id)
    except choice_ids.ChoiceIdError:
        return True
    if choice.kind not in REGISTRY.choices:
        return True
    community = who.community.key
    owners = _owners(world, choice_id, community)
    if owners - {""} and who.user.key not in owners and choice.kind not in ANYONES:
        return True  # a private button given to other members
    spec = ROW[choice.kind]
    if spec is not None and choice.fields[:1] and choice.fields[0].isdigit():
        if (spec[0], int(choice.fields[0])) in world.deleted[community]:
            return True  # given out, but its row is gone
    if owners:
        return False  # given out here, to this member or in a post: may be fine
    if choice.kind == "forget":
        return choice.fields[:1] != (member_tag(who.user.key),)
    if ROW[choice.kind] is None:
        return False  # names no row: the handler decides
    try:
        ident = choice.field_int(0)
    except choice_ids.ChoiceIdError:
        return True
    holder = _row_holder(world, choice.kind, ident, community)
    if holder is None:
        return True  # no such row in this community (another's, unknown, huge, wrong kind)
    return holder.startswith(f"{community}:") and holder != who.user.key  # another's own row


def member_tag(user_key: str) -> str:
    """The member hash a ``forget`` confirmation carries (as bot.privacy.commands makes it)."""
    return hashlib.sha256(user_key.encode()).hexdigest()[:12]


ALPHABET = st.sampled_from("0123456789az:._-Z \u200b\u202eé💛%<@>!")


@st.composite
def tampered(draw: st.DrawFn, original: str) -> str:
    """``original`` with one character flipped, inserted or removed, cut short, or padded."""
    how = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "pad", "version"]))
    at = draw(st.integers(0, max(len(original) - 1, 0)))
    if how == "flip":
        return original[:at] + draw(ALPHABET) + original[at + 1 :]
    if how == "insert":
        return original[:at] + draw(ALPHABET) + original[at:]
    if how == "delete":
        return original[:at] + original[at + 1 :]
    if how == "truncate":
        return original[:at]
    if how == "pad":
        return original + draw(st.sampled_from([":", ":1", ":x" * 60, "\n", "\x00", " "]))
    return draw(st.sampled_from(["v0", "v2", "V1", "", "v1v1"])) + original[2:]


def _number(world: World, kind: str, mine: str) -> st.SearchStrategy[int]:
    """Row numbers that do not belong to this community for this kind: the other community's,
    unknown ones, huge ones, and (for occurrences) rows of the wrong kind."""
    spec = ROW[kind]
    assert spec is not None
    table, _ = spec
    theirs = sorted(world.rows[OTHER.key if mine == COMMUNITY.key else COMMUNITY.key][table])
    top = max(max(r[table]) for r in world.rows.values() if r[table])
    wrong = sorted(
        i
        for i in world.rows[mine][table]
        if _row_holder(world, kind, i, mine) is None  # wrong kind or not yet sent
    )
    candidates = [
        st.sampled_from(theirs),
        st.integers(top + 1, top + 10**6),
        st.sampled_from([0, 10**17, 10**18 - 1, 2**63 - 1]),
    ]
    if wrong:
        candidates.append(st.sampled_from(wrong))
    return st.one_of(*candidates)


@st.composite
def forged(draw: st.DrawFn, world: World, who: Actor) -> str:
    """An id built with the codec from a real one, its row swapped for one that isn't this
    community's (or, for ``forget``, its member hash for another member's)."""
    mine = who.community.key
    real = draw(st.sampled_from([s for s in world.issued if s.community == mine]))
    choice = choice_ids.decode(real.choice_id)
    fields = list(choice.fields)
    if ROW[choice.kind] is not None:
        fields[0] = str(draw(_number(world, choice.kind, mine)))
    elif choice.kind == "forget":
        other = draw(st.sampled_from([p for p in PEOPLE if p != who.user.id]))
        fields[0] = member_tag(f"{mine}:{other}")
    else:
        fields[0] = draw(st.sampled_from(["admin", "everyone", "leaderboards", "x" * 60]))
    return choice_ids.encode(choice.kind, *fields)


@st.composite
def a_click(draw: st.DrawFn, world: World) -> tuple[str, Actor]:
    who = actor(draw(st.sampled_from([COMMUNITY, OTHER])), draw(st.sampled_from(PEOPLE)))
    real = draw(st.sampled_from(world.issued)).choice_id
    choice_id = draw(
        st.one_of(
            st.just(real),  # as given, perhaps to someone else or in the other community
            tampered(real),
            forged(world, who),
            st.text(max_size=120),
            st.text(max_size=60).map(lambda t: "v1:" + t),
            st.sampled_from(sorted(REGISTRY.choices)).map(lambda k: f"v1:{k}"),
            st.sampled_from(["v1:mood:1:3:" + "9" * 100, "v1:" + "a" * 200, "", ":", "v1::"]),
        )
    )
    return choice_id, who


@fuzz_settings(60)
@given(data=st.data())
async def test_forged_and_borrowed_clicks(
    world: World, tmp_path: Path, data: st.DataObject
) -> None:
    choice_id, who = data.draw(a_click(world), label="click")
    in_dm = data.draw(st.booleans(), label="in a direct message")
    h = await open_world(world, tmp_path)
    try:
        outcome = await exchange(h, click(who, choice_id, in_dm=in_dm))
    finally:
        await h.db.close()
    refuse = must_refuse(world, choice_id, who)
    event("must be refused" if refuse else "accepted" if not outcome.refused else "refused")
    if refuse:
        assert outcome.refused, f"{choice_id!r} by {who.user.key}: {outcome.text!r}"


@fuzz_settings(40)
@given(data=st.data())
async def test_private_buttons_only_work_for_their_member(
    world: World, tmp_path: Path, data: st.DataObject
) -> None:
    """Every button Kith gave one member privately, clicked by anyone else anywhere."""
    given_out = data.draw(
        st.sampled_from([s for s in world.issued if s.owner and s.kind not in ANYONES])
    )
    who = data.draw(
        st.sampled_from(
            [
                actor(ref, name)
                for ref in (COMMUNITY, OTHER)
                for name in PEOPLE
                if actor(ref, name).user.key not in _owners(world, given_out.choice_id, ref.key)
            ]
        )
    )
    h = await open_world(world, tmp_path)
    try:
        outcome = await exchange(h, click(who, given_out.choice_id))
    finally:
        await h.db.close()
    assert outcome.refused, f"{given_out} clicked by {who.user.key}: {outcome.text!r}"


@fuzz_settings(40)
@given(data=st.data())
async def test_forged_form_submissions(world: World, tmp_path: Path, data: st.DataObject) -> None:
    """A form's id names a row (the reflection form: a check-in); its values are whatever the
    client sent."""
    who = actor(data.draw(st.sampled_from([COMMUNITY, OTHER])), data.draw(st.sampled_from(PEOPLE)))
    mine = who.community.key
    form_ids = sorted({s.choice_id for s in world.issued if s.kind in REGISTRY.forms})
    kind = data.draw(st.sampled_from(sorted(k for k in REGISTRY.forms if ROW[k] is not None)))
    form_id = data.draw(
        st.one_of(
            st.sampled_from(form_ids),
            st.sampled_from(form_ids).flatmap(tampered),
            _number(world, kind, mine).map(lambda n: choice_ids.encode(kind, n)),
            st.text(max_size=60),
        ),
        label="form id",
    )
    values = data.draw(
        st.dictionaries(
            st.sampled_from(["text", "Text", "", "x" * 300, "text\u200b"]),
            st.one_of(st.text(max_size=80), st.sampled_from(["@everyone", "<!here>", "a" * 5000])),
            max_size=3,
        ),
        label="values",
    )
    h = await open_world(world, tmp_path)
    try:
        outcome = await exchange(h, submit(who, form_id, values))
    finally:
        await h.db.close()
    try:
        choice = choice_ids.decode(form_id)
        valid = choice.kind in REGISTRY.forms and any(
            s.choice_id == form_id and s.community == mine for s in world.issued
        )
    except choice_ids.ChoiceIdError:
        valid = False
    event("must be refused" if not valid else "accepted" if not outcome.refused else "refused")
    if not valid:
        assert outcome.refused, f"{form_id!r} by {who.user.key}: {outcome.text!r}"


async def test_a_member_is_the_same_name_but_not_the_same_member_elsewhere(
    world: World, tmp_path: Path
) -> None:
    """bo in the other community clicking bo's private buttons from here: refused, unchanged."""
    h = await open_world(world, tmp_path)
    try:
        private = [s for s in world.issued if s.owner and s.kind not in ANYONES]
        for given_out in private:
            if given_out.community == COMMUNITY.key:
                assert given_out.owner is not None
                elsewhere = _who(given_out.owner.replace(COMMUNITY.key, OTHER.key))
                outcome = await exchange(h, click(elsewhere, given_out.choice_id))
                assert outcome.refused, f"{given_out} from {elsewhere.user.key}: {outcome.text!r}"
    finally:
        await h.db.close()


async def test_buttons_of_a_deleted_check_in_are_refused(world: World, tmp_path: Path) -> None:
    h = await open_world(world, tmp_path)
    try:
        gone = [
            s
            for s in world.issued
            if s.community == COMMUNITY.key
            and must_refuse(world, s.choice_id, actor(COMMUNITY, "bo"))
            and s.owner is None
        ]
        assert gone  # the world deleted a post whose buttons were given out
        for given_out in gone:
            outcome = await exchange(h, click(actor(COMMUNITY, "bo"), given_out.choice_id))
            assert outcome.refused and "can't find" in outcome.text, outcome.text
    finally:
        await h.db.close()
