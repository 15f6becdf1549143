"""Aggregates (windows, de-duplication, brand activity) and the alert policy rules."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signals.aggregates.brand import BrandAggregates
from signals.aggregates.dedup import Deduplicator
from signals.aggregates.windows import DistinctWindow, WindowCounter
from signals.features.listing import SellerSignals
from signals.model.prior import rule_prior
from signals.policy.brand import brand_incident, surge_score
from signals.policy.config import PolicyConfig
from signals.policy.seller import seller_score

HOUR, DAY = 3600.0, 86400.0


@given(st.lists(st.floats(0, 10 * DAY), max_size=60), st.randoms())
def test_window_counts_do_not_depend_on_arrival_order(times: list[float],
                                                      rnd: random.Random) -> None:
    a, b = WindowCounter.create(DAY, 24), WindowCounter.create(DAY, 24)
    shuffled = list(times)
    rnd.shuffle(shuffled)
    for t in times:
        a.add(t)
    for t in shuffled:
        b.add(t)
    assert a.to_dict() == b.to_dict()


def test_distinct_bucket_total_counts_each_hour_separately() -> None:
    w = DistinctWindow.create(span=DAY, buckets=24)
    for hour in range(5):
        w.add(hour * HOUR + 1, "s1")
    w.add(1, "s2")
    assert w.distinct(at=5 * HOUR) == 2
    assert w.bucket_total(at=5 * HOUR) == 6


def test_dedup_remembers_within_the_horizon_and_forgets_after() -> None:
    d = Deduplicator(horizon=HOUR, max_entries=100)
    assert d.first_time("a", 0.0)
    assert not d.first_time("a", 30 * 60.0)
    d.first_time("b", 2 * HOUR)
    assert "a" not in d.seen and len(d) == 1


def test_dedup_is_bounded_and_round_trips() -> None:
    d = Deduplicator(horizon=DAY, max_entries=3)
    for i in range(10):
        d.first_time(f"e{i}", float(i))
    assert len(d) == 3 and list(d.seen) == ["e7", "e8", "e9"]
    restored = Deduplicator.from_dict(d.to_dict())
    assert not restored.first_time("e9", 9.0)
    assert restored.first_time("e10", 10.0) and len(restored) == 3


def _flood(agg: BrandAggregates, start: float, sellers: int) -> None:
    for i in range(sellers):
        agg.add_listing(start + i * 60.0, f"new{i}", authorized=False, risky=True)


def test_new_sellers_count_only_after_the_brand_has_been_watched_a_day() -> None:
    cold = BrandAggregates.create("b")
    _flood(cold, 0.0, 4)
    assert cold.last_hour("new_risky_sellers", 4 * 60.0) == 0
    warm = BrandAggregates.create("b")
    warm.add_listing(0.0, "regular", authorized=True, risky=False)
    _flood(warm, 2 * DAY, 4)
    assert warm.last_hour("new_risky_sellers", 2 * DAY + 240.0) == 4


def test_a_brand_s_regular_bad_sellers_are_not_new() -> None:
    agg = BrandAggregates.create("b")
    for i in range(4):
        agg.add_listing(0.0, f"old{i}", authorized=False, risky=True)
    for i in range(4):
        agg.add_listing(2 * DAY + i, f"old{i}", authorized=False, risky=True)
    at = 2 * DAY + 10
    assert agg.last_hour("risky_sellers", at) == 4
    assert agg.last_hour("new_risky_sellers", at) == 0


def test_a_flood_of_new_risky_sellers_raises_a_brand_incident() -> None:
    agg, policy = BrandAggregates.create("b"), PolicyConfig()
    agg.add_listing(0.0, "regular", authorized=True, risky=False)
    _flood(agg, 2 * DAY, policy.incident_min_new_sellers)
    found = brand_incident(agg, 2 * DAY + 600.0, policy, ("e1", "t1"), {})
    assert found is not None
    alert, _ = found
    assert alert.entity_type == "brand" and alert.reasons[0].code == "BRAND_NEW_RISKY_SELLER_SURGE"


def test_no_incident_below_the_minimum() -> None:
    agg, policy = BrandAggregates.create("b"), PolicyConfig()
    agg.add_listing(0.0, "regular", authorized=True, risky=False)
    _flood(agg, 2 * DAY, policy.incident_min_new_sellers - 1)
    assert brand_incident(agg, 2 * DAY + 600.0, policy, ("e1", "t1"), {}) is None


def test_brand_aggregates_round_trip() -> None:
    agg = BrandAggregates.create("b")
    agg.add_listing(0.0, "s", authorized=None, risky=True)
    agg.add_report(10.0, "buyer", "filed")
    assert BrandAggregates.from_dict(agg.to_dict()).to_dict() == agg.to_dict()


@pytest.mark.parametrize("observed,baseline,expected_zero", [(5, 0.0, False), (4, 0.0, True),
                                                              (8, 2.0, True), (20, 2.0, False)])
def test_surge_needs_the_minimum_and_a_multiple_of_the_baseline(
        observed: float, baseline: float, expected_zero: bool) -> None:
    score = surge_score(observed, baseline, minimum=5, factor=4.0)
    assert (score == 0.0) is expected_zero


def test_the_prior_saturates_instead_of_overflowing() -> None:
    high, _ = rule_prior({"price_discount": 1e300})
    low, _ = rule_prior({"authorized": 1e300})
    assert 0.999 < high <= 1.0 and 0.0 <= low < 1e-9


def test_the_seller_score_saturates_and_names_its_parts() -> None:
    s = SellerSignals(1.0, 1e9, 50, 1.0, 1e9, 0.0, 1e9, 10, 10)
    score, parts = seller_score(10**9, s)
    assert score <= 1.0 and next(iter(parts)) in {"RISKY_LISTINGS", "PRIOR_UPHELD_REPORTS",
                                                  "LISTING_BURST"}
    quiet, none = seller_score(0, SellerSignals(400.0, 0.0, 1, 0.05, 0.0, 0.0, 0.0, 0, 0))
    assert quiet < 0.05 and none == {}


@given(st.lists(st.floats(0, 3 * DAY), min_size=1, max_size=40), st.floats(0, 4 * DAY))
def test_window_totals_equal_a_recount_of_the_buckets(times: list[float], extra: float) -> None:
    counter, distinct = WindowCounter.create(DAY, 24), DistinctWindow.create(DAY, 24)
    for i, t in enumerate(times):
        counter.add(t)
        distinct.add(t, f"v{i % 5}")
    for at in (counter.newest, counter.newest + extra, max(times) / 2):
        lo, hi = int((at - DAY) // counter.width), int(at // counter.width)
        assert counter.total(at) == sum(c for b, c in counter.counts.items() if lo < b <= hi)
        expected = set().union(*(v for b, v in distinct.buckets.items() if lo < b <= hi))
        assert distinct.values(at) == expected
