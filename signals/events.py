"""Typed input events of the wire contract (``listing.v1`` ... ``brand.v1``).

Events are immutable plain data. Besides the contract's fields each carries
``ts``: ``event_time`` parsed to seconds since the Unix epoch, so the core can
do event-time arithmetic without parsing strings again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

__all__ = [
    "SCHEMA_TOPICS",
    "BrandEvent",
    "Event",
    "ListingAction",
    "ListingEvent",
    "OrderEvent",
    "OrderStatus",
    "ReportEvent",
    "ReportReason",
    "ReportStatus",
    "Reporter",
]

ListingAction = Literal["created", "updated", "removed"]
OrderStatus = Literal["placed", "cancelled", "refunded", "returned", "disputed"]
Reporter = Literal["rights_owner", "buyer", "platform"]
ReportReason = Literal["counterfeit", "trademark", "copyright", "design", "other"]
ReportStatus = Literal["filed", "upheld", "rejected"]

#: default topic of each input schema (CONTRACT.md, "Topics")
SCHEMA_TOPICS: dict[str, str] = {
    "listing.v1": "marketplace.listings",
    "order.v1": "marketplace.orders",
    "report.v1": "marketplace.reports",
    "brand.v1": "marketplace.brands",
}


@dataclass(frozen=True, slots=True)
class ListingEvent:
    schema: ClassVar[str] = "listing.v1"
    event_id: str
    event_time: str
    ts: float
    action: ListingAction
    listing_id: str
    seller_id: str
    title: str | None = None
    brand_id: str | None = None
    category: str | None = None
    price: float | None = None
    currency: str | None = None
    quantity: int | None = None
    image_phashes: tuple[str, ...] = ()
    ship_from: str | None = None
    seller_since: str | None = None
    seller_since_ts: float | None = None


@dataclass(frozen=True, slots=True)
class OrderEvent:
    schema: ClassVar[str] = "order.v1"
    event_id: str
    event_time: str
    ts: float
    order_id: str
    listing_id: str
    seller_id: str
    buyer_id: str
    status: OrderStatus
    unit_price: float
    currency: str
    quantity: int
    brand_id: str | None = None


@dataclass(frozen=True, slots=True)
class ReportEvent:
    schema: ClassVar[str] = "report.v1"
    event_id: str
    event_time: str
    ts: float
    report_id: str
    listing_id: str
    seller_id: str
    reporter: Reporter
    reason: ReportReason
    status: ReportStatus
    brand_id: str | None = None


@dataclass(frozen=True, slots=True)
class BrandEvent:
    schema: ClassVar[str] = "brand.v1"
    event_id: str
    event_time: str
    ts: float
    brand_id: str
    name: str
    aliases: tuple[str, ...] = ()
    protected_terms: tuple[str, ...] = ()
    authorized_sellers: tuple[str, ...] = ()
    reference_price: float | None = None
    currency: str | None = None
    official_image_phashes: tuple[str, ...] = ()


Event = ListingEvent | OrderEvent | ReportEvent | BrandEvent
