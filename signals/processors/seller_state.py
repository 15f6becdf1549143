"""State of the seller processor: aggregates plus what scoring and labels need.

``SellerAggregates`` holds the order-independent numbers; the rest here is
risk state (snapshots, open reports, alerts raised) bounded per seller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from signals.aggregates.dedup import Deduplicator
from signals.aggregates.seller import SellerAggregates

__all__ = ["ListingSnapshot", "PendingReport", "SellerState"]


@dataclass(slots=True)
class ListingSnapshot:
    """A listing as it was last scored: the features a later label must train on."""

    listing_id: str
    scored_at: float
    brand_id: str | None
    features: dict[str, float]
    score: float
    severity: str | None = None
    alerted_at: float | None = None
    first_report_at: float | None = None
    removed: bool = False


@dataclass(slots=True)
class PendingReport:
    """A filed report waiting for its decision, with the listing frozen at filing time."""

    report_id: str
    listing_id: str
    reporter: str
    brand_id: str | None
    filed_at: float
    weight: float
    features: dict[str, float] | None
    score: float | None
    scored_at: float | None


@dataclass(slots=True)
class SellerState:
    seller_id: str
    aggregates: SellerAggregates
    dedup: Deduplicator = field(default_factory=Deduplicator)
    listings: dict[str, ListingSnapshot] = field(default_factory=dict)
    reports: dict[str, PendingReport] = field(default_factory=dict)
    report_weight: float = 0.0
    upheld_weight: float = 0.0
    phashes: list[str] = field(default_factory=list)
    network: dict[str, list[list[str]]] = field(default_factory=dict)
    flagged: bool = False
    #: open listings whose last score is at or above the listing threshold
    risky: set[str] = field(default_factory=set)
    severity: str | None = None
    alerted_at: float | None = None
    #: network_counts() as of the last set_network() (None: to count); not serialised
    counted_network: tuple[int, int] | None = field(default=None, compare=False, repr=False)
    #: ``phashes`` as a set (None: to build); not serialised
    phash_set: set[str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def create(cls, seller_id: str) -> SellerState:
        return cls(seller_id=seller_id, aggregates=SellerAggregates.create(seller_id))

    def known_phashes(self) -> set[str]:
        """The seller's own image hashes, as a set (do not change it)."""
        if self.phash_set is None:
            self.phash_set = set(self.phashes)
        return self.phash_set

    def remember_phashes(self, new: list[str], limit: int) -> None:
        """Add hashes not known yet, keeping the newest ``limit``; write ``phashes`` only
        through this."""
        known = self.known_phashes()
        self.phashes.extend(new)
        known.update(new)
        excess = len(self.phashes) - limit
        if excess > 0:
            known.difference_update(self.phashes[:excess])
            del self.phashes[:excess]

    def set_network(self, phash: str, sharing: list[str], flagged: list[str]) -> None:
        """Who else uses the image ``phash``; write the network only through this."""
        self.network[phash] = [sharing, flagged]
        self.counted_network = None

    def network_counts(self) -> tuple[int, int]:
        """Distinct other sellers sharing any image, and how many of them are flagged."""
        if self.counted_network is not None:
            return self.counted_network  # every seller signal asks; the network rarely moves
        sharing: set[str] = set()
        flagged: set[str] = set()
        for others, bad in self.network.values():
            sharing.update(others)
            flagged.update(bad)
        self.counted_network = (len(sharing), len(flagged))
        return self.counted_network

    def to_dict(self) -> dict[str, Any]:
        return {
            "seller_id": self.seller_id, "aggregates": self.aggregates.to_dict(),
            "dedup": self.dedup.to_dict(),
            "listings": {k: _fields(v) for k, v in self.listings.items()},
            "reports": {k: _fields(v) for k, v in self.reports.items()},
            "report_weight": self.report_weight, "upheld_weight": self.upheld_weight,
            "phashes": self.phashes, "network": self.network, "flagged": self.flagged,
            "risky": sorted(self.risky), "severity": self.severity, "alerted_at": self.alerted_at,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SellerState:
        return cls(
            seller_id=d["seller_id"], aggregates=SellerAggregates.from_dict(d["aggregates"]),
            dedup=Deduplicator.from_dict(d["dedup"]),
            listings={k: ListingSnapshot(**v) for k, v in d["listings"].items()},
            reports={k: PendingReport(**v) for k, v in d["reports"].items()},
            report_weight=d["report_weight"], upheld_weight=d["upheld_weight"],
            phashes=list(d["phashes"]),
            network={k: [list(a), list(b)] for k, (a, b) in d["network"].items()},
            flagged=d["flagged"], risky=set(d["risky"]), severity=d["severity"],
            alerted_at=d["alerted_at"],
        )


def _fields(obj: ListingSnapshot | PendingReport) -> dict[str, Any]:
    """Shallow field dict: ``dataclasses.asdict`` deep-copies every features dict,
    which made serialising a seller for its table 25x slower."""
    return {name: getattr(obj, name) for name in obj.__slots__}
