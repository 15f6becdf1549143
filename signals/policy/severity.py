"""Score thresholds, severities and the cool-down/escalation rule.

>>> severity_for(0.97), severity_for(0.7), severity_for(0.2)
('critical', 'medium', None)
>>> should_alert(previous=None, previous_ts=None, severity="low", ts=0.0, cooldown=3600.0)
True
>>> should_alert("high", 0.0, "high", 600.0, cooldown=3600.0)   # same level inside cool-down
False
>>> should_alert("medium", 0.0, "high", 600.0, cooldown=3600.0)  # escalation breaks through
True
"""

from __future__ import annotations

from typing import Any, Protocol

from signals.contract.alert import Alert, Severity, alert_summary, severity_rank

__all__ = ["THRESHOLDS", "AlertHistory", "remember_alert", "severity_for", "should_alert"]

#: lowest score of each severity, highest first
THRESHOLDS: tuple[tuple[float, Severity], ...] = (
    (0.95, "critical"), (0.85, "high"), (0.7, "medium"), (0.55, "low"),
)


def severity_for(score: float,
                 thresholds: tuple[tuple[float, Severity], ...] = THRESHOLDS) -> Severity | None:
    for lowest, severity in thresholds:
        if score >= lowest:
            return severity
    return None


def should_alert(previous: str | None, previous_ts: float | None, severity: str, ts: float,
                 cooldown: float) -> bool:
    """Alert on a new entity, on escalation, or again at the same level after the cool-down."""
    if previous is None or previous_ts is None:
        return True
    if severity_rank(severity) > severity_rank(previous):
        return True
    return severity_rank(severity) == severity_rank(previous) and ts - previous_ts >= cooldown


class AlertHistory(Protocol):
    """What a listing, seller or brand state keeps of the alerts raised on it."""

    severity: str | None
    alerted_at: float | None
    #: alerts raised per severity: the next one's occurrence number in its id
    raised: dict[str, int]
    latest_alert: dict[str, Any] | None


def remember_alert(history: AlertHistory, alert: Alert, ts: float) -> None:
    """Record an emitted alert: the cool-down, the next id's occurrence and the reasons
    an analyst reads back."""
    history.severity, history.alerted_at = alert.severity, ts
    history.raised[alert.severity] = history.raised.get(alert.severity, 0) + 1
    history.latest_alert = alert_summary(alert)
