"""Per-seller aggregates: counts, windows and sums whose value ignores arrival order."""

from __future__ import annotations

import itertools

import orjson
import pytest

from signals.aggregates.seller import DAY, HOUR, SellerAggregates
from signals.contract.events import ListingEvent, OrderEvent, ReportEvent

T0 = 1_000 * DAY


def _events() -> list[ListingEvent | OrderEvent | ReportEvent]:
    return [
        ListingEvent("l1", "t", T0, "created", "L1", "S1", brand_id="B1",
                     seller_since_ts=T0 - 40 * DAY),
        ListingEvent("l2", "t", T0 + HOUR, "created", "L2", "S1", brand_id="B2",
                     seller_since_ts=T0 - 50 * DAY),
        ListingEvent("l3", "t", T0 + 2 * HOUR, "removed", "L1", "S1", brand_id="B3"),
        OrderEvent("o1", "t", T0 + 3 * HOUR, "O1", "L1", "S1", "U1", "placed", 10.0, "EUR", 3),
        OrderEvent("o2", "t", T0 + 4 * HOUR, "O2", "L2", "S1", "U2", "placed", 5.0, "USD", 1),
        OrderEvent("o3", "t", T0 + 5 * HOUR, "O1", "L1", "S1", "U1", "disputed", 10.0, "EUR", 3),
        ReportEvent("r1", "t", T0 + 6 * HOUR, "R1", "L1", "S1", "rights_owner", "counterfeit",
                    "filed"),
        ReportEvent("r2", "t", T0 + 7 * HOUR, "R1", "L1", "S1", "rights_owner", "counterfeit",
                    "upheld"),
        ReportEvent("r3", "t", T0 + 8 * HOUR, "R2", "L2", "S1", "buyer", "other", "upheld"),
    ]


def _apply(events: list[ListingEvent | OrderEvent | ReportEvent]) -> SellerAggregates:
    agg = SellerAggregates.create("S1")
    for ev in events:
        if isinstance(ev, ListingEvent):
            agg.apply_listing(ev)
        elif isinstance(ev, OrderEvent):
            agg.apply_order(ev)
        else:
            agg.apply_report(ev)
    return agg


def test_the_aggregates_count_what_happened() -> None:
    summary = _apply(_events()).summary(T0 + 9 * HOUR)
    assert summary["listings_total"] == 2
    assert summary["listings_created"] == {"1h": 0, "24h": 2, "7d": 2}
    assert summary["listings_removed"] == {"1h": 0, "24h": 1, "7d": 1}
    assert summary["distinct_brands"] == {"24h": 2, "7d": 2}  # a removal names no brand
    assert summary["orders"] == {"disputed": 1, "placed": 2}
    assert summary["gmv"] == {"EUR": 30.0, "USD": 5.0}
    assert summary["reports"] == {"buyer:upheld": 1, "rights_owner:filed": 1,
                                  "rights_owner:upheld": 1}
    assert summary["account_age_days"] == pytest.approx(50 + 9 / 24, abs=1e-3)


def test_the_final_value_does_not_depend_on_arrival_order() -> None:
    events = _events()
    expected = orjson.dumps(_apply(events).to_dict(), option=orjson.OPT_SORT_KEYS)
    for order in itertools.islice(itertools.permutations(events), 0, 400, 37):
        got = orjson.dumps(_apply(list(order)).to_dict(), option=orjson.OPT_SORT_KEYS)
        assert got == expected
    assert _apply(events[::-1]).summary(T0 + DAY) == _apply(events).summary(T0 + DAY)


def test_account_age_falls_back_to_the_first_event_and_is_never_negative() -> None:
    agg = _apply([ListingEvent("l", "t", T0, "created", "L", "S1")])
    assert agg.account_age_days(T0 + 2 * DAY) == 2.0
    assert agg.account_age_days(T0 - DAY) == 0.0


def test_problem_orders_are_shrunk_toward_the_marketplace_prior() -> None:
    agg = SellerAggregates.create("S1")
    assert agg.problem_order_rate() == pytest.approx(0.08)
    for status in ("placed", "refunded", "returned", "disputed", "cancelled"):
        agg.orders[status] = 10
    assert agg.problem_order_rate() == pytest.approx((30 + 0.4) / 15)
    assert agg.report_count("upheld") == 0


def test_report_counts_by_status_and_reporter() -> None:
    agg = _apply(_events())
    assert agg.report_count("upheld") == 2
    assert agg.report_count("upheld", "buyer") == 1
    assert agg.report_count("rejected", "rights_owner") == 0


def test_the_state_round_trips_through_json() -> None:
    agg = _apply(_events())
    again = SellerAggregates.from_dict(orjson.loads(orjson.dumps(agg.to_dict())))
    assert again.to_dict() == agg.to_dict()
    assert again.summary(T0 + DAY) == agg.summary(T0 + DAY)
