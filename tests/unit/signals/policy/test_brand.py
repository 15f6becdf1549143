"""The brand alert rules: a surge of new risky sellers is an incident, below the minimum not."""

from __future__ import annotations

import pytest

from signals.aggregates.brand import BrandAggregates
from signals.policy.brand import brand_incident, surge_score
from signals.policy.config import PolicyConfig

DAY = 86400.0


def _flood(agg: BrandAggregates, start: float, sellers: int) -> None:
    for i in range(sellers):
        agg.add_listing(start + i * 60.0, f"new{i}", authorized=False, risky=True)


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


@pytest.mark.parametrize("observed,baseline,expected_zero", [(5, 0.0, False), (4, 0.0, True),
                                                              (8, 2.0, True), (20, 2.0, False)])
def test_surge_needs_the_minimum_and_a_multiple_of_the_baseline(
        observed: float, baseline: float, expected_zero: bool) -> None:
    score = surge_score(observed, baseline, minimum=5, factor=4.0)
    assert (score == 0.0) is expected_zero
