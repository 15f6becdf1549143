"""Raw Kafka record values (or replay lines) to typed events, enforcing CONTRACT.md.

``decode`` either returns one of the event dataclasses or raises exactly one
of :mod:`signals.errors`' decode errors, whose message names the field and
what is wrong. It never lets another exception out: the shell dead-letters
these errors and goes on, so a stray ``TypeError`` would stop a partition.

Checks are hand-written and table-driven rather than JSON-Schema-validated:
one ``orjson.loads`` plus a dict lookup and a type test per field. The
property tests in ``tests/unit/test_decode.py`` prove they accept exactly
what the shipped schemas accept. One known gap: orjson reads integers beyond
64 bits as floats, so such a ``quantity`` is rejected although the schema
would take it; no real quantity is that large.

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

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, get_args

import orjson

from signals.errors import InvalidJson, SchemaViolation, TooLarge, UnknownSchema
from signals.events import (
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
from signals.fast_decode import fast_listing, fast_order, fast_report
from signals.limits import (
    MAX_ID_CHARS,
    MAX_LISTING_PHASHES,
    MAX_PRICE,
    MAX_RECORD_BYTES,
    MAX_TITLE_CHARS,
)
from signals.timefmt import parse_rfc3339

__all__ = [
    "MAX_ID_CHARS",
    "MAX_LISTING_PHASHES",
    "MAX_PRICE",
    "MAX_RECORD_BYTES",
    "MAX_TITLE_CHARS",
    "decode",
]

_SHOWN_CHARS: Final = 60

Check = Callable[[str, Any], Any]
"""Validates one present, non-null field value and returns it as the event stores it."""


def _shown(value: Any) -> str:
    """The offending value as JSON, short enough for an error message."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    text = orjson.dumps(value).decode()
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "..."


def _violation(field: str, rule: str, value: Any) -> SchemaViolation:
    return SchemaViolation(field, f"must be {rule}, got {_shown(value)}")


def _check_id(field: str, value: Any) -> str:
    if type(value) is str and 0 < len(value) <= MAX_ID_CHARS:
        return value
    raise _violation(field, f"a non-empty string of at most {MAX_ID_CHARS} characters", value)


def _check_string(field: str, value: Any) -> str:
    if type(value) is str:
        return value
    raise _violation(field, "a string", value)


def _check_title(field: str, value: Any) -> str:
    if type(value) is str and 0 < len(value) <= MAX_TITLE_CHARS:
        return value
    raise _violation(field, f"a string of 1 to {MAX_TITLE_CHARS} characters", value)


def _check_money(field: str, value: Any) -> float:
    # type() rather than isinstance(): a JSON true is a Python bool, which is an int.
    kind = type(value)
    if (kind is float or kind is int) and 0 < value <= MAX_PRICE:
        return float(value)
    raise _violation(field, f"a number > 0 and <= {MAX_PRICE}", value)


def _integer_at_least(minimum: int) -> Check:
    def check(field: str, value: Any) -> int:
        if type(value) is int and value >= minimum:
            return value
        raise _violation(field, f"a JSON integer >= {minimum} (not 2.0, not a boolean)", value)

    return check


def _one_of(literal: Any) -> Check:
    """A check for the values of a ``Literal[...]`` type of signals.events."""
    allowed: tuple[str, ...] = get_args(literal)
    choices = frozenset(allowed)
    rule = "one of " + ", ".join(allowed)

    def check(field: str, value: Any) -> str:
        if type(value) is str and value in choices:
            return value
        raise _violation(field, rule, value)

    return check


def _matching(pattern: str, rule: str) -> Check:
    matcher = re.compile(pattern).fullmatch

    def check(field: str, value: Any) -> str:
        if type(value) is str and matcher(value):
            return value
        raise _violation(field, rule, value)

    return check


_check_currency = _matching("[A-Z]{3}", "an ISO 4217 code of three upper-case letters")
_check_country = _matching("[A-Z]{2}", "an ISO 3166-1 alpha-2 code of two upper-case letters")
_check_action = _one_of(ListingAction)
_check_order_status = _one_of(OrderStatus)
_check_reporter = _one_of(Reporter)
_check_report_reason = _one_of(ReportReason)
_check_report_status = _one_of(ReportStatus)
_is_phash = re.compile("[0-9a-fA-F]{16}").fullmatch


