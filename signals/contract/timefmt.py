"""RFC 3339 date-times as the contract writes them, to and from epoch seconds.

Parsing is strict: a date-time must carry an offset (``Z`` or ``+hh:mm``),
because a naive time is ambiguous across the marketplace's regions. The
accepted shape is exactly what JSON Schema's ``date-time`` format accepts
(``T``/``Z`` in either case, any number of fraction digits, offsets up to
``±23:59``, a real calendar date, no leap second ``:60`` since epoch seconds
cannot represent one), so the shipped schemas and the decoder agree.

>>> parse_rfc3339("2026-11-27T14:03:11.250Z")
1795788191.25
>>> parse_rfc3339("2026-11-27T15:03:11.250+01:00")
1795788191.25
>>> format_rfc3339(1795788191.25)
'2026-11-27T14:03:11.250Z'
>>> parse_rfc3339("2026-11-27T14:03:11")
Traceback (most recent call last):
...
ValueError: must be an RFC 3339 date-time with an offset, got '2026-11-27T14:03:11'
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Final

__all__ = ["RFC3339_SHAPE", "format_rfc3339", "parse_rfc3339", "utc_seconds"]

# Field ranges live in the regex so that fromisoformat (C, and far more lenient
# about shapes) is left with one job: rejecting impossible calendar dates.
# [0-9] rather than \d: Python's \d also matches other scripts' digits.
RFC3339_SHAPE = re.compile(
    r"[0-9]{4}-(?:0[1-9]|1[0-2])-[0-3][0-9][Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(?:\.[0-9]+)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SHOWN_CHARS = 40
#: up to this many seconds from the epoch, microseconds are whole numbers below 2**53, which
#: floats hold exactly: dividing them by 1e6 rounds once, as datetime.timestamp() does
_LAST_EXACT_SECOND: Final = 9_007_199_253.0
#: days of each month in a common year (index 1-12)
_MONTH_DAYS: Final = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def parse_rfc3339(text: str) -> float:
    """Seconds since the Unix epoch of an RFC 3339 date-time with an offset.

    Fraction digits beyond microseconds are truncated. Raises ``ValueError``
    naming what is wrong.

    >>> parse_rfc3339("1970-01-01t00:00:00.5z")
    0.5
    >>> parse_rfc3339("2026-02-29T00:00:00Z")
    Traceback (most recent call last):
    ...
    ValueError: is not a real date-time, got '2026-02-29T00:00:00Z'
    """
    fast = utc_seconds(text)
    if fast is not None:
        return fast
    if RFC3339_SHAPE.fullmatch(text) is None:
        raise ValueError(f"must be an RFC 3339 date-time with an offset, got {_shown(text)}")
    try:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:  # RFC 3339 allows a lower-case t and z; fromisoformat does not
            moment = datetime.fromisoformat(text.upper())
        return moment.timestamp()
    except (ValueError, OverflowError):
        raise ValueError(f"is not a real date-time, got {_shown(text)}") from None


def utc_seconds(text: str) -> float | None:
    """:func:`parse_rfc3339` of the contract's own form, ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``
    (UTC, at most microseconds), without regex or datetime; None for any other text,
    valid or not, which is then the full parser's to decide.

    >>> utc_seconds("2026-11-27T14:03:11.250Z"), utc_seconds("2026-11-27T14:03:11Z")
    (1795788191.25, 1795788191.0)
    >>> utc_seconds("2026-11-27T15:03:11+01:00") is None, utc_seconds("2026-02-29T00:00:00Z")
    (True, None)
    """
    size = len(text)
    if (size < 20 or size > 27 or size == 21 or text[size - 1] != "Z" or text[10] != "T"
            or text[13] != ":" or text[16] != ":" or (size > 20 and text[19] != ".")):
        return None
    day = _epoch_day(text)
    if day is None:
        return None
    hour, minute, second = _two_digits(text, 11), _two_digits(text, 14), _two_digits(text, 17)
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        return None
    # whole numbers in floats, exact below 2**53: no overflow checks on the way
    seconds = day * 86_400.0 + hour * 3_600.0 + minute * 60.0 + second
    if not -_LAST_EXACT_SECOND <= seconds <= _LAST_EXACT_SECOND:
        return None
    micros = 0.0
    for i in range(20, 26):  # the fraction, padded to six digits
        digit = ord(text[i]) - 48 if i < size - 1 else 0
        if not 0 <= digit <= 9:
            return None
        micros = micros * 10.0 + digit
    return (seconds * 1_000_000.0 + micros) / 1_000_000.0


def _two_digits(text: str, at: int) -> int:
    """The number written by two ASCII digits at ``at``, or -1."""
    tens, units = ord(text[at]) - 48, ord(text[at + 1]) - 48
    return tens * 10 + units if 0 <= tens <= 9 and 0 <= units <= 9 else -1


def _epoch_day(text: str) -> int | None:
    """Days since 1970-01-01 of the real ``YYYY-MM-DD`` date ``text`` starts with, else None.

    Integer arithmetic (days from the civil calendar, counted in 400-year eras
    from March), so nothing needs remembering: compiled, a few native operations.

    >>> _epoch_day("1970-01-01"), _epoch_day("2026-11-27"), _epoch_day("2024-02-29")
    (0, 20784, 19782)
    >>> _epoch_day("2026-02-29"), _epoch_day("0000-01-01"), _epoch_day("2026-13-01")
    (None, None, None)
    """
    if len(text) < 10 or text[4] != "-" or text[7] != "-":
        return None
    high, low = _two_digits(text, 0), _two_digits(text, 2)
    month, day = _two_digits(text, 5), _two_digits(text, 8)
    if high < 0 or low < 0 or not 1 <= month <= 12 or day < 1:
        return None
    year = high * 100 + low
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if year < 1 or day > (29 if month == 2 and leap else _MONTH_DAYS[month]):
        return None
    y = year - 1 if month <= 2 else year
    era = y // 400
    year_of_era = y - era * 400
    day_of_year = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def format_rfc3339(ts: float) -> str:
    """UTC RFC 3339 text of epoch seconds, rounded to milliseconds.

    >>> format_rfc3339(0)
    '1970-01-01T00:00:00.000Z'
    >>> format_rfc3339(-0.0005)
    '1970-01-01T00:00:00.000Z'
    """
    return _format(ts)


def _format(ts: float) -> str:
    if not math.isfinite(ts):
        raise ValueError(f"epoch seconds must be finite, got {ts!r}")
    millis = round(ts * 1000)
    try:
        moment = _EPOCH + timedelta(milliseconds=millis)
    except OverflowError:
        raise ValueError(f"epoch seconds out of range, got {ts!r}") from None
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}."
        f"{moment.microsecond // 1000:03d}Z"
    )


def _shown(text: str) -> str:
    return repr(text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "...")
