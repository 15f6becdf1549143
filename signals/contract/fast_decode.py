"""Straight-line decoding of the commonest records: orders, reports and listings.

Most of a marketplace's traffic is orders and reports, nearly all of them
well-formed. For those, one pass of plain comparisons builds the event;
anything else (a missing field, a wrong type, an integer price, a bad time)
makes these functions return None, and the table-driven checks of
:mod:`signals.contract.decode` decide: they accept it or name what is wrong. So the
fast path changes no verdict and no message; it only accepts, and builds the
same event the checks would (``tests/unit/test_fast_decode.py`` compares them).

>>> event = fast_order({"event_id": "e1", "event_time": "2026-11-27T14:03:11Z",
...     "order_id": "o1", "listing_id": "l1", "seller_id": "s1", "buyer_id": "b1",
...     "status": "placed", "unit_price": 12.5, "currency": "EUR", "quantity": 2})
>>> event.ts, event.brand_id
(1795788191.0, None)
>>> fast_order({"event_id": "e1"}) is None
True
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final, get_args

from signals.contract.events import (
    ListingAction,
    ListingEvent,
    OrderEvent,
    OrderStatus,
    Reporter,
    ReportEvent,
    ReportReason,
    ReportStatus,
)
from signals.contract.limits import MAX_ID_CHARS, MAX_LISTING_PHASHES, MAX_PRICE, MAX_TITLE_CHARS
from signals.contract.timefmt import RFC3339_SHAPE, utc_seconds

__all__ = ["fast_listing", "fast_order", "fast_report"]

_ORDER_STATUSES: Final = frozenset(get_args(OrderStatus))
_REPORTERS: Final = frozenset(get_args(Reporter))
_REASONS: Final = frozenset(get_args(ReportReason))
_REPORT_STATUSES: Final = frozenset(get_args(ReportStatus))
_ACTIONS: Final = frozenset(get_args(ListingAction))
_is_rfc3339 = RFC3339_SHAPE.fullmatch
_fromisoformat = datetime.fromisoformat


# The contract's codes and hashes checked character by character: compiled, ord(text[i])
# is a native read, where a regex builds a match object and a str method is a call.
def _is_code(text: str, size: int) -> bool:
    """Whether ``text`` is ``size`` upper-case ASCII letters (a currency or country code).

    >>> _is_code("EUR", 3), _is_code("Eur", 3), _is_code("ÉUR", 3), _is_code("EU", 3)
    (True, False, False, False)
    """
    # all() over a generator compiles to a plain loop
    return len(text) == size and all(65 <= ord(text[i]) <= 90 for i in range(size))  # A-Z


def _is_phash(text: str) -> bool:
    """Whether ``text`` is 16 hexadecimal digits.

    >>> _is_phash("ffbef72ecfacce8F"), _is_phash("ffbef72ecfacce8g"), _is_phash("ff")
    (True, False, False)
    """
    return len(text) == 16 and all(_is_hex_digit(ord(text[i])) for i in range(16))


def _is_hex_digit(char: int) -> bool:
    return 48 <= char <= 57 or 97 <= char <= 102 or 65 <= char <= 70  # 0-9 a-f A-F


def _plain_ids(*values: Any) -> bool:
    """Whether every value is an id as the contract has it (optional ones None)."""
    for value in values:
        if value is not None and (type(value) is not str or not 0 < len(value) <= MAX_ID_CHARS):
            return False
    return True


def _event_time(value: Any) -> tuple[str, float] | None:
    """(event_time, its ts), or None if it is not a plainly valid timestamp string."""
    ts = _plain_time(value)
    return None if ts is None else (value, ts)


def _plain_time(text: Any) -> float | None:
    """``parse_rfc3339(text)`` when it is a string that plainly is a date-time, else None.

    The shape test and ``fromisoformat`` inline (a lower-case ``t`` or ``z``, which
    fromisoformat refuses, is left to parse_rfc3339 in the checks): the same value,
    two calls fewer for every event.
    """
    if type(text) is not str:
        return None
    ts = utc_seconds(text)  # the contract's own form: no regex, no datetime
    if ts is not None:
        return ts
    if _is_rfc3339(text) is None:
        return None
    try:
        return _fromisoformat(text).timestamp()
    except (ValueError, OverflowError):
        return None


def fast_order(record: dict[str, Any]) -> OrderEvent | None:
    """The order, when every field is plainly valid; otherwise None (see the module doc)."""
    try:  # required fields by subscript, a missing one being the rare case
        event_id, order_id, listing_id = (record["event_id"], record["order_id"],
                                          record["listing_id"])
        seller_id, buyer_id, status = record["seller_id"], record["buyer_id"], record["status"]
        price, currency, quantity = record["unit_price"], record["currency"], record["quantity"]
        event_time = record["event_time"]
    except KeyError:
        return None
    brand_id = record.get("brand_id")
    if (event_id is None or order_id is None or listing_id is None or seller_id is None
            or buyer_id is None
            or not _plain_ids(event_id, order_id, listing_id, seller_id, buyer_id, brand_id)):
        return None
    if type(status) is not str or status not in _ORDER_STATUSES:
        return None
    # an integer price is valid too, but float() of it is the checks' business
    if type(price) is not float or not 0 < price <= MAX_PRICE:
        return None
    if type(currency) is not str or not _is_code(currency, 3):
        return None
    if type(quantity) is not int or quantity < 1:
        return None
    ts = _plain_time(event_time)
    if ts is None:
        return None
    # status is one of the Literal's own values, checked above
    return OrderEvent(event_id, event_time, ts, order_id, listing_id, seller_id, buyer_id,
                      status, price, currency, quantity, brand_id)  # type: ignore[arg-type]


def fast_report(record: dict[str, Any]) -> ReportEvent | None:
    """The report, when every field is plainly valid; otherwise None (see the module doc)."""
    # record.get each time, not a bound ``get``: compiled, the former is a native dict call
    event_id, report_id = record.get("event_id"), record.get("report_id")
    listing_id, seller_id = record.get("listing_id"), record.get("seller_id")
    brand_id, reporter = record.get("brand_id"), record.get("reporter")
    reason, status = record.get("reason"), record.get("status")
    if (event_id is None or report_id is None or listing_id is None or seller_id is None
            or not _plain_ids(event_id, report_id, listing_id, seller_id, brand_id)):
        return None
    if (type(reporter) is not str or reporter not in _REPORTERS
            or type(reason) is not str or reason not in _REASONS
            or type(status) is not str or status not in _REPORT_STATUSES):
        return None
    timed = _event_time(record.get("event_time"))
    if timed is None:
        return None
    event_time, ts = timed
    # reporter, reason and status are their Literals' own values, checked above
    return ReportEvent(event_id, event_time, ts, report_id, listing_id, seller_id,
                       reporter, reason, status, brand_id)  # type: ignore[arg-type]


def fast_listing(record: dict[str, Any]) -> ListingEvent | None:
    """The listing, when every field is plainly valid; otherwise None (see the module doc)."""
    # record.get each time, not a bound ``get``: compiled, the former is a native dict call
    event_id, listing_id = record.get("event_id"), record.get("listing_id")
    seller_id, brand_id = record.get("seller_id"), record.get("brand_id")
    action = record.get("action")
    if (event_id is None or listing_id is None or seller_id is None
            or not _plain_ids(event_id, listing_id, seller_id, brand_id)
            or type(action) is not str or action not in _ACTIONS):
        return None
    title, price, currency = record.get("title"), record.get("price"), record.get("currency")
    if (title is None or price is None) and action != "removed":
        return None  # required unless removed
    if title is not None and (type(title) is not str or not 0 < len(title) <= MAX_TITLE_CHARS):
        return None
    if price is not None and (type(price) is not float or not 0 < price <= MAX_PRICE
                              or currency is None):
        return None
    if currency is not None and (type(currency) is not str or not _is_code(currency, 3)):
        return None
    category, quantity = record.get("category"), record.get("quantity")
    ship_from = record.get("ship_from")
    if ((category is not None and type(category) is not str)
            or (quantity is not None and (type(quantity) is not int or quantity < 0))
            or (ship_from is not None and (type(ship_from) is not str
                                           or not _is_code(ship_from, 2)))):
        return None
    phashes = _phashes(record.get("image_phashes"))
    times = _times(record.get("event_time"), record.get("seller_since"))
    if phashes is None or times is None:
        return None
    (event_time, ts), (seller_since, since_ts) = times
    # action is one of the Literal's own values, checked above
    return ListingEvent(event_id, event_time, ts, action, listing_id,  # type: ignore[arg-type]
                        seller_id, title, brand_id, category, price, currency, quantity,
                        phashes, ship_from, seller_since, since_ts)


def _phashes(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if type(value) is not list or len(value) > MAX_LISTING_PHASHES:
        return None
    for item in value:
        if type(item) is not str or not _is_phash(item):
            return None
    return tuple([item.lower() for item in value])


_TimePair = tuple[str | None, float | None]


def _times(event_time: Any, since: Any) -> tuple[tuple[str, float], _TimePair] | None:
    """(event_time, ts) and (seller_since, its ts), or None if either is not plainly valid."""
    timed = _event_time(event_time)
    if timed is None:
        return None
    if since is None:
        return timed, (None, None)
    since_ts = _plain_time(since)
    return None if since_ts is None else (timed, (since, since_ts))
