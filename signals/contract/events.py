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


# The schema constant sits on a plain base class: declared in a dataclass body, mypyc
# makes it an instance field (mypyc/mypyc#740) and the event could not be compiled.
class _ListingSchema:
    __slots__ = ()
    schema: ClassVar[str] = "listing.v1"


@dataclass(frozen=True, slots=True)
class ListingEvent(_ListingSchema):
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

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, event_id: str, event_time: str, ts: float, action: ListingAction,
                 listing_id: str, seller_id: str, title: str | None = None,
                 brand_id: str | None = None, category: str | None = None,
                 price: float | None = None, currency: str | None = None,
                 quantity: int | None = None, image_phashes: tuple[str, ...] = (),
                 ship_from: str | None = None, seller_since: str | None = None,
                 seller_since_ts: float | None = None) -> None:
        object.__setattr__(self, "event_id", event_id)
        object.__setattr__(self, "event_time", event_time)
        object.__setattr__(self, "ts", ts)
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "listing_id", listing_id)
        object.__setattr__(self, "seller_id", seller_id)
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "brand_id", brand_id)
        object.__setattr__(self, "category", category)
        object.__setattr__(self, "price", price)
        object.__setattr__(self, "currency", currency)
        object.__setattr__(self, "quantity", quantity)
        object.__setattr__(self, "image_phashes", image_phashes)
        object.__setattr__(self, "ship_from", ship_from)
        object.__setattr__(self, "seller_since", seller_since)
        object.__setattr__(self, "seller_since_ts", seller_since_ts)


class _OrderSchema:
    __slots__ = ()
    schema: ClassVar[str] = "order.v1"


@dataclass(frozen=True, slots=True)
class OrderEvent(_OrderSchema):
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

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, event_id: str, event_time: str, ts: float, order_id: str, listing_id: str,
                 seller_id: str, buyer_id: str, status: OrderStatus, unit_price: float,
                 currency: str, quantity: int, brand_id: str | None = None) -> None:
        object.__setattr__(self, "event_id", event_id)
        object.__setattr__(self, "event_time", event_time)
        object.__setattr__(self, "ts", ts)
        object.__setattr__(self, "order_id", order_id)
        object.__setattr__(self, "listing_id", listing_id)
        object.__setattr__(self, "seller_id", seller_id)
        object.__setattr__(self, "buyer_id", buyer_id)
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "unit_price", unit_price)
        object.__setattr__(self, "currency", currency)
        object.__setattr__(self, "quantity", quantity)
        object.__setattr__(self, "brand_id", brand_id)


class _ReportSchema:
    __slots__ = ()
    schema: ClassVar[str] = "report.v1"


@dataclass(frozen=True, slots=True)
class ReportEvent(_ReportSchema):
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

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, event_id: str, event_time: str, ts: float, report_id: str, listing_id: str,
                 seller_id: str, reporter: Reporter, reason: ReportReason, status: ReportStatus,
                 brand_id: str | None = None) -> None:
        object.__setattr__(self, "event_id", event_id)
        object.__setattr__(self, "event_time", event_time)
        object.__setattr__(self, "ts", ts)
        object.__setattr__(self, "report_id", report_id)
        object.__setattr__(self, "listing_id", listing_id)
        object.__setattr__(self, "seller_id", seller_id)
        object.__setattr__(self, "reporter", reporter)
        object.__setattr__(self, "reason", reason)
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "brand_id", brand_id)


class _BrandSchema:
    __slots__ = ()
    schema: ClassVar[str] = "brand.v1"


# The generated __init__ (interpreted, compiled or not): a brand record comes a few
# times per thousand events, where the classes above are built for every one.
@dataclass(frozen=True, slots=True)
class BrandEvent(_BrandSchema):
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
