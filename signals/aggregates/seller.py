"""Per-seller rolling aggregates: the order-independent facts about a seller.

Everything here is a count, sum, distinct count or event-time window, so the
final value is the same whatever order the seller's listings, orders and
reports arrived in (live Kafka or offline replay). Risk state that depends on
order (scores, alerts) lives in the seller processor, not here.

>>> from signals.contract.events import OrderEvent
>>> agg = SellerAggregates.create("s1")
>>> agg.apply_order(OrderEvent("e1", "t", 0.0, "o1", "l1", "s1", "b1", "placed", 10.0, "USD", 2))
>>> agg.apply_order(OrderEvent("e2", "t", 60.0, "o1", "l1", "s1", "b1", "refunded", 10.0, "USD", 2))
>>> agg.orders["placed"], agg.gmv["USD"], round(agg.problem_order_rate(), 3)
(1, 20.0, 0.233)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from signals.aggregates.windows import DistinctWindow, WindowCounter
from signals.contract.events import ListingEvent, OrderEvent, ReportEvent

__all__ = ["DAY", "HOUR", "WEEK", "SellerAggregates"]

HOUR: Final = 3600.0
DAY: Final = 24 * HOUR
WEEK: Final = 7 * DAY


def _windows() -> dict[str, WindowCounter]:
    return {"1h": WindowCounter.create(HOUR, 12), "24h": WindowCounter.create(DAY, 24),
            "7d": WindowCounter.create(WEEK, 28)}


@dataclass(slots=True)
class SellerAggregates:
    seller_id: str
    first_seen: float = 1e18
    seller_since: float | None = None
    listings_created: dict[str, WindowCounter] = field(default_factory=_windows)
    listings_removed: dict[str, WindowCounter] = field(default_factory=_windows)
    brands_24h: DistinctWindow = field(default_factory=lambda: DistinctWindow.create(DAY, 24))
    brands_7d: DistinctWindow = field(default_factory=lambda: DistinctWindow.create(WEEK, 28))
    listings_total: int = 0
    orders: dict[str, int] = field(default_factory=dict)
    gmv: dict[str, float] = field(default_factory=dict)
    reports: dict[str, int] = field(default_factory=dict)
    newest: float = -1e18

    @classmethod
    def create(cls, seller_id: str) -> SellerAggregates:
        return cls(seller_id=seller_id)

    def _seen(self, ts: float) -> None:
        # min()/max() by hand: the same result for the finite times events carry
        if ts < self.first_seen:
            self.first_seen = ts
        if ts > self.newest:
            self.newest = ts

    def apply_listing(self, ev: ListingEvent) -> None:
        self._seen(ev.ts)
        if ev.seller_since_ts is not None:
            # The earliest claim wins so the value does not depend on arrival order.
            prior = self.seller_since
            since = ev.seller_since_ts
            self.seller_since = since if prior is None else min(prior, since)
        if ev.action == "created":
            self.listings_total += 1
            for w in self.listings_created.values():
                w.add(ev.ts)
        elif ev.action == "removed":
            for w in self.listings_removed.values():
                w.add(ev.ts)
        if ev.brand_id is not None and ev.action != "removed":
            self.brands_24h.add(ev.ts, ev.brand_id)
            self.brands_7d.add(ev.ts, ev.brand_id)

    def apply_order(self, ev: OrderEvent) -> None:
        self._seen(ev.ts)
        status, orders = ev.status, self.orders
        orders[status] = orders.get(status, 0) + 1
        if status == "placed":
            self.gmv[ev.currency] = self.gmv.get(ev.currency, 0.0) + ev.unit_price * ev.quantity

    def apply_report(self, ev: ReportEvent) -> None:
        self._seen(ev.ts)
        key = f"{ev.reporter}:{ev.status}"
        self.reports[key] = self.reports.get(key, 0) + 1

    def account_age_days(self, at: float) -> float:
        """Age from ``seller_since`` when given, else from the first event seen."""
        start = self.seller_since if self.seller_since is not None else self.first_seen
        return max(0.0, (at - start) / DAY)

    def problem_order_rate(self, prior_orders: float = 5.0, prior_rate: float = 0.08) -> float:
        """Refund+return+dispute rate, shrunk toward a marketplace prior for few orders."""
        count = self.orders.get
        placed = count("placed", 0)
        problems = count("refunded", 0) + count("returned", 0) + count("disputed", 0)
        return (problems + prior_orders * prior_rate) / (placed + prior_orders)

    def report_count(self, status: str, reporter: str | None = None) -> int:
        if reporter is not None:
            return self.reports.get(f"{reporter}:{status}", 0)
        return sum(n for k, n in self.reports.items() if k.endswith(":" + status))

    def summary(self, at: float) -> dict[str, Any]:
        """The aggregates as plain numbers at event time ``at`` (for APIs and tests)."""
        return {
            "seller_id": self.seller_id,
            "account_age_days": round(self.account_age_days(at), 3),
            "listings_total": self.listings_total,
            "listings_created": {k: w.total(at) for k, w in self.listings_created.items()},
            "listings_removed": {k: w.total(at) for k, w in self.listings_removed.items()},
            "distinct_brands": {"24h": self.brands_24h.distinct(at),
                                "7d": self.brands_7d.distinct(at)},
            "orders": dict(sorted(self.orders.items())),
            "gmv": {k: round(v, 2) for k, v in sorted(self.gmv.items())},
            "problem_order_rate": round(self.problem_order_rate(), 4),
            "reports": dict(sorted(self.reports.items())),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "seller_id": self.seller_id, "first_seen": self.first_seen,
            "seller_since": self.seller_since, "listings_total": self.listings_total,
            "listings_created": {k: w.to_dict() for k, w in self.listings_created.items()},
            "listings_removed": {k: w.to_dict() for k, w in self.listings_removed.items()},
            "brands_24h": self.brands_24h.to_dict(), "brands_7d": self.brands_7d.to_dict(),
            "orders": self.orders, "gmv": self.gmv, "reports": self.reports,
            "newest": self.newest,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SellerAggregates:
        return cls(
            seller_id=d["seller_id"], first_seen=d["first_seen"], seller_since=d["seller_since"],
            listings_total=d["listings_total"],
            listings_created={k: WindowCounter.from_dict(v)
                              for k, v in d["listings_created"].items()},
            listings_removed={k: WindowCounter.from_dict(v)
                              for k, v in d["listings_removed"].items()},
            brands_24h=DistinctWindow.from_dict(d["brands_24h"]),
            brands_7d=DistinctWindow.from_dict(d["brands_7d"]),
            orders=dict(d["orders"]), gmv=dict(d["gmv"]), reports=dict(d["reports"]),
            newest=d["newest"],
        )
