"""Raw Kafka record values (or replay lines) to typed events, enforcing CONTRACT.md.

``decode`` either returns one of the event dataclasses or raises exactly one
of :mod:`signals.errors`' decode errors, whose message names the field and
what is wrong. It never lets another exception out: the shell dead-letters
these errors and goes on, so a stray ``TypeError`` would stop a partition.

Checks are hand-written and table-driven rather than JSON-Schema-validated:
one ``orjson.loads`` plus a dict lookup and a type test per field. The table
of each schema (``_SPECS``) is here, the checks it names are in
:mod:`signals.contract.field_checks`. The property tests in ``tests/unit/test_decode.py``
prove they accept exactly what the shipped schemas accept. One known gap:
orjson reads integers beyond 64 bits as floats, so such a ``quantity`` is
rejected although the schema would take it; no real quantity is that large.

>>> event = decode(b'{"schema": "report.v1", "event_id": "e1",'
...     b' "event_time": "2026-11-27T14:03:11.250Z", "report_id": "r1", "listing_id": "l1",'
...     b' "seller_id": "s1", "reporter": "buyer", "reason": "counterfeit", "status": "filed"}')
>>> event.report_id, event.ts
('r1', 1795788191.25)
>>> decode(b'{"schema": "order.v1", "event_id": ""}')
Traceback (most recent call last):
...
signals.errors.SchemaViolation: event_id: must be a non-empty string of at most 128 characters, \
got ""
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import orjson

from signals.contract.events import (
    BrandEvent,
    Event,
    ListingAction,
    ListingEvent,
    OrderEvent,
    OrderStatus,
    Reporter,
    ReportEvent,
    ReportReason,
    ReportStatus,
)
from signals.contract.fast_decode import fast_listing, fast_order, fast_report
from signals.contract.field_checks import (
    Check,
    check_id,
    check_money,
    check_phash,
    check_string,
    check_title,
    integer_at_least,
    list_of,
    matching,
    one_of,
    shown,
)
from signals.contract.limits import (
    MAX_ID_CHARS,
    MAX_LISTING_PHASHES,
    MAX_PRICE,
    MAX_RECORD_BYTES,
    MAX_TITLE_CHARS,
)
from signals.contract.timefmt import parse_rfc3339
from signals.errors import InvalidJson, SchemaViolation, TooLarge, UnknownSchema

__all__ = [
    "MAX_ID_CHARS",
    "MAX_LISTING_PHASHES",
    "MAX_PRICE",
    "MAX_RECORD_BYTES",
    "MAX_TITLE_CHARS",
    "decode",
]

_check_currency = matching("[A-Z]{3}", "an ISO 4217 code of three upper-case letters")
_check_country = matching("[A-Z]{2}", "an ISO 3166-1 alpha-2 code of two upper-case letters")
_check_action = one_of(ListingAction)
_check_order_status = one_of(OrderStatus)
_check_reporter = one_of(Reporter)
_check_report_reason = one_of(ReportReason)
_check_report_status = one_of(ReportStatus)


@dataclass(frozen=True, slots=True)
class _Spec:
    """How to decode one schema: its fields, which are required, which are times."""

    event_type: type[Event]
    fields: tuple[tuple[str, Check, bool], ...]
    times: tuple[tuple[str, str], ...] = (("event_time", "ts"),)
    with_currency: str | None = None


_REQUIRED, _OPTIONAL = True, False
_COMMON: Final = (("event_id", check_id, _REQUIRED), ("event_time", check_string, _REQUIRED))

_SPECS: Final[dict[str, _Spec]] = {
    "listing.v1": _Spec(
        ListingEvent,
        (
            *_COMMON,
            ("action", _check_action, _REQUIRED),
            ("listing_id", check_id, _REQUIRED),
            ("seller_id", check_id, _REQUIRED),
            ("title", check_title, _OPTIONAL),  # required unless removed: see _decode_fields
            ("brand_id", check_id, _OPTIONAL),
            ("category", check_string, _OPTIONAL),
            ("price", check_money, _OPTIONAL),  # likewise
            ("currency", _check_currency, _OPTIONAL),
            ("quantity", integer_at_least(0), _OPTIONAL),
            ("image_phashes", list_of(check_phash, MAX_LISTING_PHASHES), _OPTIONAL),
            ("ship_from", _check_country, _OPTIONAL),
            ("seller_since", check_string, _OPTIONAL),
        ),
        times=(("event_time", "ts"), ("seller_since", "seller_since_ts")),
        with_currency="price",
    ),
    "order.v1": _Spec(
        OrderEvent,
        (
            *_COMMON,
            ("order_id", check_id, _REQUIRED),
            ("listing_id", check_id, _REQUIRED),
            ("seller_id", check_id, _REQUIRED),
            ("buyer_id", check_id, _REQUIRED),
            ("status", _check_order_status, _REQUIRED),
            ("unit_price", check_money, _REQUIRED),
            ("currency", _check_currency, _REQUIRED),
            ("quantity", integer_at_least(1), _REQUIRED),
            ("brand_id", check_id, _OPTIONAL),
        ),
    ),
    "report.v1": _Spec(
        ReportEvent,
        (
            *_COMMON,
            ("report_id", check_id, _REQUIRED),
            ("listing_id", check_id, _REQUIRED),
            ("seller_id", check_id, _REQUIRED),
            ("brand_id", check_id, _OPTIONAL),
            ("reporter", _check_reporter, _REQUIRED),
            ("reason", _check_report_reason, _REQUIRED),
            ("status", _check_report_status, _REQUIRED),
        ),
    ),
    "brand.v1": _Spec(
        BrandEvent,
        (
            *_COMMON,
            ("brand_id", check_id, _REQUIRED),
            ("name", check_string, _REQUIRED),
            ("aliases", list_of(check_string), _OPTIONAL),
            ("protected_terms", list_of(check_string), _OPTIONAL),
            ("authorized_sellers", list_of(check_id), _OPTIONAL),
            ("reference_price", check_money, _OPTIONAL),
            ("currency", _check_currency, _OPTIONAL),
            ("official_image_phashes", list_of(check_phash), _OPTIONAL),
        ),
        with_currency="reference_price",
    ),
}
_KNOWN: Final = ", ".join(_SPECS)


def _fast(name: str, record: dict[str, Any]) -> Event | None:
    """The straight-line decoder of the commonest schemas; None means "check it all".

    Called directly rather than through a table of functions: compiled, a direct
    call is native, a call through a table is not."""
    if name == "order.v1":
        return fast_order(record)
    if name == "listing.v1":
        return fast_listing(record)
    if name == "report.v1":
        return fast_report(record)
    return None


def decode(raw: bytes, *, expected_schema: str | None = None) -> Event:
    """Decode one record value; ``expected_schema`` is the schema of its topic, if known.

    Raises ``TooLarge``, ``InvalidJson``, ``UnknownSchema`` or ``SchemaViolation``.
    """
    record = _parse(raw)
    name = record.get("schema")
    if type(name) is str and (expected_schema is None or name == expected_schema):
        event = _fast(name, record)
        if event is not None:
            return event
    if type(name) is not str:
        problem = "is required" if name is None else f"must be a string, got {shown(name)}"
        raise UnknownSchema("schema", f"{problem}; known schemas: {_KNOWN}")
    spec = _SPECS.get(name)
    if spec is None:
        raise UnknownSchema("schema", f"unknown schema {shown(name)}; known schemas: {_KNOWN}")
    if expected_schema is not None and name != expected_schema:
        raise SchemaViolation("schema", f"must be {expected_schema!r} on this topic, got {name!r}")
    return spec.event_type(**_decode_fields(record, spec))


def _parse(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_RECORD_BYTES:
        raise TooLarge(None, f"record is {len(raw)} bytes, the limit is {MAX_RECORD_BYTES}")
    try:
        record = orjson.loads(raw)
    except (ValueError, TypeError, RecursionError, UnicodeError) as exc:
        # orjson.JSONDecodeError is a ValueError: bad UTF-8, NaN/Infinity, depth > 1024, ...
        raise InvalidJson(None, f"not a valid UTF-8 JSON document: {exc}") from None
    if type(record) is not dict:
        raise InvalidJson(None, f"top level must be a JSON object, got {_json_type(record)}")
    return record


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    return "a string" if isinstance(value, str) else f"the value {shown(value)}"


def _decode_fields(record: dict[str, Any], spec: _Spec) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, check, required in spec.fields:
        value = record.get(name)
        if value is None:  # absent and null both mean "not given"
            if required:
                raise SchemaViolation(name, "is required")
        else:
            fields[name] = check(name, value)
    for name, ts_name in spec.times:
        text = fields.get(name)
        if text is not None:
            try:
                fields[ts_name] = parse_rfc3339(text)
            except ValueError as exc:
                raise SchemaViolation(name, str(exc)) from None
    if spec.event_type is ListingEvent and fields["action"] != "removed":
        for name in ("title", "price"):
            if name not in fields:
                raise SchemaViolation(name, "is required unless action is removed")
    if spec.with_currency in fields and "currency" not in fields:
        raise SchemaViolation("currency", f"is required when {spec.with_currency} is given")
    return fields
