"""``alert.v1`` records: what brandguard tells operators, and how it is encoded.

An alert is plain immutable data. Its id is derived from what the alert is
about (entity, kind, triggering event, severity), never from a clock or a
counter, so replaying the same stream, or a redelivered record, yields the
same ``alert_id`` and consumers can de-duplicate.

>>> alert = Alert(
...     alert_id=alert_id("listing", "l1", "listing_risk", "high", 0),
...     entity_type="listing", entity_id="l1", listing_id="l1", seller_id="s1", brand_id=None,
...     score=0.9, severity="high",
...     reasons=(Reason("PRICE_FAR_BELOW_REFERENCE", "Price is 12% of the brand's usual."),),
...     model_version="m1", trigger_event_id="e1",
...     trigger_event_time="2026-11-27T14:03:11.250Z", created_at="2026-11-27T14:03:12.000Z")
>>> decode_alert(encode_alert(alert)) == alert
True
>>> encode_alert(alert)[:40]
b'{"schema":"alert.v1","alert_id":"al_a6f2'
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Final, Literal, get_args

import orjson

from signals.contract.timefmt import parse_rfc3339
from signals.errors import InvalidJson, SchemaViolation, UnknownSchema

__all__ = [
    "ENTITY_TYPES",
    "SEVERITIES",
    "Alert",
    "EntityType",
    "Reason",
    "Severity",
    "alert_id",
    "alert_summary",
    "alert_to_dict",
    "decode_alert",
    "encode_alert",
    "severity_rank",
]

EntityType = Literal["listing", "seller", "brand"]
Severity = Literal["low", "medium", "high", "critical"]
ENTITY_TYPES: Final[tuple[EntityType, ...]] = get_args(EntityType)
#: weakest first, so a tuple index is a rank
SEVERITIES: Final[tuple[Severity, ...]] = get_args(Severity)
_REASON_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")
#: codes already checked: the same few dozen come back in alert after alert
_valid_codes: Final[set[str]] = set()
_VALID_CODES_KEPT: Final = 1024
_ID_DIGEST_CHARS: Final = 24


def severity_rank(severity: str) -> int:
    """0 for ``low`` up to 3 for ``critical``.

    >>> severity_rank("critical") > severity_rank("high")
    True
    """
    try:
        return SEVERITIES.index(severity)
    except ValueError:
        raise ValueError(f"unknown severity {severity!r}; one of {SEVERITIES}") from None


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an alert was raised: an upper-snake-case code and a sentence for an operator."""

    code: str
    message: str
    value: float | str | None = None
    contribution: float | None = None

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, code: str, message: str, value: float | str | None = None,
                 contribution: float | None = None) -> None:
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "contribution", contribution)
        self.__post_init__()

    def __post_init__(self) -> None:
        if self.code not in _valid_codes:
            if not _REASON_CODE.fullmatch(self.code):
                raise ValueError(f"reason code must be UPPER_SNAKE_CASE, got {self.code!r}")
            if len(_valid_codes) < _VALID_CODES_KEPT:
                _valid_codes.add(self.code)
        if not self.message:
            raise ValueError(f"reason {self.code} needs a message")


class _AlertSchema:
    # on a plain base class: declared in a dataclass body, mypyc makes it an instance
    # field (mypyc/mypyc#740) and the alert could not be compiled
    __slots__ = ()
    schema: ClassVar[str] = "alert.v1"


