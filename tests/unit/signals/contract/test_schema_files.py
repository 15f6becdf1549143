"""The shipped JSON Schema files are well-formed and say what CONTRACT.md says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from signals.contract.schema_files import (
    INPUT_SCHEMAS,
    OUTPUT_SCHEMAS,
    SCHEMA_NAMES,
    contract_validator,
    load_schema,
)

SCHEMA_DIR = Path(__file__).resolve().parents[4] / "signals" / "contract" / "schemas"
TIME = "2026-11-27T14:03:11.250Z"


def test_every_schema_file_is_listed_and_every_name_has_a_file() -> None:
    assert sorted(p.stem for p in SCHEMA_DIR.glob("*.json")) == sorted(SCHEMA_NAMES)
    assert set(INPUT_SCHEMAS) | set(OUTPUT_SCHEMAS) == set(SCHEMA_NAMES)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_valid_draft_2020_12_with_a_stable_id(name: str) -> None:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://brandguard.dev/schemas/{name}.json"
    assert schema["title"] == name
    assert schema["properties"]["schema"] == {"const": name}
    assert schema["additionalProperties"] is True, "producers may extend records"


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_package_data_matches_the_source_tree(name: str) -> None:
    assert load_schema(name) == json.loads((SCHEMA_DIR / f"{name}.json").read_text("utf-8"))


def test_load_schema_returns_a_fresh_copy() -> None:
    load_schema("listing.v1")["required"].clear()
    assert "event_id" in load_schema("listing.v1")["required"]


def test_unknown_schema_name_is_a_key_error() -> None:
    with pytest.raises(KeyError, match=r"listing\.v2"):
        load_schema("listing.v2")


ORDER: dict[str, Any] = {
    "schema": "order.v1", "event_id": "e-1", "event_time": TIME, "order_id": "o-1",
    "listing_id": "l-1", "seller_id": "s-1", "buyer_id": "u-1", "status": "placed",
    "unit_price": 10, "currency": "EUR", "quantity": 2,
}


def test_contract_integer_rejects_floats_that_stock_json_schema_accepts() -> None:
    # Why contract_validator redefines "integer": the contract says 2, not 2.0.
    as_float = {**ORDER, "quantity": 2.0}
    assert Draft202012Validator(load_schema("order.v1")).is_valid(as_float)
    assert not contract_validator("order.v1").is_valid(as_float)
    assert not contract_validator("order.v1").is_valid({**ORDER, "quantity": True})
    assert contract_validator("order.v1").is_valid(ORDER)


@pytest.mark.parametrize("bad_time", [
    "2026-02-30T14:03:11Z",  # no such day: only the format check knows
    "2026-11-27T14:03:11",  # no offset: the pattern knows
    "2026-11-27T14:03:11Z\n",  # Python's "$" would match before the newline
])
def test_contract_validator_asserts_date_time(bad_time: str) -> None:
    assert not contract_validator("order.v1").is_valid({**ORDER, "event_time": bad_time})


def test_stock_validator_ignores_format_so_the_calendar_check_needs_the_contract_one() -> None:
    impossible_day = {**ORDER, "event_time": "2026-02-30T14:03:11Z"}
    assert Draft202012Validator(load_schema("order.v1")).is_valid(impossible_day)
    assert not contract_validator("order.v1").is_valid(impossible_day)


LISTING: dict[str, Any] = {
    "schema": "listing.v1", "event_id": "e-1", "event_time": TIME, "action": "created",
    "listing_id": "l-1", "seller_id": "s-1", "title": "Bag", "price": 10, "currency": "EUR",
}


@pytest.mark.parametrize(("changes", "valid"), [
    ({}, True),
    ({"title": None}, False),
    ({"action": "removed", "title": None, "price": None, "currency": None}, True),
    ({"price": None, "action": "removed"}, True),
    ({"currency": None}, False),
    ({"action": "removed", "currency": None}, False),  # a given price still needs a currency
    ({"image_phashes": ["ABCDEF0123456789"] * 20}, True),
    ({"image_phashes": ["abcdef0123456789"] * 21}, False),
    ({"seller_since": None, "brand_id": None, "quantity": None}, True),
])
def test_listing_conditional_rules(changes: dict[str, Any], valid: bool) -> None:
    assert contract_validator("listing.v1").is_valid({**LISTING, **changes}) is valid


def test_brand_reference_price_needs_a_currency_but_null_price_does_not() -> None:
    brand = {"schema": "brand.v1", "event_id": "e-1", "event_time": TIME, "brand_id": "b-1",
             "name": "Acme", "reference_price": 250}
    validator = contract_validator("brand.v1")
    assert not validator.is_valid(brand)
    assert validator.is_valid({**brand, "currency": "EUR"})
    assert validator.is_valid({**brand, "reference_price": None})


def test_alert_requires_every_field_and_at_least_one_reason() -> None:
    alert = {
        "schema": "alert.v1", "alert_id": "al_1", "entity_type": "seller", "entity_id": "s-1",
        "listing_id": None, "seller_id": "s-1", "brand_id": None, "score": 1,
        "severity": "critical", "reasons": [{"code": "LISTING_BURST", "message": "Many."}],
        "model_version": "m1", "trigger_event_id": "e-1", "trigger_event_time": TIME,
        "created_at": TIME,
    }
    validator = contract_validator("alert.v1")
    assert validator.is_valid(alert)
    assert not validator.is_valid({**alert, "reasons": []})
    assert not validator.is_valid({**alert, "score": 1.01})
    assert not validator.is_valid({k: v for k, v in alert.items() if k != "brand_id"})
    assert not validator.is_valid({**alert, "reasons": [{"code": "x", "message": "lower"}]})
