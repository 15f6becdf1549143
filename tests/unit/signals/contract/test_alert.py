"""Alerts encode to valid alert.v1 records with stable bytes and deterministic ids."""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.contract.alert import (
    ENTITY_TYPES,
    SEVERITIES,
    Alert,
    Reason,
    alert_id,
    alert_to_dict,
    decode_alert,
    encode_alert,
    severity_rank,
)
from signals.contract.schema_files import contract_validator
from signals.contract.timefmt import format_rfc3339
from signals.errors import InvalidJson, SchemaViolation, UnknownSchema

VALIDATOR = contract_validator("alert.v1")
TIME = "2026-11-27T14:03:11.250Z"
FIELD_ORDER = ["schema", "alert_id", "entity_type", "entity_id", "listing_id", "seller_id",
               "brand_id", "score", "severity", "reasons", "model_version", "trigger_event_id",
               "trigger_event_time", "created_at"]


def make(**changes: Any) -> Alert:
    base: dict[str, Any] = dict(
        alert_id=alert_id("listing", "l-1", "listing_risk", "high", 0),
        entity_type="listing", entity_id="l-1", listing_id="l-1", seller_id="s-1",
        brand_id="b-1", score=0.91, severity="high",
        reasons=(Reason("PRICE_FAR_BELOW_REFERENCE", "Price is 12% of usual.", 0.12, 0.4),
                 Reason("NEW_SELLER_ACCOUNT", "Seller account is 3 days old.")),
        model_version="logreg-7", trigger_event_id="e-1", trigger_event_time=TIME,
        created_at="2026-11-27T14:03:12.000Z",
    )
    return Alert(**{**base, **changes})


ids = st.text(min_size=1, max_size=128)
reasons = st.builds(
    Reason,
    code=st.from_regex(r"[A-Z][A-Z0-9_]{0,30}", fullmatch=True),
    message=st.text(min_size=1, max_size=80),
    value=st.none() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=10)
    | st.integers(-(10**6), 10**6),
    contribution=st.none() | st.floats(allow_nan=False, allow_infinity=False),
)
times = st.floats(0, 4e9).map(format_rfc3339)
alerts = st.builds(
    Alert,
    alert_id=ids, entity_type=st.sampled_from(ENTITY_TYPES), entity_id=ids,
    listing_id=st.none() | ids, seller_id=st.none() | ids, brand_id=st.none() | ids,
    score=st.floats(0, 1), severity=st.sampled_from(SEVERITIES),
    reasons=st.lists(reasons, min_size=1, max_size=4).map(tuple), model_version=ids,
    trigger_event_id=ids, trigger_event_time=times, created_at=times,
)


@settings(max_examples=300, deadline=None)
@given(alerts)
def test_encoded_alerts_validate_and_decode_back(alert: Alert) -> None:
    raw = encode_alert(alert)
    record = orjson.loads(raw)
    VALIDATOR.validate(record)
    assert list(record) == FIELD_ORDER
    assert decode_alert(raw) == alert
    assert encode_alert(decode_alert(raw)) == raw


def test_reason_value_and_contribution_are_omitted_when_not_given() -> None:
    record = alert_to_dict(make())
    assert record["reasons"] == [
        {"code": "PRICE_FAR_BELOW_REFERENCE", "message": "Price is 12% of usual.",
         "value": 0.12, "contribution": 0.4},
        {"code": "NEW_SELLER_ACCOUNT", "message": "Seller account is 3 days old."},
    ]


def test_alert_id_is_deterministic_and_depends_on_every_part() -> None:
    parts = ("seller", "s-1", "seller_risk", "high")
    first = alert_id(*parts, 0)
    assert first == alert_id(*parts, 0)
    assert first.startswith("al_") and len(first) == 27
    assert alert_id(*parts, 1) != first
    for index in range(len(parts)):
        changed = list(parts)
        changed[index] += "x"
        assert alert_id(*changed, 0) != first


def test_alert_id_parts_cannot_run_into_each_other() -> None:
    assert alert_id("seller", "a|b", "k", "low", 0) != alert_id("seller", "a", "b|k", "low", 0)
    assert alert_id("seller", "a", "bk", "low", 0) != alert_id("seller", "ab", "k", "low", 0)


def test_created_at_can_be_filled_in_later() -> None:
    draft = make(created_at="")
    stamped = dataclasses.replace(draft, created_at="2026-11-27T14:03:12.000Z")
    VALIDATOR.validate(alert_to_dict(stamped))


@pytest.mark.parametrize("changes", [
    {"score": 1.01}, {"score": -0.01}, {"score": float("nan")}, {"reasons": ()},
    {"severity": "urgent"}, {"entity_type": "buyer"},
])
def test_alerts_that_would_break_the_contract_cannot_be_built(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        make(**changes)


@pytest.mark.parametrize(("code", "message"), [("lower_case", "m"), ("", "m"), ("OK", "")])
def test_reasons_need_an_upper_snake_code_and_a_message(code: str, message: str) -> None:
    with pytest.raises(ValueError):
        Reason(code, message)


def test_severities_are_ordered_weakest_first() -> None:
    assert SEVERITIES == ("low", "medium", "high", "critical")
    assert [severity_rank(s) for s in SEVERITIES] == [0, 1, 2, 3]
    with pytest.raises(ValueError):
        severity_rank("urgent")


GOOD = encode_alert(make())


@pytest.mark.parametrize(("raw", "error", "field"), [
    pytest.param(b"{", InvalidJson, None, id="truncated"),
    pytest.param(b"[]", InvalidJson, None, id="array"),
    pytest.param(b'{"schema": "listing.v1"}', UnknownSchema, "schema", id="other-schema"),
    pytest.param(GOOD.replace(b'"score":0.91', b'"score":true'), SchemaViolation, "score",
                 id="boolean-score"),
    pytest.param(GOOD.replace(b'"brand_id":"b-1",', b""), SchemaViolation, "brand_id",
                 id="missing-nullable"),
    pytest.param(GOOD.replace(b'"NEW_SELLER_ACCOUNT"', b'"new"'), SchemaViolation,
                 "reasons[1]", id="lower-case-code"),
    pytest.param(GOOD.replace(b'"created_at":"2026-11-27T14:03:12.000Z"', b'"created_at":""'),
                 SchemaViolation, "created_at", id="no-created-at"),
    pytest.param(GOOD.replace(b'"severity":"high"', b'"severity":"urgent"'),
                 SchemaViolation, None, id="unknown-severity"),
])
def test_decode_alert_rejects_broken_records(raw: bytes, error: type[Exception],
                                             field: str | None) -> None:
    with pytest.raises(error) as caught:
        decode_alert(raw)
    assert getattr(caught.value, "field", None) == field
