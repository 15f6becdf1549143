"""A small hand-built world (ground truth, report lines, alerts) whose detection figures
are worked out by hand; shared by the detection and ``brandguard evaluate`` tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

__all__ = ["ALERTS", "EVENT_LINES", "TRUTH", "alert", "at", "filed", "listing"]

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
