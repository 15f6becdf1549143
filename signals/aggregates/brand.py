"""Per-brand rolling aggregates: market activity against the brand's own baseline.

Order-independent facts only (counts, distinct sellers, event-time windows, a
price histogram), so live and replay agree. The brand processor compares the
last hour with the brand's own recent hourly rate to spot incidents.

>>> agg = BrandAggregates.create("b1")
>>> for hour in range(48):   # one report on the hour for two days
...     agg.add_report(hour * 3600.0, "buyer", "filed")
>>> round(agg.hourly_baseline("reports_filed", at=48 * 3600.0 - 1), 2)  # 47 in 47 h before
1.0
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from signals.aggregates.reporter import ReporterStats
from signals.aggregates.seller import DAY, HOUR, WEEK
from signals.aggregates.windows import DistinctWindow, WindowCounter
from signals.features.price import QuantileSketch

__all__ = ["BrandAggregates"]

_COUNTERS = ("listings", "reports_filed", "reports_upheld", "risky_listings")
_DISTINCT = ("sellers", "unauthorized_sellers", "risky_sellers", "new_risky_sellers")
#: a seller whose first listing of the brand is at most this old is new to the brand
NEW_SELLER_AGE: Final = HOUR
#: until the brand has been watched this long every seller looks new to it
NEW_SELLER_WARMUP: Final = DAY


def _counter_windows() -> dict[str, dict[str, WindowCounter]]:
    return {name: {"1h": WindowCounter.create(HOUR, 12), "7d": WindowCounter.create(WEEK, 168)}
            for name in _COUNTERS}


def _distinct_windows() -> dict[str, dict[str, DistinctWindow]]:
    return {name: {"1h": DistinctWindow.create(HOUR, 12), "7d": DistinctWindow.create(WEEK, 168)}
            for name in _DISTINCT}


@dataclass(slots=True)
class BrandAggregates:
    brand_id: str
    first_seen: float = 1e18
    newest: float = -1e18
    counters: dict[str, dict[str, WindowCounter]] = field(default_factory=_counter_windows)
    distinct: dict[str, dict[str, DistinctWindow]] = field(default_factory=_distinct_windows)
    prices: dict[str, QuantileSketch] = field(default_factory=dict)
    reporters: dict[str, ReporterStats] = field(default_factory=dict)
    #: earliest listing time of each seller of the brand within the last week (a minimum,
    #: so the same whatever order the listings arrive in)
    seller_first_seen: dict[str, float] = field(default_factory=dict)
    pruned_at: float = -1e18

    @classmethod
    def create(cls, brand_id: str) -> BrandAggregates:
        return cls(brand_id=brand_id)

    def _seen(self, ts: float) -> None:
        # min()/max() by hand (same result): this runs for every brand fact
        if ts < self.first_seen:
            self.first_seen = ts
        if ts > self.newest:
            self.newest = ts

    def _count(self, name: str, ts: float) -> None:
        for w in self.counters[name].values():
            w.add(ts)

    def _distinct(self, name: str, ts: float, value: str) -> None:
        for w in self.distinct[name].values():
            w.add(ts, value)

    def add_listing(self, ts: float, seller_id: str, *, authorized: bool | None,
                    risky: bool) -> None:
        self._seen(ts)
        self._count("listings", ts)
        self._distinct("sellers", ts, seller_id)
        first = min(ts, self.seller_first_seen.get(seller_id, ts))
        self.seller_first_seen[seller_id] = first
        self._prune_sellers()
        if authorized is False:
            self._distinct("unauthorized_sellers", ts, seller_id)
        if risky:
            self._count("risky_listings", ts)
            self._distinct("risky_sellers", ts, seller_id)
            if ts - first <= NEW_SELLER_AGE and ts - self.first_seen >= NEW_SELLER_WARMUP:
                # a wave of sellers new to the brand is what a counterfeit flood looks like;
                # the brand's regular bad actors bursting together is not
                self._distinct("new_risky_sellers", ts, seller_id)

    def _prune_sellers(self) -> None:
        if self.newest - self.pruned_at < DAY:
            return
        self.pruned_at = self.newest
        floor = self.newest - WEEK
        self.seller_first_seen = {s: t for s, t in self.seller_first_seen.items() if t >= floor}

    def add_price(self, price: float, currency: str) -> None:
        """A price from a listing that looks genuine (authorized or low risk)."""
        sketch = self.prices.get(currency)
        if sketch is None:
            sketch = self.prices[currency] = QuantileSketch()
        sketch.add(price)

    def add_report(self, ts: float, reporter: str, status: str) -> None:
        self._seen(ts)
        self.reporters.setdefault(reporter, ReporterStats()).record(status)
        if status == "filed":
            self._count("reports_filed", ts)
        elif status == "upheld":
            self._count("reports_upheld", ts)

    def last_hour_at_most(self, name: str, at: float) -> float:
        """An upper bound of :meth:`last_hour`, cheaper for distinct counts (values are
        counted once per bucket they appear in: the per-bucket sum).

        >>> agg = BrandAggregates.create("b1")
        >>> agg.add_listing(0.0, "s1", authorized=False, risky=True)
        >>> agg.add_listing(600.0, "s1", authorized=False, risky=True)
        >>> agg.last_hour("sellers", 600.0), agg.last_hour_at_most("sellers", 600.0)
        (1.0, 2.0)
        """
        if name in self.counters:
            return float(self.counters[name]["1h"].total(at))
        return float(self.distinct[name]["1h"].bucket_total(at))

    def last_hour(self, name: str, at: float) -> float:
        if name in self.counters:
            return float(self.counters[name]["1h"].total(at))
        return float(self.distinct[name]["1h"].distinct(at))

    def hourly_baseline(self, name: str, at: float) -> float:
        """Mean hourly value over the brand's history (up to 7 d) before the last hour."""
        history_hours = max(1.0, min(WEEK, at - self.first_seen) / HOUR - 1.0)
        if name in self.counters:
            total = float(self.counters[name]["7d"].total(at))
        else:
            # the week window's buckets are hours: distinct per hour, summed
            total = float(self.distinct[name]["7d"].bucket_total(at))
        return max(0.0, total - self.last_hour(name, at)) / history_hours

    def reference_price(self, currency: str, min_samples: int = 5) -> float | None:
        sketch = self.prices.get(currency)
        if sketch is None or sketch.count < min_samples:
            return None
        return sketch.quantile(0.5)

    def reliability(self, reporter: str) -> float:
        return self.reporters.get(reporter, ReporterStats()).reliability()

    def summary(self, at: float) -> dict[str, Any]:
        return {
            "brand_id": self.brand_id,
            "counts_1h": {n: self.last_hour(n, at) for n in (*_COUNTERS, *_DISTINCT)},
            "counts_7d": {**{n: self.counters[n]["7d"].total(at) for n in _COUNTERS},
                          **{n: self.distinct[n]["7d"].distinct(at) for n in _DISTINCT}},
            "reference_prices": {c: self.reference_price(c) for c in sorted(self.prices)},
            "reporters": {r: s.to_dict() for r, s in sorted(self.reporters.items())},
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "brand_id": self.brand_id, "first_seen": self.first_seen, "newest": self.newest,
            "counters": {n: {k: w.to_dict() for k, w in ws.items()}
                         for n, ws in self.counters.items()},
            "distinct": {n: {k: w.to_dict() for k, w in ws.items()}
                         for n, ws in self.distinct.items()},
            "prices": {c: s.to_dict() for c, s in self.prices.items()},
            "reporters": {r: s.to_dict() for r, s in self.reporters.items()},
            "seller_first_seen": self.seller_first_seen, "pruned_at": self.pruned_at,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> BrandAggregates:
        return cls(
            brand_id=d["brand_id"], first_seen=d["first_seen"], newest=d["newest"],
            counters={n: {k: WindowCounter.from_dict(w) for k, w in ws.items()}
                      for n, ws in d["counters"].items()},
            distinct={n: {k: DistinctWindow.from_dict(w) for k, w in ws.items()}
                      for n, ws in d["distinct"].items()},
            prices={c: QuantileSketch.from_dict(s) for c, s in d["prices"].items()},
            reporters={r: ReporterStats.from_dict(s) for r, s in d["reporters"].items()},
            seller_first_seen=dict(d.get("seller_first_seen", {})),
            pruned_at=d.get("pruned_at", -1e18),
        )