def _list_of(item_check: Check, max_items: int | None = None) -> Check:
    limit = "" if max_items is None else f" (at most {max_items})"

    def check(field: str, value: Any) -> tuple[Any, ...]:
        if type(value) is not list or (max_items is not None and len(value) > max_items):
            raise _violation(field, f"a list{limit}", value)
        try:
            return tuple([item_check(field, item) for item in value])
        except SchemaViolation:
            # Only on failure: name the offending item's index (formatting it for
            # every item would cost more than checking it).
            for index, item in enumerate(value):
                item_check(f"{field}[{index}]", item)
            raise

    return check


def _check_phash(field: str, value: Any) -> str:
    if type(value) is str and _is_phash(value):
        return value.lower()
    raise _violation(field, "a perceptual hash of 16 hex digits", value)


@dataclass(frozen=True, slots=True)
class _Spec:
    """How to decode one schema: its fields, which are required, which are times."""

    event_type: type[Event]
    fields: tuple[tuple[str, Check, bool], ...]
    times: tuple[tuple[str, str], ...] = (("event_time", "ts"),)
    with_currency: str | None = None


_REQUIRED, _OPTIONAL = True, False
_COMMON: Final = (("event_id", _check_id, _REQUIRED), ("event_time", _check_string, _REQUIRED))

_SPECS: Final[dict[str, _Spec]] = {
    "listing.v1": _Spec(
        ListingEvent,
        (
            *_COMMON,
            ("action", _check_action, _REQUIRED),
            ("listing_id", _check_id, _REQUIRED),
            ("seller_id", _check_id, _REQUIRED),
            ("title", _check_title, _OPTIONAL),  # required unless removed: see _decode_fields
            ("brand_id", _check_id, _OPTIONAL),
            ("category", _check_string, _OPTIONAL),
            ("price", _check_money, _OPTIONAL),  # likewise
            ("currency", _check_currency, _OPTIONAL),
            ("quantity", _integer_at_least(0), _OPTIONAL),
            ("image_phashes", _list_of(_check_phash, MAX_LISTING_PHASHES), _OPTIONAL),
            ("ship_from", _check_country, _OPTIONAL),
            ("seller_since", _check_string, _OPTIONAL),
        ),
        times=(("event_time", "ts"), ("seller_since", "seller_since_ts")),
        with_currency="price",
    ),
    "order.v1": _Spec(
        OrderEvent,
        (
            *_COMMON,
            ("order_id", _check_id, _REQUIRED),
            ("listing_id", _check_id, _REQUIRED),
            ("seller_id", _check_id, _REQUIRED),
            ("buyer_id", _check_id, _REQUIRED),
            ("status", _check_order_status, _REQUIRED),
            ("unit_price", _check_money, _REQUIRED),
            ("currency", _check_currency, _REQUIRED),
            ("quantity", _integer_at_least(1), _REQUIRED),
            ("brand_id", _check_id, _OPTIONAL),
        ),
    ),
    "report.v1": _Spec(
        ReportEvent,
        (
            *_COMMON,
            ("report_id", _check_id, _REQUIRED),
            ("listing_id", _check_id, _REQUIRED),
            ("seller_id", _check_id, _REQUIRED),
            ("brand_id", _check_id, _OPTIONAL),
            ("reporter", _check_reporter, _REQUIRED),
            ("reason", _check_report_reason, _REQUIRED),
            ("status", _check_report_status, _REQUIRED),
        ),
    ),
    "brand.v1": _Spec(
        BrandEvent,
        (
            *_COMMON,
            ("brand_id", _check_id, _REQUIRED),
            ("name", _check_string, _REQUIRED),
            ("aliases", _list_of(_check_string), _OPTIONAL),
            ("protected_terms", _list_of(_check_string), _OPTIONAL),
            ("authorized_sellers", _list_of(_check_id), _OPTIONAL),
            ("reference_price", _check_money, _OPTIONAL),
            ("currency", _check_currency, _OPTIONAL),
            ("official_image_phashes", _list_of(_check_phash), _OPTIONAL),
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
        problem = "is required" if name is None else f"must be a string, got {_shown(name)}"
        raise UnknownSchema("schema", f"{problem}; known schemas: {_KNOWN}")
    spec = _SPECS.get(name)
    if spec is None:
        raise UnknownSchema("schema", f"unknown schema {_shown(name)}; known schemas: {_KNOWN}")
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
    return "a string" if isinstance(value, str) else f"the value {_shown(value)}"


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
