"""The brand flood incident: new counterfeit accounts hit one brand within hours."""

from __future__ import annotations

from signals.contract.events import ListingEvent
from signals.contract.timefmt import parse_rfc3339
from signals.evaluation.simulator import Simulation
from signals.evaluation.simulator.flood import FLOOD_WINDOW_MS
from tests.unit.signals.evaluation.simulator.sim_views import unique_events


def test_flood_sellers_appear_within_the_window(flood: Simulation) -> None:
    [incident] = flood.truth["incidents"]
    start = parse_rfc3339(incident["start_time"])
    members = set(incident["sellers"])
    assert 15 <= len(members) <= 30
    first: dict[str, ListingEvent] = {}
    for event in unique_events(flood):
        if isinstance(event, ListingEvent) and event.seller_id in members:
            first.setdefault(event.seller_id, event)
    assert set(first) == members
    for event in first.values():
        assert start <= event.ts < start + FLOOD_WINDOW_MS / 1000
        assert event.seller_since_ts is not None and start - event.seller_since_ts < 3.1 * 86400
    targets = {flood.truth["listings"][e.listing_id]["brand_id"] for e in first.values()}
    assert targets <= {incident["brand_id"], None}
    assert all(flood.truth["sellers"][s]["bad"] for s in members)
