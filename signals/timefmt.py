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

__all__ = ["RFC3339_SHAPE", "format_rfc3339", "parse_rfc3339"]

# Field ranges live in the regex so that fromisoformat (C, and far more lenient
# about shapes) is left with one job: rejecting impossible calendar dates.
# [0-9] rather than \d: Python's \d also matches other scripts' digits.
RFC3339_SHAPE = re.compile(
    r"[0-9]{4}-(?:0[1-9]|1[0-2])-[0-3][0-9][Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(?:\.[0-9]+)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SHOWN_CHARS = 40


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


def format_rfc3339(ts: float) -> str:
    """UTC RFC 3339 text of epoch seconds, rounded to milliseconds.

    >>> format_rfc3339(0)
    '1970-01-01T00:00:00.000Z'
    >>> format_rfc3339(-0.0005)
    '1970-01-01T00:00:00.000Z'
    """
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
