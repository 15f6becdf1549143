"""A listing's life after creation: reports filed then decided, abusive ones rejected."""

from __future__ import annotations

from collections import Counter

from signals.contract.events import ReportEvent
from signals.evaluation.simulator import Simulation
from tests.unit.signals.evaluation.simulator.sim_views import unique_events


def test_every_decision_follows_a_filing_of_the_same_report(mixed: Simulation) -> None:
    filed: dict[str, ReportEvent] = {}
    decisions = Counter[str]()
    for event in unique_events(mixed):
        if not isinstance(event, ReportEvent):
            continue
        if event.status == "filed":
            filed[event.report_id] = event
            continue
        decisions[event.status] += 1
        origin = filed[event.report_id]
        assert origin.ts < event.ts
        assert (origin.listing_id, origin.seller_id, origin.reporter) == (
            event.listing_id, event.seller_id, event.reporter)
    assert decisions["upheld"] > 0 and decisions["rejected"] > 0


def test_over_reporting_owners_mostly_lose(week: Simulation) -> None:
    kinds = {sid: s["kind"] for sid, s in week.truth["sellers"].items()}
    outcomes = Counter(e.status for e in unique_events(week)
                       if isinstance(e, ReportEvent) and e.status != "filed"
                       and kinds[e.seller_id] == "abused_honest")
    assert outcomes["rejected"] >= 10 and outcomes["rejected"] > 3 * outcomes["upheld"]
