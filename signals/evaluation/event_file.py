"""What evaluation needs from the event file: its size and each listing's first report.

Pure: takes the file's lines, reads no file. Also home of :func:`epoch_or_none`,
the lenient time parse evaluation applies to every time it reads (from events,
alerts and the truth file alike), so one rule decides what a usable time is.

>>> summary = summarize_events([b'{"schema": "order.v1"}', b"  ", b"{"])
>>> summary.events, summary.invalid_lines
(2, 1)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import orjson

from signals.contract.timefmt import parse_rfc3339

__all__ = ["EventsSummary", "epoch_or_none", "summarize_events"]


def epoch_or_none(text: object) -> float | None:
    """Epoch seconds of an RFC 3339 time with an offset; ``None`` if it is not one.

    A naive time is rejected (not guessed as UTC), which would skew delays silently.

    >>> epoch_or_none("2026-11-27T14:03:11.250Z"), epoch_or_none("2026-11-27T14:03:11")
    (1795788191.25, None)
    >>> epoch_or_none(None)
    """
    if not isinstance(text, str):
        return None
    try:
        return parse_rfc3339(text)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class EventsSummary:
    """What evaluation needs from the event file: its size and report times."""

    events: int
    first_filed_report: Mapping[str, float] = field(default_factory=dict)
    invalid_lines: int = 0


def summarize_events(lines: Iterable[bytes | str]) -> EventsSummary:
    """Count non-blank lines and find each listing's earliest ``filed`` report.

    >>> s = summarize_events(['{"schema":"report.v1","status":"filed","listing_id":"L1",'
    ...     '"event_time":"1970-01-01T00:01:00Z"}', "", "not json"])
    >>> s.events, dict(s.first_filed_report), s.invalid_lines
    (2, {'L1': 60.0}, 1)
    """
    events = invalid = 0
    first_filed: dict[str, float] = {}
    for line in lines:
        if not line.strip():
            continue
        events += 1
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            invalid += 1
            continue
        if not isinstance(record, dict) or record.get("schema") != "report.v1":
            continue
        listing_id, ts = record.get("listing_id"), epoch_or_none(record.get("event_time"))
        if record.get("status") == "filed" and isinstance(listing_id, str) and ts is not None:
            first_filed[listing_id] = min(ts, first_filed.get(listing_id, math.inf))
    return EventsSummary(events, first_filed, invalid)
