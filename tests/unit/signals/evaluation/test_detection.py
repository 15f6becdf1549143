"""Detection evaluation on small hand-built worlds whose figures are worked out by hand."""

from __future__ import annotations

import math
from typing import Any

import orjson
import pytest

from signals.evaluation.detection import (
    EventsSummary,
    Figures,
    evaluate,
    nearest_rank,
    summarize_events,
)
from streams.cli.evaluate import format_table
from tests.unit.signals.evaluation.detection_world import (
    ALERTS,
    EVENT_LINES,
    TRUTH,
    alert,
    at,
    filed,
    listing,
)


@pytest.fixture(scope="module")
def figures() -> Figures:
    return evaluate(TRUTH, ALERTS, summarize_events(EVENT_LINES), {"n": 3, "log_loss": 0.41})


def test_proactive_recall_excludes_alerts_after_first_report(figures: Figures) -> None:
    # L1 alerted before its filing, L3 never reported, L2 alerted after its filing, L4 missed.
    assert (figures.proactive_recall.hits, figures.proactive_recall.total) == (2, 4)
    assert figures.listing_recall.value == 0.75
    assert figures.recall_by_tactic["blatant_fake"].recall.value == 0.5
    assert figures.recall_by_tactic["subtle_fake"].proactive.value == 0.0
    assert figures.recall_by_tactic["copycat"].proactive.value == 1.0


def test_alert_at_the_report_time_is_not_proactive() -> None:
    truth = {"listings": {"L1": listing("S1", "blatant_fake", True)}}
    summary = summarize_events([filed("L1", 30)])
    assert evaluate(truth, [alert("a", "listing", "L1", 30)], summary).proactive_recall.hits == 0
    assert evaluate(truth, [alert("a", "listing", "L1", 29.9)],
                    summary).proactive_recall.hits == 1


def test_unknown_and_negative_listings_lower_precision(figures: Figures) -> None:
    # flagged: L1 L2 L3 (infringing), G2 (gray market), X9 (not in truth)
    assert (figures.listing_precision.hits, figures.listing_precision.total) == (3, 5)
    assert figures.unknown_listings_flagged == 1
    assert figures.false_positives_by_tactic["gray_market"].to_dict() == {
        "hits": 1, "total": 2, "value": 0.5}
    assert figures.false_positives_by_tactic["genuine"].hits == 0


def test_seller_precision_and_recall(figures: Figures) -> None:
    # flagged: S1, S2 (bad), H1 (honest), S4-unknown (not in truth)
    assert (figures.seller_precision.hits, figures.seller_precision.total) == (2, 4)
    assert (figures.seller_recall.hits, figures.seller_recall.total) == (2, 3)
    assert figures.seller_recall_by_kind["copycat"].value == 0.0
    assert figures.false_positives_by_seller_kind["honest"].value == 1.0
    assert figures.false_positives_by_seller_kind["gray_market"].value == 0.0
    assert figures.unknown_sellers_flagged == 1


def test_detection_delay_uses_first_alert_per_listing(figures: Figures) -> None:
    delay = figures.detection_delay
    assert (delay.count, delay.median_minutes, delay.p90_minutes, delay.max_minutes) == (
        3, 20.0, 60.0, 60.0)


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 11)]
    assert nearest_rank(values, 50) == 5.0
    assert nearest_rank(values, 90) == 9.0
    assert nearest_rank(values, 100) == 10.0
    assert nearest_rank([7.0], 90) == 7.0
    assert nearest_rank([], 50) is None


def test_incidents_within_and_outside_one_hour(figures: Figures) -> None:
    b1, b2 = figures.incidents
    assert (b1.brand_id, b1.delay_minutes, b1.within_1h) == ("B1", 30.0, True)
    assert b1.first_alert_time == at(90).replace(":00Z", ":00.000Z")
    assert (b2.brand_id, b2.delay_minutes, b2.within_1h) == ("B2", 80.0, False)
    assert (figures.incidents_detected_within_1h.hits,
            figures.incidents_detected_within_1h.total) == (1, 2)
    assert figures.false_incident_alerts == 1


def test_incident_without_brand_alert_is_missed() -> None:
    truth = {"incidents": [{"brand_id": "B1", "kind": "counterfeit_flood",
                            "start_time": at(60), "sellers": []}]}
    early = alert("b", "brand", "B1", 59, brand_id="B1")
    (incident,) = evaluate(truth, [early], EventsSummary(events=1)).incidents
    assert (incident.first_alert_time, incident.delay_minutes, incident.within_1h) == (
        None, None, False)
    exact = alert("c", "brand", "B1", 120, brand_id="B1")
    (incident,) = evaluate(truth, [exact], EventsSummary(events=1)).incidents
    assert incident.within_1h  # exactly one hour still counts


def test_duplicates_counted_once_and_alert_rates(figures: Figures) -> None:
    assert figures.alerts == len(ALERTS) - 1
    assert figures.duplicate_alerts == 1
    assert figures.events == 5
    assert figures.alerts_per_1000_events == pytest.approx(14 * 1000 / 5)
    assert figures.alerts_by_entity_type == {"brand": 4, "listing": 6, "seller": 4}
    assert figures.alerts_by_severity == {"critical": 1, "high": 9, "low": 3, "medium": 1}


def test_malformed_alerts_are_counted_not_scored() -> None:
    bad_time = alert("m1", "listing", "L1", 5) | {"trigger_event_time": "yesterday"}
    no_entity = alert("m2", "listing", "L1", 5) | {"entity_id": None}
    naive = alert("m3", "listing", "L1", 5) | {"trigger_event_time": "2026-11-27T12:00:00"}
    truth = {"listings": {"L1": listing("S1", "blatant_fake", True)}}
    result = evaluate(truth, [bad_time, no_entity, naive], EventsSummary(events=3))
    assert (result.alerts, result.malformed_alerts, result.listing_recall.hits) == (0, 3, 0)


def test_empty_inputs_give_none_not_nan() -> None:
    result = evaluate({}, [], EventsSummary(events=0))
    data = result.to_dict()
    encoded = orjson.dumps(data)  # orjson refuses nothing here, and NaN would become null
    assert b"NaN" not in encoded
    assert data["alerts_per_1000_events"] is None
    assert data["proactive_recall"] == {"hits": 0, "total": 0, "value": None}
    assert data["detection_delay"]["median_minutes"] is None
    assert data["incidents"] == []
    assert "n/a" in format_table(result)
    floats = [v for v in _leaves(data) if isinstance(v, float)]
    assert not any(math.isnan(v) for v in floats)


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


def test_to_dict_round_trips_through_json(figures: Figures) -> None:
    data = orjson.loads(orjson.dumps(figures.to_dict()))
    assert data["listing_precision"]["value"] == pytest.approx(0.6)
    assert data["recall_by_tactic"]["copycat"]["proactive"]["value"] == 1.0
    assert data["incidents"][1]["within_1h"] is False
    assert data["model_metrics"] == {"n": 3, "log_loss": 0.41}


def test_alerts_without_an_id_are_deduplicated_by_content() -> None:
    first = alert("x", "seller", "S1", 10) | {"alert_id": None}
    again = dict(first)
    odd_id = alert("y", "seller", "S2", 10) | {"alert_id": ["not", "a", "string"]}
    result = evaluate(TRUTH, [first, again, odd_id], EventsSummary(events=1))
    assert (result.alerts, result.duplicate_alerts) == (2, 1)
    assert result.seller_recall.hits == 2
