"""The fast decoders' inlined date-time parse agrees with parse_rfc3339 wherever it answers,
and answers (is not None) for every plainly valid upper-case timestamp."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.contract.fast_decode import _plain_time
from signals.contract.timefmt import RFC3339_SHAPE, format_rfc3339, parse_rfc3339, utc_seconds

SAMPLES: list[Any] = [
    "2026-11-27T14:03:11.250Z", "2026-11-27T15:03:11.250+01:00", "1970-01-01T00:00:00Z",
    "2026-11-27t14:03:11z", "2026-02-29T00:00:00Z", "2024-02-29T23:59:59.999999999-23:59",
    "2026-11-27T14:03:11", "2026-11-27T24:00:00Z", "2026-11-27T14:03:60Z", "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59+00:00", "", "x", "2026-11-27T14:03:11.Z", "２０２６-11-27T14:03:11Z",
    "2026-11-27T14:03:11.1234567Z", None, 12, 1.5, [], {},
]


def _reference(value: Any) -> float | None:
    if type(value) is not str:
        return None
    try:
        return parse_rfc3339(value)
    except ValueError:
        return None


@pytest.mark.parametrize("value", SAMPLES)
def test_answers_agree_with_the_parser(value: Any) -> None:
    fast = _plain_time(value)
    assert fast is None or fast == _reference(value)
    if _reference(value) is not None and value == value.upper():
        assert fast is not None


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-6e10, max_value=2.5e11, allow_nan=False))
def test_every_formatted_time_takes_the_fast_path(ts: float) -> None:
    text = format_rfc3339(ts)
    assert _plain_time(text) == parse_rfc3339(text)


def _full_parse(text: str) -> float | None:
    """parse_rfc3339 without its utc_seconds shortcut: the regex and datetime alone."""
    if RFC3339_SHAPE.fullmatch(text) is None:
        return None
    try:
        return datetime.fromisoformat(text.upper()).timestamp()
    except (ValueError, OverflowError):
        return None


_TEMPLATE = "2024-02-29T23:59:59.123456Z"
_NEAR_CHARS = "0123456789-T:.Zt+ \u0663"  # \u0663 is an Arabic-Indic digit: not ASCII


@settings(max_examples=2000, deadline=None)
@given(st.integers(min_value=20, max_value=28),
       st.lists(st.tuples(st.integers(0, 27), st.sampled_from(_NEAR_CHARS)), max_size=3))
def test_utc_seconds_agrees_with_the_full_parser_on_near_misses(
        size: int, edits: list[tuple[int, str]]) -> None:
    chars = list(_TEMPLATE[:size - 1] + "Z")
    for at, char in edits:
        if at < len(chars):
            chars[at] = char
    text = "".join(chars)
    fast = utc_seconds(text)
    assert fast is None or fast == _full_parse(text), text


@settings(max_examples=500, deadline=None)
@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
       st.integers(min_value=0, max_value=6))
def test_utc_seconds_answers_the_contract_form_exactly(moment: datetime, digits: int) -> None:
    text = (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:"
            f"{moment.minute:02d}:{moment.second:02d}")
    if digits:
        text += "." + f"{moment.microsecond:06d}"[:digits]
    text += "Z"
    expected = _full_parse(text)
    assert expected is not None
    fast = utc_seconds(text)
    # beyond 2**53 microseconds (after 2255) the shortcut steps aside for the parser
    if abs(expected) < 9.0e9:  # 2**53 microseconds is 9.007e9 seconds
        assert fast == expected
    else:
        assert fast is None or fast == expected
