"""The brand processor: brand aggregates, the published brand view, incident alerts."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.policy.config import PolicyConfig
from signals.processors.brand import GENUINE_SCORE, BrandState, process_brand
from signals.processors.messages import BrandListingFact, BrandReportFact

POLICY = PolicyConfig()
HOUR = 3600.0


def _listing(n: int, ts: float, *, price: float | None = 100.0, authorized: bool | None = True,
             risky: bool = False, score: float = 0.1, seller: str | None = None,
             ) -> BrandListingFact:
    return BrandListingFact(f"f{n}", "B1", ts, f"e{n}", f"t{n}", seller or f"S{n}", f"L{n}",
                            price, "EUR", authorized, risky, score)


def _report(n: int, ts: float, status: str) -> BrandReportFact:
    return BrandReportFact(f"r{n}", "B1", ts, f"e{n}", f"t{n}", "S1", "L1", "rights_owner",
                           status)


def test_genuine_listings_teach_the_reference_price_and_publish_the_view() -> None:
    state = BrandState.create("B1")
    views = [process_brand(state, _listing(n, float(n), price=100.0), POLICY, now=0.0)[1]
             for n in range(5)]
    # the first fact publishes the (empty) view; the fifth price makes a reference
    assert [v is not None for v in views] == [True, False, False, False, True]
    reference = state.aggregates.reference_price("EUR")
    assert reference == pytest.approx(100.0, rel=0.01)  # a sketch's quantile, not exact
    assert views[-1] is not None and views[-1].reference_prices == {"EUR": round(reference, 2)}
    assert state.view == views[-1]
    # an unauthorized or suspicious listing says nothing about the genuine price
    for n, fact in enumerate([_listing(8, 8.0, price=1.0, authorized=False),
                              _listing(9, 9.0, price=1.0, authorized=None,
                                       score=GENUINE_SCORE)]):
        _, unchanged = process_brand(state, fact, POLICY, now=0.0)
        assert unchanged is None, n
    assert state.aggregates.reference_price("EUR") == reference


def test_only_a_decided_report_moves_the_published_reliability() -> None:
    state = BrandState.create("B1")
    process_brand(state, _listing(1, 0.0, price=None), POLICY, now=0.0)
    assert process_brand(state, _report(1, 1.0, "filed"), POLICY, now=0.0)[1] is None
    _, view = process_brand(state, _report(2, 2.0, "upheld"), POLICY, now=0.0)
    assert view is not None and view.reliability["rights_owner"] > 0.6


def test_a_redelivered_fact_is_a_duplicate_and_changes_nothing() -> None:
    state = BrandState.create("B1")
    process_brand(state, _listing(1, 0.0), POLICY, now=0.0)
    before = orjson.dumps(state.to_dict())
    out, view = process_brand(state, _listing(1, 0.0), POLICY, now=0.0)
    assert out.duplicate and view is None and orjson.dumps(state.to_dict()) == before


def test_a_surge_of_risky_sellers_raises_one_incident_alert_per_cool_down() -> None:
    state = BrandState.create("B1")
    alerts = []
    start = 30 * 24 * HOUR
    for n in range(20):
        out, _ = process_brand(state, _listing(n, start + n * 60.0, authorized=False,
                                               risky=True, score=0.9),
                               POLICY, now=1_800_000_000.0)
        alerts += out.alerts
    assert alerts and alerts[0].entity_type == "brand" and alerts[0].brand_id == "B1"
    assert alerts[0].created_at == "2027-01-15T08:00:00.000Z"
    severities = [a.severity for a in alerts]
    assert len(set(severities)) == len(severities)  # the same level only after the cool-down
    assert state.raised == {s: 1 for s in severities}


@settings(max_examples=60, deadline=None)
@given(order=st.permutations(range(8)))
def test_an_incident_does_not_depend_on_the_order_facts_arrive_in(order: list[int]) -> None:
    """Seller partitions send a brand their facts in no fixed order within an epoch:
    eight unauthorized sellers in eight minutes are an incident whichever comes first."""
    start = 30 * 24 * HOUR
    facts = [_listing(n, start + n * 60.0, authorized=False, risky=True, score=0.99)
             for n in range(8)]

    def alert_ids(facts: list[BrandListingFact]) -> set[str]:
        state = BrandState.create("B1")
        return {a.alert_id for f in facts
                for a in process_brand(state, f, POLICY, now=0.0)[0].alerts}

    in_time_order = alert_ids(facts)
    assert in_time_order, "the scenario must raise an incident"
    assert alert_ids([facts[i] for i in order]) == in_time_order


def test_the_state_round_trips_through_json() -> None:
    state = BrandState.create("B1")
    for n in range(3):
        process_brand(state, _listing(n, n * 10.0), POLICY, now=0.0)
    process_brand(state, _report(9, 40.0, "rejected"), POLICY, now=0.0)
    data = orjson.loads(orjson.dumps(state.to_dict()))
    again = BrandState.from_dict(data)
    assert again.to_dict() == state.to_dict() and again.view == state.view
