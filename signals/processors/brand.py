"""The brand processor: market activity per brand, incidents, and the brand view.

Receives brand facts (keyed by ``brand_id``) from seller processors, keeps the
brand's aggregates, raises incident alerts and publishes a :class:`BrandView`
(learned reference prices, reporter reliability) when it changes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Final

from signals.aggregates.brand import BrandAggregates
from signals.aggregates.dedup import Deduplicator
from signals.contract.timefmt import format_rfc3339
from signals.features.listing import BrandView
from signals.policy.brand import brand_incident
from signals.policy.config import PolicyConfig
from signals.policy.severity import remember_alert, should_alert
from signals.processors.messages import BrandListingFact, BrandReportFact
from signals.processors.outputs import Outputs

__all__ = ["BrandState", "process_brand"]

#: a listing below this score is treated as genuine for learning the reference price
GENUINE_SCORE: Final = 0.2


@dataclass(slots=True)
class BrandState:
    brand_id: str
    aggregates: BrandAggregates
    dedup: Deduplicator = field(default_factory=Deduplicator)
    severity: str | None = None
    alerted_at: float | None = None
    view: BrandView | None = None
    raised: dict[str, int] = field(default_factory=dict)
    latest_alert: dict[str, Any] | None = None

    @classmethod
    def create(cls, brand_id: str) -> BrandState:
        return cls(brand_id=brand_id, aggregates=BrandAggregates.create(brand_id))

    def to_dict(self) -> dict[str, Any]:
        view = None if self.view is None else dataclasses.asdict(self.view)
        return {"brand_id": self.brand_id, "aggregates": self.aggregates.to_dict(),
                "dedup": self.dedup.to_dict(), "severity": self.severity,
                "alerted_at": self.alerted_at, "view": view, "raised": self.raised,
                "latest_alert": self.latest_alert}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> BrandState:
        view = None if d["view"] is None else BrandView(**d["view"])
        return cls(d["brand_id"], BrandAggregates.from_dict(d["aggregates"]),
                   Deduplicator.from_dict(d["dedup"]), d["severity"], d["alerted_at"], view,
                   dict(d.get("raised", {})), d.get("latest_alert"))


def process_brand(state: BrandState, fact: BrandListingFact | BrandReportFact,
                  policy: PolicyConfig, now: float) -> tuple[Outputs, BrandView | None]:
    """Apply a fact; returns outputs and the new brand view when it changed."""
    if not state.dedup.first_time(fact.fact_id, fact.ts):
        return Outputs(duplicate=True), None
    agg = state.aggregates
    if isinstance(fact, BrandListingFact):
        agg.add_listing(fact.ts, fact.seller_id, authorized=fact.authorized, risky=fact.risky)
        unknown_but_clean = fact.authorized is None and fact.score < GENUINE_SCORE
        genuine = fact.authorized is True or unknown_but_clean
        view_changed = False
        if genuine and fact.price is not None and fact.currency is not None:
            agg.add_price(fact.price, fact.currency)
            view_changed = True
        # only a risky or unauthorized listing can start a surge of the listing signals
        may_surge = fact.risky or fact.authorized is False
    else:
        agg.add_report(fact.ts, fact.reporter, fact.status)
        may_surge = fact.status != "rejected"
        view_changed = fact.status != "filed"  # a decision moves the reporter's reliability
    out = Outputs()
    # Judged as of the newest fact seen, not this fact's own time: facts from different
    # seller partitions reach a brand in no fixed order within an epoch, and "the last
    # hour" as of an older fact would miss the newer ones already counted. In time order
    # (replay of an ordered file) the two are the same.
    at = agg.newest
    found = brand_incident(agg, at, policy, (fact.event_id, fact.event_time),
                           state.raised) if may_surge else None
    if found is not None:
        alert, _score = found
        if should_alert(state.severity, state.alerted_at, alert.severity, at,
                        policy.brand_cooldown):
            remember_alert(state, alert, at)
            out.alerts.append(dataclasses.replace(alert, created_at=format_rfc3339(now)))
    return out, _refresh_view(state) if view_changed or state.view is None else None


def _refresh_view(state: BrandState) -> BrandView | None:
    agg = state.aggregates
    prices = {c: round(p, 2) for c in sorted(agg.prices)
              if (p := agg.reference_price(c)) is not None}
    reliability = {r: round(agg.reliability(r), 3) for r in sorted(agg.reporters)}
    view = BrandView(state.brand_id, prices, reliability)
    if view == state.view:
        return None  # unchanged: nothing to publish
    state.view = view
    return view
