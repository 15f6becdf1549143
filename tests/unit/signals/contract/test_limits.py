"""The contract's limits: the shipped schemas and CONTRACT.md state them, the decoder
enforces them at the boundary."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from signals.contract.decode import decode
from signals.contract.limits import (
    MAX_ID_CHARS,
    MAX_LISTING_PHASHES,
    MAX_PRICE,
    MAX_RECORD_BYTES,
    MAX_TITLE_CHARS,
)
from signals.contract.schema_files import load_schema
from signals.errors import SchemaViolation, TooLarge

LISTING: dict[str, Any] = {
    "schema": "listing.v1", "event_id": "e-1", "event_time": "2026-11-27T14:03:11Z",
    "action": "created", "listing_id": "l-1", "seller_id": "s-1", "title": "Flap bag",
    "price": 10.0, "currency": "EUR", "quantity": 1}


def _listing(**changes: Any) -> bytes:
    return orjson.dumps({**LISTING, **changes})


def test_the_listing_schema_states_the_same_limits() -> None:
    props = load_schema("listing.v1")["properties"]
    assert props["title"]["maxLength"] == MAX_TITLE_CHARS
    assert props["image_phashes"]["maxItems"] == MAX_LISTING_PHASHES
    text = orjson.dumps(load_schema("listing.v1")).decode()
    assert f'"maxLength":{MAX_ID_CHARS}' in text and f'"maximum":{MAX_PRICE}' in text


@pytest.mark.parametrize("name", ["order.v1", "report.v1", "brand.v1"])
def test_every_input_schema_limits_ids_alike(name: str) -> None:
    assert f'"maxLength":{MAX_ID_CHARS}' in orjson.dumps(load_schema(name)).decode()


def test_values_at_a_limit_pass_and_one_past_it_are_refused() -> None:
    decode(_listing(title="x" * MAX_TITLE_CHARS, price=float(MAX_PRICE),
                    listing_id="l" * MAX_ID_CHARS,
                    image_phashes=["c3a1f0e2d4b59687"] * MAX_LISTING_PHASHES))
    for change in ({"title": "x" * (MAX_TITLE_CHARS + 1)}, {"price": MAX_PRICE + 0.01},
                   {"listing_id": "l" * (MAX_ID_CHARS + 1)},
                   {"image_phashes": ["c3a1f0e2d4b59687"] * (MAX_LISTING_PHASHES + 1)}):
        with pytest.raises(SchemaViolation):
            decode(_listing(**change))


def test_a_record_over_the_size_limit_is_too_large() -> None:
    padding = MAX_RECORD_BYTES - len(_listing(pad=""))
    decode(_listing(pad="x" * padding))
    with pytest.raises(TooLarge):
        decode(_listing(pad="x" * (padding + 1)))
