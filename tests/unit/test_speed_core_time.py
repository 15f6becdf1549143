"""The fast decoders' inlined date-time parse agrees with parse_rfc3339 wherever it answers,
and answers (is not None) for every plainly valid upper-case timestamp."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.fast_decode import _plain_time
from signals.timefmt import format_rfc3339, parse_rfc3339

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
