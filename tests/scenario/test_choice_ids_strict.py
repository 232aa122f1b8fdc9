"""Every choice and form id is parsed strictly: the exact number of fields Kith puts in it, and
numbers only as Kith writes them. Anything else is a forged or damaged id and gets a refusal
that changes nothing (never the catch-all apology, never an action)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core import SORRY
from bot.features import build_registry
from tests.fakes import make_harness, reply_text, snapshot

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday


@pytest.mark.parametrize(
    "forged",
    [
        "v1:reflect:{occ}:0",  # one field too many (a reflection submitted as a mood)
        "v1:reflect:{occ}:0:0",
        "v1:mood:{occ}",  # one field too few
        "v1:mood:{occ}:3:3",
        "v1:mood:0{occ}:3",  # a number Kith never writes
        "v1:mood:{occ}:03",
        "v1:mood:99999999999999999999:3",  # 20 digits: past a 64-bit integer
        "v1:mood:9999999999999999999999999999:3",
        "v1:kchal:{occ}:1",
        "v1:share:1:public:x",
        "v1:forget:abc:1",
        "v1:pref:leaderboard:on:now",
    ],
)
async def test_a_forged_id_is_refused_and_changes_nothing(tmp_path: Path, forged: str) -> None:
    h = await make_harness(tmp_path / "kith.sqlite3", START, modals=True)
    try:
        h.admins.add("ada")
        await h.say("ada", "/kith setup checkin channel:#general time:09:00 days:mon-fri")
        await h.advance_to(START.replace(hour=9))
        post = h.chat.to("#general")[-1]
        occurrence = post.choice("3").split(":")[2]
        before = await snapshot(h.db)
        choice_id = forged.format(occ=occurrence)
        for reply in (
            await h.click("bo", choice_id),
            await h.submit("bo", choice_id, {"text": "forged"}),
        ):
            text = reply_text(reply)
            assert text != SORRY
            assert (
                "isn't one of mine" in text
                or "no longer does anything" in text
                or ("has closed" in text)
            ), text
        assert await snapshot(h.db) == before
    finally:
        await h.db.close()


async def test_the_genuine_ids_still_work(tmp_path: Path) -> None:
    h = await make_harness(tmp_path / "kith.sqlite3", START, modals=True)
    try:
        h.admins.add("ada")
        await h.say("ada", "/kith setup checkin channel:#general time:09:00 days:mon-fri")
        await h.advance_to(START.replace(hour=9))
        post = h.chat.to("#general")[-1]
        assert "isn't one of mine" not in reply_text(await h.click("bo", post.choice("3")))
        reflect = post.choice("reflect")
        assert await h.submit("bo", reflect, {"text": "a good day"}) is not None
        rows = await h.db.fetchall("SELECT text FROM reflections")
        assert [r["text"] for r in rows] == ["a good day"]
    finally:
        await h.db.close()


def test_every_kind_declares_its_fields() -> None:
    registry = build_registry()
    assert set(registry.choice_fields) == set(registry.choices)
    assert set(registry.form_fields) == set(registry.forms)
