"""Governance figures of a replay: champion against challenger, and detection by segment."""

from __future__ import annotations

import orjson

from signals.evaluation.detection import evaluate, summarize_events
from signals.evaluation.governance import (
    brand_report_counts,
    challenger_figures,
    segment_figures,
)
from tests.unit.signals.evaluation.governed_run import governed_run as _run


def _report(brand: str | None, status: str) -> bytes:
    return orjson.dumps({"schema": "report.v1", "brand_id": brand, "status": status})


def test_brand_report_counts_count_filed_reports_only() -> None:
    lines = [_report("B1", "filed"), _report("B1", "filed"), _report("B2", "upheld"),
             _report(None, "filed"), b'{"schema": "report.v1", "status": "filed"',
             b'"report.v1" "filed"', _report("B2", "filed"),
             orjson.dumps({"schema": "listing.v1", "brand_id": "B3", "status": "filed"})]
    assert brand_report_counts(lines) == {"B1": 2, "B2": 1}


def test_segment_figures_add_up_to_the_whole_run() -> None:
    sim, alerts, scored, _ = _run()
    summary = summarize_events(sim.lines)
    whole = evaluate(sim.truth, alerts, summary)
    reports = brand_report_counts(sim.lines)
    for dimension in ("category", "brand", "cohort"):
        table = segment_figures(sim.truth, alerts, summary, scored, reports, dimension)
        assert sum(row["listings_infringing"] for row in table.values()) == (
            whole.proactive_recall.total)
        assert sum(row["listing_alerts"] for row in table.values()) <= (
            whole.alerts_by_entity_type.get("listing", 0))
        assert all(row["proactive_rate"] is None or 0 <= row["proactive_rate"] <= 1
                   for row in table.values())


def test_champion_and_challenger_are_scored_side_by_side() -> None:
    sim, _, scored, state = _run()
    models = {"lr1": state.learner.model, **state.learner.challengers}
    figures = challenger_figures(sim.truth, summarize_events(sim.lines), scored,
                                 state.policy.listing_threshold, models)
    assert figures["champion"]["lineages"] == ["lr1"]
    assert figures["challenger"]["lineages"] == ["sgd05"]
    assert figures["labels:sgd05"]["labels"] == figures["labels:lr1"]["labels"] > 0