@dataclass(frozen=True, slots=True)
class Alert(_AlertSchema):
    """An ``alert.v1`` record; ``schema`` is implied by the type."""

    alert_id: str
    entity_type: EntityType
    entity_id: str
    listing_id: str | None
    seller_id: str | None
    brand_id: str | None
    score: float
    severity: Severity
    reasons: tuple[Reason, ...]
    model_version: str
    trigger_event_id: str
    trigger_event_time: str
    created_at: str

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, alert_id: str, entity_type: EntityType, entity_id: str,
                 listing_id: str | None, seller_id: str | None, brand_id: str | None, score: float,
                 severity: Severity, reasons: tuple[Reason, ...], model_version: str,
                 trigger_event_id: str, trigger_event_time: str, created_at: str) -> None:
        object.__setattr__(self, "alert_id", alert_id)
        object.__setattr__(self, "entity_type", entity_type)
        object.__setattr__(self, "entity_id", entity_id)
        object.__setattr__(self, "listing_id", listing_id)
        object.__setattr__(self, "seller_id", seller_id)
        object.__setattr__(self, "brand_id", brand_id)
        object.__setattr__(self, "score", score)
        object.__setattr__(self, "severity", severity)
        object.__setattr__(self, "reasons", reasons)
        object.__setattr__(self, "model_version", model_version)
        object.__setattr__(self, "trigger_event_id", trigger_event_id)
        object.__setattr__(self, "trigger_event_time", trigger_event_time)
        object.__setattr__(self, "created_at", created_at)
        self.__post_init__()

    def __post_init__(self) -> None:
        # Invariants only: created_at is often filled in later with dataclasses.replace.
        if self.entity_type not in ENTITY_TYPES:
            raise ValueError(f"entity_type must be one of {ENTITY_TYPES}, got {self.entity_type!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {self.severity!r}")
        if not (math.isfinite(self.score) and 0.0 <= self.score <= 1.0):
            raise ValueError(f"score must be within 0..1, got {self.score!r}")
        if not self.reasons:
            raise ValueError("an alert needs at least one reason")


def alert_id(
    entity_type: str, entity_id: str, kind: str, severity: str, occurrence: int
) -> str:
    """Deterministic id of the ``occurrence``-th (from 0) ``kind`` alert of an entity
    at ``severity``.

    The id names the alert ("seller s-1 reached high risk, the first time"), not
    the event that happened to tip it: when processing is repeated after a
    rebalance or a restart, facts from the brand, image and learner processors
    can arrive a few events earlier or later, and the same alert must keep its
    id so that an enforcement service acting on it de-duplicates instead of
    acting twice. The triggering event stays in the record for analysts.

    The parts are hashed as a JSON array, so no choice of separator character
    inside an id can make two different alerts collide.

    Pinned, because consumers de-duplicate on it across releases:

    >>> alert_id("seller", "s-1", "seller_risk", "high", 0)
    'al_ccf399fd690dbf98cef40ecc'
    >>> alert_id("seller", "s-1", "seller_risk", "critical", 0) != _
    True
    >>> alert_id("seller", "s-1", "seller_risk", "high", 1) != alert_id(
    ...     "seller", "s-1", "seller_risk", "high", 0)
    True
    """
    parts = orjson.dumps([entity_type, entity_id, kind, severity, occurrence])
    return "al_" + hashlib.sha256(parts).hexdigest()[:_ID_DIGEST_CHARS]


def _reason_to_dict(reason: Reason) -> dict[str, Any]:
    out: dict[str, Any] = {"code": reason.code, "message": reason.message}
    if reason.value is not None:
        out["value"] = reason.value
    if reason.contribution is not None:
        out["contribution"] = reason.contribution
    return out


def alert_summary(alert: Alert) -> dict[str, Any]:
    """What an entity's state keeps of its latest alert, for analysts asking "why?".

    >>> s = alert_summary(Alert(alert_id="al_1", entity_type="seller", entity_id="s1",
    ...     listing_id=None, seller_id="s1", brand_id=None, score=0.9, severity="high",
    ...     reasons=(Reason("LISTING_BURST", "Many listings in an hour."),),
    ...     model_version="m1", trigger_event_id="e1",
    ...     trigger_event_time="2026-11-27T14:03:11Z", created_at=""))
    >>> s["severity"], s["reasons"]
    ('high', ['Many listings in an hour.'])
    """
    return {"alert_id": alert.alert_id, "severity": alert.severity, "score": alert.score,
            "reasons": [r.message for r in alert.reasons], "codes": [r.code for r in alert.reasons],
            "trigger_event_id": alert.trigger_event_id,
            "trigger_event_time": alert.trigger_event_time}


