"""The figure records and their plain JSON form, built by hand (no evaluation run)."""

from __future__ import annotations

import dataclasses

import orjson

from signals.evaluation.figures import DelayFigures, Figures, IncidentFigure, Share, TacticRecall

NONE = Share(0, 0)


def _figures(**changes: object) -> Figures:
    values: dict[str, object] = {
        "events": 10, "alerts": 2, "duplicate_alerts": 0, "malformed_alerts": 0,
        "alerts_per_1000_events": 200.0, "alerts_by_entity_type": {"listing": 2},
        "alerts_by_severity": {"high": 2}, "proactive_recall": Share(1, 3),
        "listing_recall": Share(2, 3),
        "recall_by_tactic": {"copycat": TacticRecall(Share(2, 3), Share(1, 3))},
        "listing_precision": Share(2, 2), "false_positives_by_tactic": {"benign": Share(0, 4)},
        "unknown_listings_flagged": 0, "seller_precision": NONE, "seller_recall": Share(0, 1),
        "seller_recall_by_kind": {}, "false_positives_by_seller_kind": {},
        "unknown_sellers_flagged": 0, "detection_delay": DelayFigures(2, 5.0, 9.0, 9.0),
        "incidents": (IncidentFigure("B1", "flood", "2026-01-01T00:00:00Z", None, None, False),),
        "incidents_detected_within_1h": Share(0, 1), "false_incident_alerts": 0,
    }
    values.update(changes)
    return Figures(**values)  # type: ignore[arg-type]


def test_share_value_is_none_without_a_denominator() -> None:
    assert Share(1, 4).value == 0.25
    assert Share(0, 4).value == 0.0
    assert NONE.value is None
    assert NONE.to_dict() == {"hits": 0, "total": 0, "value": None}


def _plain_only(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_only(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain_only(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool)


def test_to_dict_has_every_field_as_plain_data() -> None:
    data = _figures(model_metrics={"n": 3}).to_dict()
    assert list(data) == [f.name for f in dataclasses.fields(Figures)]
    assert _plain_only(data)
    assert data["recall_by_tactic"] == {"copycat": {
        "recall": {"hits": 2, "total": 3, "value": 2 / 3},
        "proactive": {"hits": 1, "total": 3, "value": 1 / 3}}}
    assert data["detection_delay"] == {"count": 2, "median_minutes": 5.0, "p90_minutes": 9.0,
                                       "max_minutes": 9.0}
    assert data["incidents"] == [{"brand_id": "B1", "kind": "flood",
                                  "start_time": "2026-01-01T00:00:00Z",
                                  "first_alert_time": None, "delay_minutes": None,
                                  "within_1h": False}]
    assert data["seller_precision"]["value"] is None
    assert orjson.loads(orjson.dumps(data)) == data


def test_model_metrics_default_to_none() -> None:
    assert _figures().to_dict()["model_metrics"] is None
