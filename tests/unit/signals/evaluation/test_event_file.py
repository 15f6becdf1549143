"""The event-file summary evaluation scores against: line counts, first filed reports,
and which times it can use."""

from __future__ import annotations

import orjson
import pytest

from signals.evaluation.event_file import epoch_or_none, summarize_events


def report(listing_id: str, event_time: str, status: str = "filed") -> bytes:
    return orjson.dumps({"schema": "report.v1", "event_id": f"r-{listing_id}-{event_time}",
                         "event_time": event_time, "report_id": f"rep-{listing_id}",
                         "listing_id": listing_id, "seller_id": "S", "reporter": "buyer",
                         "reason": "counterfeit", "status": status})


def test_events_summary_takes_earliest_filing_and_counts_nonblank_lines() -> None:
    summary = summarize_events([
        report("L1", "2026-11-27T12:30:00Z"), report("L1", "2026-11-27T12:12:00Z"),
        report("L2", "2026-11-27T12:01:00Z", "rejected"), b"   ", b"[1, 2"])
    assert summary.events == 4
    assert summary.invalid_lines == 1
    assert summary.first_filed_report == {"L1": epoch_or_none("2026-11-27T12:12:00Z")}


def test_reports_without_a_usable_time_or_listing_are_skipped() -> None:
    summary = summarize_events([
        report("L1", "2026-11-27T12:30:00"),  # naive: not guessed as UTC
        orjson.dumps({"schema": "report.v1", "status": "filed", "listing_id": 7,
                      "event_time": "2026-11-27T12:30:00Z"}),
        orjson.dumps({"schema": "order.v1", "status": "filed", "listing_id": "L3",
                      "event_time": "2026-11-27T12:30:00Z"}),
        b'["report.v1"]'])
    assert (summary.events, summary.invalid_lines, dict(summary.first_filed_report)) == (4, 0, {})


@pytest.mark.parametrize(("text", "expected"), [
    ("1970-01-01T00:01:00Z", 60.0),
    ("1970-01-01T01:01:00+01:00", 60.0),
    ("1970-01-01T00:01:00", None),
    ("2026-02-29T00:00:00Z", None),
    ("", None),
    (60, None),
    (None, None),
])
def test_epoch_or_none_takes_only_rfc3339_times_with_an_offset(
        text: object, expected: float | None) -> None:
    assert epoch_or_none(text) == expected
