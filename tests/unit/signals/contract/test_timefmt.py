"""RFC 3339 date-times to and from epoch seconds: formatted times round-trip to the
millisecond, and the utc_seconds shortcut agrees with the regex-and-datetime parse."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from signals.contract.timefmt import RFC3339_SHAPE, format_rfc3339, parse_rfc3339, utc_seconds


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                    timezones=st.just(UTC)))
def test_millisecond_times_round_trip(moment: datetime) -> None:
    ts = moment.timestamp()
    text = format_rfc3339(ts)
    assert format_rfc3339(parse_rfc3339(text)) == text
    # rounded to the millisecond, give or take float resolution at that epoch
    assert abs(parse_rfc3339(text) - ts) <= 0.0005 + 4 * math.ulp(ts)


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
