"""The straight-line order and report decoders only ever accept what the table-driven
checks accept, and build the very same event; everything else they hand back. Their
inlined date-time parse agrees with parse_rfc3339 wherever it answers, and answers (is
not None) for every plainly valid upper-case timestamp."""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.contract.decode import _SPECS, _decode_fields, decode
from signals.contract.events import OrderEvent, ReportEvent
from signals.contract.fast_decode import _plain_time, fast_listing, fast_order, fast_report
from signals.contract.timefmt import format_rfc3339, parse_rfc3339
from signals.errors import SchemaViolation

TIME = "2026-11-27T14:03:11.250Z"
ORDER = {"schema": "order.v1", "event_id": "e-1", "event_time": TIME, "order_id": "o-1",
         "listing_id": "l-1", "seller_id": "s-1", "buyer_id": "u-1", "status": "placed",
         "unit_price": 99.5, "currency": "USD", "quantity": 1, "brand_id": "b-1"}
REPORT = {"schema": "report.v1", "event_id": "e-1", "event_time": TIME, "report_id": "r-1",
          "listing_id": "l-1", "seller_id": "s-1", "brand_id": "b-1", "reporter": "buyer",
          "reason": "counterfeit", "status": "filed"}
CASES = [("order.v1", ORDER, fast_order), ("report.v1", REPORT, fast_report)]
DROP = object()

#: values that sit on either side of some field's rule
ODD_VALUES = st.sampled_from([
    DROP, None, "", "x", "x" * 128, "x" * 129, "USD", "usd", "US", "ÀBC", 0, 1, -1, 2, 10.0, 0.0,
    -0.5, 1e-9, 10_000_000, 10_000_000.0, 10_000_000.5, True, False, [], {}, ["x"],
    "placed", "refunded", "disputed", "platform", "rights_owner", "trademark", "other",
    "upheld", "rejected", "2026-02-29T00:00:00Z", "2026-11-27T14:03:11", "2026-11-27t14:03:11z",
    "2026-11-27T15:03:11.250+01:00", "1970-01-01T00:00:00.000001Z",
])


def _slow(record: dict[str, Any], schema: str) -> Any:
    spec = _SPECS[schema]
    return spec.event_type(**_decode_fields(record, spec))


@pytest.mark.parametrize(("schema", "valid", "fast"), CASES)
def test_a_valid_record_takes_the_fast_path(schema: str, valid: dict[str, Any], fast: Any) -> None:
    event = fast(dict(valid))
    assert event is not None and event == _slow(dict(valid), schema)
    assert isinstance(event, OrderEvent | ReportEvent)


def test_an_integer_price_is_left_to_the_checks_which_make_it_a_float() -> None:
    record = dict(ORDER, unit_price=12)
    assert fast_order(record) is None
    assert decode(_encode(record)).unit_price == 12.0  # type: ignore[union-attr]


def _encode(record: dict[str, Any]) -> bytes:
    return orjson.dumps(record)


@pytest.mark.parametrize(("schema", "valid", "fast"), CASES)
@settings(max_examples=600, deadline=None)
@given(changes=st.dictionaries(st.sampled_from(sorted(set(ORDER) | set(REPORT))), ODD_VALUES,
                               max_size=3))
def test_fast_path_agrees_with_the_checks(schema: str, valid: dict[str, Any], fast: Any,
                                          changes: dict[str, Any]) -> None:
    record = {**valid, **changes}
    record = {k: v for k, v in record.items() if v is not DROP}
    try:
        expected = _slow(record, schema)
    except SchemaViolation:
        expected = None
    got = fast(record)
    # the fast path may decline a valid record (the checks then take it), never the reverse
    assert got is None or got == expected
    if got is not None:
        assert [type(getattr(got, f.name)) for f in dataclasses.fields(got)] == [
            type(getattr(expected, f.name)) for f in dataclasses.fields(expected)]


LISTING = {"schema": "listing.v1", "event_id": "e-1", "event_time": TIME, "action": "created",
           "listing_id": "l-1", "seller_id": "s-1", "title": "Classic flap bag",
           "brand_id": "b-1", "category": "bags", "price": 129.99, "currency": "EUR",
           "quantity": 3, "image_phashes": ["C3A1F0E2D4B59687", "00ff00ff00ff00ff"],
           "ship_from": "CN", "seller_since": "2026-10-02T08:15:00Z"}
LISTING_VALUES = st.sampled_from([
    DROP, None, "removed", "updated", "created", "", "x" * 500, "x" * 501, 0, 3, -1, 2.0, 129.99,
    10_000_001.0, "EUR", "eur", "CN", "cn", "CNN", [], ["c3a1f0e2d4b59687"], ["c3a1f0e2d4b5968"],
    ["c3a1f0e2d4b59687"] * 21, ["g3a1f0e2d4b59687"], [1], {}, True, "2026-10-02T08:15:00Z",
    "2026-10-02", "2026-13-02T08:15:00Z",
])


def test_a_valid_listing_takes_the_fast_path_with_lower_case_hashes() -> None:
    event = fast_listing(dict(LISTING))
    assert event is not None and event == _slow(dict(LISTING), "listing.v1")
    assert event.image_phashes == ("c3a1f0e2d4b59687", "00ff00ff00ff00ff")
    removed = {k: v for k, v in LISTING.items() if k not in ("title", "price", "currency")}
    assert fast_listing(dict(removed, action="removed")) == _slow(
        dict(removed, action="removed"), "listing.v1")


@settings(max_examples=1500, deadline=None)
@given(changes=st.dictionaries(st.sampled_from(sorted(LISTING)), LISTING_VALUES, max_size=4))
def test_fast_listing_agrees_with_the_checks(changes: dict[str, Any]) -> None:
    record = {k: v for k, v in {**LISTING, **changes}.items() if v is not DROP}
    try:
        expected = _slow(record, "listing.v1")
    except SchemaViolation:
        expected = None
    got = fast_listing(record)
    assert got is None or got == expected


TIME_SAMPLES: list[Any] = [
    "2026-11-27T14:03:11.250Z", "2026-11-27T15:03:11.250+01:00", "1970-01-01T00:00:00Z",
    "2026-11-27t14:03:11z", "2026-02-29T00:00:00Z", "2024-02-29T23:59:59.999999999-23:59",
    "2026-11-27T14:03:11", "2026-11-27T24:00:00Z", "2026-11-27T14:03:60Z", "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59+00:00", "", "x", "2026-11-27T14:03:11.Z", "２０２６-11-27T14:03:11Z",
    "2026-11-27T14:03:11.1234567Z", None, 12, 1.5, [], {},
]


def _parsed(value: Any) -> float | None:
    if type(value) is not str:
        return None
    try:
        return parse_rfc3339(value)
    except ValueError:
        return None


@pytest.mark.parametrize("value", TIME_SAMPLES)
def test_plain_time_agrees_with_the_parser(value: Any) -> None:
    fast = _plain_time(value)
    assert fast is None or fast == _parsed(value)
    if _parsed(value) is not None and value == value.upper():
        assert fast is not None


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-6e10, max_value=2.5e11, allow_nan=False))
def test_every_formatted_time_takes_the_fast_path(ts: float) -> None:
    text = format_rfc3339(ts)
    assert _plain_time(text) == parse_rfc3339(text)
