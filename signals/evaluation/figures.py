"""The figures an evaluation produces, and their plain JSON form.

Records only: :func:`signals.evaluation.detection.evaluate` computes them, and its module
docstring states the rules (what counts as a hit, proactive, a detected
incident). Every ratio is a :class:`Share` carrying its counts, with ``value``
``None`` when there is nothing to divide by, so the JSON never holds NaN.

>>> Share(3, 4).value, Share(0, 0).value
(0.75, None)
>>> _plain({"listing": TacticRecall(Share(1, 2), Share(0, 2))})
{'listing': {'recall': {'hits': 1, 'total': 2, 'value': 0.5}, \
'proactive': {'hits': 0, 'total': 2, 'value': 0.0}}}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["DelayFigures", "Figures", "IncidentFigure", "ReliabilityBin", "Share",
           "TacticRecall"]


@dataclass(frozen=True, slots=True)
class Share:
    """``hits`` out of ``total``; :attr:`value` is ``None`` when ``total`` is 0."""

    hits: int
    total: int

    @property
    def value(self) -> float | None:
        return self.hits / self.total if self.total else None

    def to_dict(self) -> dict[str, Any]:
        return {"hits": self.hits, "total": self.total, "value": self.value}


@dataclass(frozen=True, slots=True)
class TacticRecall:
    """Infringing listings of one tactic: alerted at all, and alerted before any report."""

    recall: Share
    proactive: Share


@dataclass(frozen=True, slots=True)
class DelayFigures:
    """Minutes from listing creation to its first alert, over infringing listings alerted."""

    count: int
    median_minutes: float | None
    p90_minutes: float | None
    max_minutes: float | None


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    """Alerted listings whose highest alert score fell in ``[low, high)``: their mean
    score against the share that infringe (calibration: the two should be close)."""

    low: float
    high: float
    mean_score: float | None
    infringing: Share


@dataclass(frozen=True, slots=True)
class IncidentFigure:
    """One truth incident and the first brand alert for its brand at or after its start."""

    brand_id: str
    kind: str
    start_time: str
    first_alert_time: str | None
    delay_minutes: float | None
    within_1h: bool


@dataclass(frozen=True, slots=True)
class Figures:
    """Everything :func:`signals.evaluation.detection.evaluate` measures; its module docstring
    gives the rules."""

    events: int
    alerts: int
    duplicate_alerts: int
    malformed_alerts: int
    alerts_per_1000_events: float | None
    alerts_by_entity_type: Mapping[str, int]
    alerts_by_severity: Mapping[str, int]
    proactive_recall: Share
    listing_recall: Share
    recall_by_tactic: Mapping[str, TacticRecall]
    listing_precision: Share
    false_positives_by_tactic: Mapping[str, Share]
    unknown_listings_flagged: int
    seller_precision: Share
    seller_recall: Share
    seller_recall_by_kind: Mapping[str, Share]
    false_positives_by_seller_kind: Mapping[str, Share]
    unknown_sellers_flagged: int
    detection_delay: DelayFigures
    incidents: tuple[IncidentFigure, ...]
    incidents_detected_within_1h: Share
    false_incident_alerts: int
    model_metrics: Mapping[str, float | int] | None = None
    #: per severity: distinct listings alerted at that severity, share infringing
    listing_precision_by_severity: Mapping[str, Share] = field(default_factory=dict)
    #: per severity: distinct sellers alerted at that severity, share bad
    seller_precision_by_severity: Mapping[str, Share] = field(default_factory=dict)
    #: sellers named by any listing or seller alert, share bad
    implicated_sellers_bad: Share = field(default_factory=lambda: Share(0, 0))
    #: honest sellers with a seller alert, per kind; and those with a critical one
    honest_sellers_alerted: Mapping[str, int] = field(default_factory=dict)
    honest_sellers_critical: Mapping[str, int] = field(default_factory=dict)
    #: calibration of listing alert scores against the truth
    reliability: tuple[ReliabilityBin, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (orjson-serialisable); shares carry their counts."""
        return {name: _plain(getattr(self, name)) for name in self.__dataclass_fields__}


def _plain(value: Any) -> Any:
    if isinstance(value, Share):
        return value.to_dict()
    if isinstance(value, TacticRecall):
        return {"recall": value.recall.to_dict(), "proactive": value.proactive.to_dict()}
    if isinstance(value, ReliabilityBin):
        return {"low": value.low, "high": value.high, "mean_score": value.mean_score,
                "infringing": value.infringing.to_dict()}
    if isinstance(value, DelayFigures | IncidentFigure):
        return asdict(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value
