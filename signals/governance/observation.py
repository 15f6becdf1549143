"""What governance sees of one scored listing: the champion's score, the challenger's
shadow score, and the inputs drift and segment figures are made of.

Built by the seller processor only when its Context asks for observations
(``observe``): off in a plain replay, on in the worker and in ``evaluate``. The
challenger scores the same feature vector with the same rule floor; it reads the
model only, so the champion's outputs are the same with or without it.
"""

from __future__ import annotations

from dataclasses import dataclass

from signals.contract.events import ListingEvent
from signals.features.listing import Evidence
from signals.model.online import RiskModel
from signals.model.score import ModelScore
from signals.policy.listing import with_rule_floor

__all__ = ["ScoredListing", "observe_listing"]


@dataclass(frozen=True, slots=True)
class ScoredListing:
    """One listing as scored (champion) and shadow-scored (challenger, if any)."""

    event: ListingEvent
    brand_id: str | None
    listing_level: bool
    probability: float
    version: str
    alerted: bool
    #: price over the brand's reference price (None: no brand or no reference)
    price_ratio: float | None
    shadow_probability: float | None
    shadow_version: str | None


def observe_listing(ev: ListingEvent, x: dict[str, float], evidence: Evidence,
                    scored: ModelScore, alerted: bool, version: str,
                    shadow: RiskModel | None, rule_floor: float) -> ScoredListing:
    """The observation of one scored listing (the shadow model scores it here)."""
    shadow_probability = shadow_version = None
    if shadow is not None:
        shadow_probability = with_rule_floor(shadow.score_one(x), evidence, rule_floor).probability
        shadow_version = shadow.version
    return ScoredListing(ev, evidence.brand_id, evidence.listing_level, scored.probability,
                         version, alerted, evidence.price_ratio, shadow_probability,
                         shadow_version)
