"""State of the seller processor: aggregates plus what scoring and labels need.

``SellerAggregates`` holds the order-independent numbers; the rest here is
risk state (snapshots, open reports, alerts raised) bounded per seller.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from signals.aggregates.dedup import Deduplicator
from signals.aggregates.seller import SellerAggregates
from signals.eventtime.epochs import earliest
from signals.features.vector import FEATURE_SET, FeatureVector, restore, stored, unpack
from signals.processors.fielddict import field_dict

__all__ = ["ListingSnapshot", "PendingReport", "SellerState"]


@dataclass(slots=True)
class ListingSnapshot:
    """A listing as it was last scored: the features a later label must train on."""

    listing_id: str
    scored_at: float
    brand_id: str | None
    #: signals.features.vector: what the model was given, kept compact (a seller keeps
    #: one per listing, up to max_listings)
    features: FeatureVector
    score: float
    severity: str | None = None
    alerted_at: float | None = None
    first_report_at: float | None = None
    removed: bool = False
    #: alerts raised per severity: the next one's occurrence number in its id
    raised: dict[str, int] = field(default_factory=dict)
    #: the latest alert's summary (signals.contract.alert.alert_summary), for analysts
    latest_alert: dict[str, Any] | None = None

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, listing_id: str, scored_at: float, brand_id: str | None,
                 features: FeatureVector, score: float, severity: str | None = None,
                 alerted_at: float | None = None, first_report_at: float | None = None,
                 removed: bool = False, raised: dict[str, int] | None = None,
                 latest_alert: dict[str, Any] | None = None) -> None:
        self.listing_id = listing_id
        self.scored_at = scored_at
        self.brand_id = brand_id
        self.features = features
        self.score = score
        self.severity = severity
        self.alerted_at = alerted_at
        self.first_report_at = first_report_at
        self.removed = removed
        self.raised = {} if raised is None else raised
        self.latest_alert = latest_alert

    def feature_dict(self) -> dict[str, float]:
        """The features as scored, ``{name: value}`` (a new dict)."""
        return unpack(self.features)

    def to_row(self) -> list[Any]:
        """The snapshot without its id (the key it is stored under), positionally:
        a seller serialises every snapshot it keeps at each write."""
        return [self.scored_at, self.brand_id, stored(self.features), self.score,
                self.severity, self.alerted_at, self.first_report_at, self.removed,
                self.raised, self.latest_alert]

    @classmethod
    def from_row(cls, listing_id: str, row: list[Any] | dict[str, Any],
                 feature_set: str) -> ListingSnapshot:
        """Read :meth:`to_row`, or the ``{field: value}`` dict stored before rows."""
        if isinstance(row, dict):
            return cls(**{**row, "features": restore(row["features"], feature_set)})
        (scored_at, brand_id, features, score, severity, alerted_at, first_report_at,
         removed, raised, latest_alert) = row
        return cls(listing_id, scored_at, brand_id, restore(features, feature_set), score,
                   severity, alerted_at, first_report_at, removed, raised, latest_alert)


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

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, report_id: str, listing_id: str, reporter: str, brand_id: str | None,
                 filed_at: float, weight: float, features: dict[str, float] | None,
                 score: float | None, scored_at: float | None) -> None:
        self.report_id = report_id
        self.listing_id = listing_id
        self.reporter = reporter
        self.brand_id = brand_id
        self.filed_at = filed_at
        self.weight = weight
        self.features = features
        self.score = score
        self.scored_at = scored_at


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
    #: phash -> [{seller: [first used, flagged since]}, stock photo since]
    network: dict[str, list[Any]] = field(default_factory=dict)
    flagged: bool = False
    #: open listings whose last score is at or above the listing threshold
    risky: set[str] = field(default_factory=set)
    severity: str | None = None
    alerted_at: float | None = None
    raised: dict[str, int] = field(default_factory=dict)
    latest_alert: dict[str, Any] | None = None
    #: (after, until, sharing, flagged): network_counts() for every cutoff in (after, until],
    #: until merge_network(); not serialised
    counted_network: tuple[float, float, int, int] | None = field(default=None, compare=False,
                                                           repr=False)
    #: ``phashes`` as a set (None: to build); not serialised
    phash_set: set[str] | None = field(default=None, compare=False, repr=False)
    #: price / reference of the newest branded listings created (price consistency)
    price_ratios: list[float] = field(default_factory=list)

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, seller_id: str, aggregates: SellerAggregates,
                 dedup: Deduplicator | None = None,
                 listings: dict[str, ListingSnapshot] | None = None,
                 reports: dict[str, PendingReport] | None = None, report_weight: float = 0.0,
                 upheld_weight: float = 0.0, phashes: list[str] | None = None,
                 network: dict[str, list[Any]] | None = None, flagged: bool = False,
                 risky: set[str] | None = None, severity: str | None = None,
                 alerted_at: float | None = None, raised: dict[str, int] | None = None,
                 latest_alert: dict[str, Any] | None = None,
                 counted_network: tuple[float, float, int, int] | None = None,
                 phash_set: set[str] | None = None,
                 price_ratios: list[float] | None = None) -> None:
        self.seller_id = seller_id
        self.aggregates = aggregates
        self.dedup = Deduplicator() if dedup is None else dedup
        self.listings = {} if listings is None else listings
        self.reports = {} if reports is None else reports
        self.report_weight = report_weight
        self.upheld_weight = upheld_weight
        self.phashes = [] if phashes is None else phashes
        self.network = {} if network is None else network
        self.flagged = flagged
        self.risky = set() if risky is None else risky
        self.severity = severity
        self.alerted_at = alerted_at
        self.raised = {} if raised is None else raised
        self.latest_alert = latest_alert
        self.counted_network = counted_network
        self.phash_set = phash_set
        self.price_ratios = [] if price_ratios is None else price_ratios

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

    def merge_network(self, phash: str, members: Iterable[tuple[str, float, float | None]],
                      stock_since: float | None) -> None:
        """Fold in news from the image processor: earliest times win, so the order
        (and number) of deliveries does not matter."""
        entry = self.network.get(phash)
        known: dict[str, list[Any]] = entry[0] if entry else {}
        stock: float | None = entry[1] if entry else None
        for seller, first, flagged in members:
            old = known.get(seller)
            if old is None:
                known[seller] = [first, flagged]
                continue
            old[0] = min(old[0], first)
            old[1] = earliest(old[1], flagged)
        self.network[phash] = [known, earliest(stock, stock_since)]
        self.counted_network = None

    def network_counts(self, before: float) -> tuple[int, int]:
        """Distinct other sellers sharing an image with this one, and how many of them
        are flagged, counting only links that formed before ``before``.

        The seller processor passes the start of the current event's epoch: live,
        news of a link formed in this epoch may or may not have arrived yet, and
        waiting for the previous epoch's news is what the worker guarantees.

        >>> s = SellerState.create("a")
        >>> s.merge_network("h", [("a", 10.0, None), ("b", 20.0, 30.0)], None)
        >>> s.network_counts(15.0), s.network_counts(25.0), s.network_counts(35.0)
        ((0, 0), (1, 0), (1, 1))
        """
        cached = self.counted_network
        if cached is not None and cached[0] < before <= cached[1]:
            return cached[2], cached[3]  # every seller signal asks; the network rarely moves
        sharing: set[str] = set()
        flagged: set[str] = set()
        # The counts change only where the cutoff passes a time it is compared with, so they
        # hold for every cutoff in (after, until]: the latest time below it, the first not.
        after, until = -math.inf, math.inf
        for members, stock in self.network.values():
            mine = members.get(self.seller_id)
            if mine is None:
                continue  # not ours
            joined: float = mine[0]
            if joined >= before:
                until = min(until, joined)
                continue  # not ours yet
            after = max(after, joined)
            if stock is not None:
                if stock < before:
                    after = max(after, stock)
                    continue  # a stock photo by now
                until = min(until, stock)
            for other, (first, since_flagged) in members.items():
                if other == self.seller_id:
                    continue
                linked = max(joined, first)
                if linked >= before:
                    until = min(until, linked)
                    continue
                after = max(after, linked)
                sharing.add(other)
                if since_flagged is not None:
                    both = max(linked, since_flagged)
                    if both < before:
                        after = max(after, both)
                        flagged.add(other)
                    else:
                        until = min(until, both)
        self.counted_network = (after, until, len(sharing), len(flagged))
        return len(sharing), len(flagged)

    def to_dict(self) -> dict[str, Any]:
        return {
            "seller_id": self.seller_id, "aggregates": self.aggregates.to_dict(),
            "dedup": self.dedup.to_dict(),
            "feature_set": FEATURE_SET,
            "listings": {k: v.to_row() for k, v in self.listings.items()},
            "reports": {k: field_dict(v) for k, v in self.reports.items()},
            "report_weight": self.report_weight, "upheld_weight": self.upheld_weight,
            "phashes": self.phashes, "network": self.network, "flagged": self.flagged,
            "risky": sorted(self.risky), "severity": self.severity, "alerted_at": self.alerted_at,
            "raised": self.raised, "latest_alert": self.latest_alert,
            "price_ratios": self.price_ratios,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SellerState:
        written_by = d.get("feature_set", FEATURE_SET)
        return cls(
            seller_id=d["seller_id"], aggregates=SellerAggregates.from_dict(d["aggregates"]),
            dedup=Deduplicator.from_dict(d["dedup"]),
            listings={k: ListingSnapshot.from_row(k, v, written_by)
                      for k, v in d["listings"].items()},
            reports={k: PendingReport(**v) for k, v in d["reports"].items()},
            report_weight=d["report_weight"], upheld_weight=d["upheld_weight"],
            phashes=list(d["phashes"]),
            network={k: [{s: list(t) for s, t in m.items()}, stock]
                     for k, (m, stock) in d["network"].items()},
            flagged=d["flagged"], risky=set(d["risky"]), severity=d["severity"],
            alerted_at=d["alerted_at"], raised=dict(d.get("raised", {})),
            latest_alert=d.get("latest_alert"),
            price_ratios=[float(r) for r in d.get("price_ratios", ())],
        )
