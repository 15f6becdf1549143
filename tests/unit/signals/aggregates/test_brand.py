"""Brand activity aggregates: which risky sellers count as new, and the state round trip."""

from __future__ import annotations

from signals.aggregates.brand import BrandAggregates

DAY = 86400.0


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


def test_brand_aggregates_round_trip() -> None:
    agg = BrandAggregates.create("b")
    agg.add_listing(0.0, "s", authorized=None, risky=True)
    agg.add_report(10.0, "buyer", "filed")
    assert BrandAggregates.from_dict(agg.to_dict()).to_dict() == agg.to_dict()
