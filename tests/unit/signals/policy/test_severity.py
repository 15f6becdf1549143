"""Severities from scores, the cool-down and escalation rule, and the alert history."""

from __future__ import annotations

import pytest

from signals.contract.alert import Alert, Reason, severity_rank
from signals.features.vector import pack
from signals.policy.severity import THRESHOLDS, remember_alert, severity_for, should_alert
from signals.processors.seller_state import ListingSnapshot


@pytest.mark.parametrize(("score", "severity"), [
    (1.0, "critical"), (0.95, "critical"), (0.9499, "high"), (0.85, "high"), (0.7, "medium"),
    (0.69, "low"), (0.55, "low"), (0.5499, None), (0.0, None)])
def test_each_threshold_is_the_lowest_score_of_its_severity(score: float,
                                                            severity: str | None) -> None:
    assert severity_for(score) == severity


def test_thresholds_fall_as_severities_fall() -> None:
    scores = [lowest for lowest, _ in THRESHOLDS]
    ranks = [severity_rank(severity) for _, severity in THRESHOLDS]
    assert scores == sorted(scores, reverse=True) and ranks == sorted(ranks, reverse=True)
    assert severity_for(0.9, ((0.8, "low"),)) == "low"


@pytest.mark.parametrize(("previous", "severity", "elapsed", "expected"), [
    ("high", "high", 3599.0, False), ("high", "high", 3600.0, True),
    ("high", "medium", 10_000.0, False), ("low", "critical", 1.0, True)])
def test_the_same_level_waits_for_the_cool_down_and_a_lower_one_never_alerts(
        previous: str, severity: str, elapsed: float, expected: bool) -> None:
    assert should_alert(previous, 100.0, severity, 100.0 + elapsed, 3600.0) is expected


def test_remember_alert_counts_per_severity_and_keeps_the_reasons() -> None:
    snap = ListingSnapshot("L1", 0.0, None, pack({}), 0.9)
    alert = Alert("al_1", "listing", "L1", "L1", "S1", None, 0.9, "high",
                  (Reason("DEEP_STOCK", "Seller offers deep stock."),), "lr1-1", "e1", "t1", "")
    remember_alert(snap, alert, 50.0)
    remember_alert(snap, alert, 60.0)
    assert (snap.severity, snap.alerted_at, snap.raised) == ("high", 60.0, {"high": 2})
    assert snap.latest_alert is not None and snap.latest_alert["codes"] == ["DEEP_STOCK"]
    assert not should_alert(snap.severity, snap.alerted_at, "high", 70.0, 3600.0)