def alert_to_dict(alert: Alert) -> dict[str, Any]:
    """The ``alert.v1`` record as a dict in the contract's field order."""
    return {
        "schema": Alert.schema,
        "alert_id": alert.alert_id,
        "entity_type": alert.entity_type,
        "entity_id": alert.entity_id,
        "listing_id": alert.listing_id,
        "seller_id": alert.seller_id,
        "brand_id": alert.brand_id,
        "score": alert.score,
        "severity": alert.severity,
        "reasons": [_reason_to_dict(reason) for reason in alert.reasons],
        "model_version": alert.model_version,
        "trigger_event_id": alert.trigger_event_id,
        "trigger_event_time": alert.trigger_event_time,
        "created_at": alert.created_at,
    }


def encode_alert(alert: Alert) -> bytes:
    """Compact UTF-8 JSON with a stable field order, so equal alerts give equal bytes."""
    return orjson.dumps(alert_to_dict(alert))


def _field(
    record: dict[str, Any], name: str, types: tuple[type, ...], *, required: bool = True
) -> Any:
    if required and name not in record:
        raise SchemaViolation(name, "is required (null where it does not apply)")
    value = record.get(name)
    # type() rather than isinstance(): a JSON true must not pass as a number.
    if type(value) not in types:
        wanted = " or ".join("null" if t is type(None) else t.__name__ for t in types)
        raise SchemaViolation(name, f"must be {wanted}, got {type(value).__name__}")
    return value


def _time(record: dict[str, Any], name: str) -> str:
    text: str = _field(record, name, (str,))
    try:
        parse_rfc3339(text)
    except ValueError as exc:
        raise SchemaViolation(name, str(exc)) from None
    return text


def _decode_reason(index: int, item: Any) -> Reason:
    if type(item) is not dict:
        raise SchemaViolation(f"reasons[{index}]", "must be an object")
    value = _field(item, "value", (int, float, str, type(None)), required=False)
    contribution = _field(item, "contribution", (int, float, type(None)), required=False)
    try:
        return Reason(_field(item, "code", (str,)), _field(item, "message", (str,)),
                      value, None if contribution is None else float(contribution))
    except ValueError as exc:
        raise SchemaViolation(f"reasons[{index}]", str(exc)) from None


def decode_alert(raw: bytes) -> Alert:
    """Parse an ``alert.v1`` record (for consumers and tests).

    Raises ``InvalidJson``, ``UnknownSchema`` or ``SchemaViolation``.
    """
    try:
        record = orjson.loads(raw)
    except (ValueError, TypeError) as exc:
        raise InvalidJson(None, f"not a valid UTF-8 JSON document: {exc}") from None
    if type(record) is not dict:
        raise InvalidJson(None, "top level must be a JSON object")
    if record.get("schema") != Alert.schema:
        raise UnknownSchema("schema", f"must be {Alert.schema!r}, got {record.get('schema')!r}")
    reasons = _field(record, "reasons", (list,))
    text, maybe_text = (str,), (str, type(None))
    try:
        return Alert(
            alert_id=_field(record, "alert_id", text),
            entity_type=_field(record, "entity_type", text),
            entity_id=_field(record, "entity_id", text),
            listing_id=_field(record, "listing_id", maybe_text),
            seller_id=_field(record, "seller_id", maybe_text),
            brand_id=_field(record, "brand_id", maybe_text),
            score=float(_field(record, "score", (int, float))),
            severity=_field(record, "severity", text),
            reasons=tuple(_decode_reason(i, item) for i, item in enumerate(reasons)),
            model_version=_field(record, "model_version", text),
            trigger_event_id=_field(record, "trigger_event_id", text),
            trigger_event_time=_time(record, "trigger_event_time"),
            created_at=_time(record, "created_at"),
        )
    except ValueError as exc:
        raise SchemaViolation(None, str(exc)) from None
