"""Tunable alert policy settings, one frozen object passed into the processors."""

from __future__ import annotations

from dataclasses import dataclass

from signals.aggregates.seller import DAY, HOUR

__all__ = ["PolicyConfig"]


@dataclass(frozen=True, slots=True)
class PolicyConfig:
    #: a listing scoring at or above this is "risky" (and alerted at severity low or more)
    listing_threshold: float = 0.6
    #: a listing the rule prior alone scores at or above this keeps at least that score
    rule_floor: float = 0.95
    #: a seller with a listing alert at this score or more is flagged for the image network
    flag_threshold: float = 0.7
    seller_threshold: float = 0.55
    #: seller-network links count from the second epoch (of this many seconds of event
    #: time) after they formed; live, a seller partition waits for every image
    #: partition to have finished the epoch before last
    network_epoch: float = HOUR
    #: ... counting from this many epochs after the one a link formed in (at least 1);
    #: live, more slack lets marks travel while events flow
    network_delay: int = 3
    listing_cooldown: float = 7 * DAY
    seller_cooldown: float = DAY
    brand_cooldown: float = 6 * HOUR
    #: bounds on per-seller state: the oldest entries go first
    max_listings: int = 2000
    max_reports: int = 2000
    max_phashes: int = 200
    report_horizon: float = 60 * DAY
    #: brand incidents: how many risky sellers (or reports) in one hour, against the baseline
    incident_min_sellers: int = 6
    incident_min_new_sellers: int = 3
    incident_min_reports: int = 8
    incident_baseline_factor: float = 4.0
