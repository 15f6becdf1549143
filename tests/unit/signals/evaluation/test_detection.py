"""Detection evaluation on small hand-built worlds whose figures are worked out by hand."""

from __future__ import annotations

import math
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
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
from streams.cli.main import main

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def at(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def listing(seller: str, tactic: str, infringing: bool) -> dict[str, Any]:
    return {"seller_id": seller, "brand_id": "B1", "infringing": infringing,
            "tactic": tactic, "created_time": at(0)}


def alert(alert_id: str, entity_type: str, entity_id: str, minutes: float,
          severity: str = "high", **context: str | None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "schema": "alert.v1", "alert_id": alert_id, "entity_type": entity_type,
        "entity_id": entity_id, "listing_id": None, "seller_id": None, "brand_id": None,
        "score": 0.9, "severity": severity, "reasons": [{"code": "X", "message": "x"}],
        "model_version": "test", "trigger_event_id": f"e-{alert_id}",
        "trigger_event_time": at(minutes), "created_at": at(minutes)}
    record.update(context)
    if entity_type == "listing":
        record["listing_id"] = entity_id
    return record


def filed(listing_id: str, minutes: float, status: str = "filed") -> str:
    return orjson.dumps({"schema": "report.v1", "event_id": f"r-{listing_id}-{minutes}",
                         "event_time": at(minutes), "report_id": f"rep-{listing_id}",
                         "listing_id": listing_id, "seller_id": "S", "reporter": "buyer",
                         "reason": "counterfeit", "status": status}).decode()


TRUTH: dict[str, Any] = {
    "generator": "brandguard-sim/1", "seed": 1, "scenario": "test", "days": 1.0,
    "start_time": at(0),
    "listings": {
        "L1": listing("S1", "blatant_fake", True),
        "L2": listing("S2", "subtle_fake", True),
        "L3": listing("S3", "copycat", True),
        "L4": listing("S1", "blatant_fake", True),
        "G1": listing("H1", "genuine", False),
        "G2": listing("GM1", "gray_market", False),
        "G3": listing("GM1", "gray_market", False),
    },
    "sellers": {
        "S1": {"kind": "blatant_counterfeiter", "bad": True},
        "S2": {"kind": "subtle_counterfeiter", "bad": True},
        "S3": {"kind": "copycat", "bad": True},
        "H1": {"kind": "honest", "bad": False},
        "GM1": {"kind": "gray_market", "bad": False},
    },
    "incidents": [
        {"brand_id": "B1", "kind": "counterfeit_flood", "start_time": at(60), "sellers": ["S1"]},
        {"brand_id": "B2", "kind": "counterfeit_flood", "start_time": at(120), "sellers": []},
    ],
    "bad_records": {}, "duplicates": 0, "events": 0,
}

EVENT_LINES = [
    filed("L2", 10),  # before L2's alert: L2 is found but not proactively
    filed("L1", 30),
    filed("L1", 3, status="upheld"),  # a decision is not a filing
    "",
    "{not json",
    '{"schema":"listing.v1","event_id":"x","event_time":"' + at(0) + '"}',
]

ALERTS = [
    alert("a1", "listing", "L1", 5, "critical"),
    alert("a1", "listing", "L1", 5, "critical"),  # redelivery
    alert("a2", "listing", "L2", 20),
    alert("a3", "listing", "L3", 60, "medium"),
    alert("a3b", "listing", "L3", 90, "low"),  # later alerts do not change the first
    alert("a4", "listing", "G2", 15, "low"),
    alert("a5", "listing", "X9", 15, "low"),  # not in truth
    alert("a6", "seller", "S4-unknown", 15, listing_id="L4"),  # context does not find L4
    alert("s1", "seller", "S1", 10),
    alert("s2", "seller", "S2", 10),
    alert("s3", "seller", "H1", 10),
    alert("b0", "brand", "B1", -60, brand_id="B1"),  # before the incident: not a detection
    alert("b1", "brand", "B1", 90, brand_id="B1"),
    alert("b2", "brand", "B2", 200, brand_id="B2"),
    alert("b3", "brand", "B9", 50, brand_id="B9"),
]


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


def test_table_lists_every_figure(figures: Figures) -> None:
    table = format_table(figures)
    for label in ("proactive recall", "50.0%  (2/4)", "listing precision", "60.0%  (3/5)",
                  "seller recall", "median 20.0 min", "p90 60.0 min", "within 1h", "late",
                  "log_loss", "flagged gray_market"):
        assert label in table
    assert all(len(line) < 160 for line in table.splitlines())


def _write_inputs(tmp_path: Path) -> tuple[Path, Path, Path]:
    events, truth, alerts = (tmp_path / name for name in
                             ("events.jsonl", "truth.json", "alerts.jsonl"))
    events.write_text("\n".join(EVENT_LINES) + "\n", encoding="utf-8")
    truth.write_bytes(orjson.dumps(TRUTH))
    alerts.write_bytes(b"\n".join(orjson.dumps(a) for a in ALERTS) + b"\n\n")
    return events, truth, alerts


def test_cli_scores_given_alerts_and_writes_json(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events, truth, alerts = _write_inputs(tmp_path)
    out = tmp_path / "figures.json"
    code = main(["evaluate", "--events", str(events), "--truth", str(truth),
                 "--alerts", str(alerts), "--json", str(out)])
    assert code == 0
    assert "proactive recall" in capsys.readouterr().out
    expected = evaluate(TRUTH, ALERTS, summarize_events(EVENT_LINES)).to_dict()
    assert orjson.loads(out.read_bytes()) == orjson.loads(orjson.dumps(expected))


def test_cli_reports_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events, truth, _ = _write_inputs(tmp_path)
    code = main(["evaluate", "--events", str(events), "--truth", str(truth),
                 "--alerts", str(tmp_path / "absent.jsonl")])
    assert code == 2
    assert "absent.jsonl" in capsys.readouterr().err


def test_alerts_without_an_id_are_deduplicated_by_content() -> None:
    first = alert("x", "seller", "S1", 10) | {"alert_id": None}
    again = dict(first)
    odd_id = alert("y", "seller", "S2", 10) | {"alert_id": ["not", "a", "string"]}
    result = evaluate(TRUTH, [first, again, odd_id], EventsSummary(events=1))
    assert (result.alerts, result.duplicate_alerts) == (2, 1)
    assert result.seller_recall.hits == 2


def test_cli_without_alerts_scores_what_the_replay_raised(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    events, truth, _ = _write_inputs(tmp_path)
    calls: list[Path] = []

    def fake_replay(events_path: Path, alerts_path: Path, deadletter_path: Path, *,
                    progress: bool) -> SimpleNamespace:
        calls.append(events_path)
        alerts_path.write_bytes(b"\n".join(orjson.dumps(a) for a in ALERTS[:3]) + b"\n")
        deadletter_path.write_bytes(b"")
        return SimpleNamespace(events=5, model_metrics={"labels": 2, "auc": 0.5})

    fake = SimpleNamespace(replay_file=fake_replay)
    monkeypatch.setitem(sys.modules, "streams.cli.replay", fake)
    # `import streams.cli.replay as replay` reads the package's attribute once the real
    # module has been imported (by an earlier test): replace that too
    import streams.cli
    monkeypatch.setattr(streams.cli, "replay", fake, raising=False)
    out = tmp_path / "figures.json"
    assert main(["evaluate", "--events", str(events), "--truth", str(truth),
                 "--json", str(out)]) == 0
    assert calls == [events]
    data = orjson.loads(out.read_bytes())
    assert data["model_metrics"] == {"labels": 2, "auc": 0.5}
    assert (data["alerts"], data["duplicate_alerts"]) == (2, 1)
    assert "auc" in capsys.readouterr().out


def test_cli_with_the_real_replay(tmp_path: Path) -> None:
    pytest.importorskip("streams.cli.replay")
    events, truth, _ = _write_inputs(tmp_path)
    out = tmp_path / "figures.json"
    assert main(["evaluate", "--events", str(events), "--truth", str(truth),
                 "--json", str(out)]) == 0
    data = orjson.loads(out.read_bytes())
    assert data["events"] == 5
    assert isinstance(data["model_metrics"], dict)


@pytest.mark.parametrize("content", [b"{truncated", b"[1, 2]"])
def test_cli_rejects_unusable_truth(tmp_path: Path, content: bytes,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    events, truth, alerts = _write_inputs(tmp_path)
    truth.write_bytes(content)
    assert main(["evaluate", "--events", str(events), "--truth", str(truth),
                 "--alerts", str(alerts)]) == 2
    assert "truth.json" in capsys.readouterr().err


def test_figures_on_a_simulated_replay_are_consistent(tmp_path: Path) -> None:
    """On real simulator output and replay alerts, the figures must agree with each other."""
    pytest.importorskip("streams.cli.replay")
    from signals.evaluation.simulator.generate import simulate
    from signals.evaluation.simulator.scenarios import scenario_config

    sim = simulate(scenario_config("brand_flood", seed=5, days=1.0, scale=0.3))
    events, truth, out = tmp_path / "e.jsonl", tmp_path / "t.json", tmp_path / "f.json"
    events.write_bytes(b"".join(line + b"\n" for line in sim.lines))
    truth.write_bytes(orjson.dumps(sim.truth))
    assert main(["evaluate", "--events", str(events), "--truth", str(truth),
                 "--json", str(out)]) == 0
    f = orjson.loads(out.read_bytes())
    infringing = [r for r in sim.truth["listings"].values() if r["infringing"]]
    assert f["events"] == sum(1 for line in sim.lines if line.strip())
    assert f["listing_recall"]["total"] == len(infringing)
    assert f["proactive_recall"]["hits"] <= f["listing_recall"]["hits"]
    assert f["listing_precision"]["hits"] == f["listing_recall"]["hits"]
    assert sum(t["recall"]["hits"] for t in f["recall_by_tactic"].values()) == (
        f["listing_recall"]["hits"])
    flagged_negatives = sum(s["hits"] for s in f["false_positives_by_tactic"].values())
    assert (f["listing_precision"]["hits"] + flagged_negatives + f["unknown_listings_flagged"]
            == f["listing_precision"]["total"])
    assert f["seller_precision"]["hits"] == f["seller_recall"]["hits"]
    assert sum(f["alerts_by_entity_type"].values()) == f["alerts"]
    assert sum(f["alerts_by_severity"].values()) == f["alerts"]
    assert len(f["incidents"]) == len(sim.truth["incidents"]) == 1
    assert f["listing_recall"]["hits"] > 0  # the run actually raised listing alerts
