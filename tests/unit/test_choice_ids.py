from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import choice_ids
from bot.choice_ids import ChoiceIdError


def test_round_trip() -> None:
    encoded = choice_ids.encode("mood", 42, 3)
    assert encoded == "v1:mood:42:3"
    decoded = choice_ids.decode(encoded)
    assert (decoded.kind, decoded.fields, decoded.field_int(0)) == ("mood", ("42", "3"), 42)


def test_longest_realistic_id_fits_discords_limit() -> None:
    encoded = choice_ids.encode("buddies.answer", 10**17, 10**17, "couldnt")
    assert len(encoded) <= 100


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "mood:1:2",
        "v2:mood:1",
        "v1",
        "v1:Mood:1",
        "v1:mood:1:",
        "v1:mood:a b",
        "v1:mood:" + "9" * 120,
        "v1:mood:<@everyone>",
    ],
)
def test_malformed_ids_are_refused(bad: str) -> None:
    with pytest.raises(ChoiceIdError):
        choice_ids.decode(bad)


def test_encode_refuses_fields_that_would_break_the_format() -> None:
    for fields in (("a:b",), ("",), ("x" * 61,), ("é",)):
        with pytest.raises(ChoiceIdError):
            choice_ids.encode("mood", *fields)
    with pytest.raises(ChoiceIdError):
        choice_ids.encode("mood", *(["x" * 60] * 2))


def test_non_numeric_field_is_refused_when_a_number_is_expected() -> None:
    with pytest.raises(ChoiceIdError):
        choice_ids.decode("v1:mood:abc:3").field_int(0)
    with pytest.raises(ChoiceIdError):
        choice_ids.decode("v1:mood").field_int(0)


@settings(max_examples=300)
@given(st.text(max_size=150))
def test_decoding_arbitrary_text_never_fails_any_other_way(text: str) -> None:
    try:
        decoded = choice_ids.decode(text)
    except ChoiceIdError:
        return
    assert choice_ids.encode(decoded.kind, *decoded.fields) == text
