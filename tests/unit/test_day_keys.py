"""The day's text keys in ``kind_members.day_keys``: a JSON array of hex digests, written and read
without the json module (it was 2% of an act) and still JSON either way."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from bot.kindness.acts import decode_day_keys, encode_day_keys, text_key

texts = st.lists(st.text(min_size=1, max_size=40), max_size=20)


@given(texts)
def test_encoded_keys_are_the_json_array_and_read_back(texts: list[str]) -> None:
    keys = tuple(text_key(t) for t in texts)
    stored = encode_day_keys(keys)
    assert tuple(json.loads(stored)) == keys
    assert decode_day_keys(stored) == keys


@given(texts)
def test_keys_written_by_json_dumps_read_the_same(texts: list[str]) -> None:
    keys = tuple(text_key(t) for t in texts)
    assert decode_day_keys(json.dumps(keys)) == keys


def test_nothing_stored_is_no_keys() -> None:
    assert decode_day_keys(None) == decode_day_keys("[]") == decode_day_keys("") == ()
    assert encode_day_keys(()) == "[]"
