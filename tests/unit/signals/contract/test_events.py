"""Typed input events: immutable plain data, each naming its schema and default topic."""

from __future__ import annotations

import dataclasses

import pytest

from signals.contract.events import (
    SCHEMA_TOPICS,
    BrandEvent,
    ListingEvent,
    OrderEvent,
    ReportEvent,
)
from signals.contract.schema_files import INPUT_SCHEMAS, load_schema

EVENTS = [
    ListingEvent("e1", "t", 1.0, "created", "L1", "S1", title="bag", image_phashes=("ab",)),
    OrderEvent("e2", "t", 2.0, "O1", "L1", "S1", "U1", "placed", 9.5, "EUR", 2),
    ReportEvent("e3", "t", 3.0, "R1", "L1", "S1", "buyer", "counterfeit", "filed"),
    BrandEvent("e4", "t", 4.0, "B1", "Velmora", aliases=("Velmo",)),
]


def test_each_schema_has_a_class_and_a_default_topic() -> None:
    assert sorted(type(ev).schema for ev in EVENTS) == sorted(SCHEMA_TOPICS)
    assert set(SCHEMA_TOPICS) == set(INPUT_SCHEMAS)
    assert all(topic.startswith("marketplace.") for topic in SCHEMA_TOPICS.values())


@pytest.mark.parametrize("event", EVENTS, ids=lambda ev: type(ev).schema)
def test_events_are_immutable_and_compare_by_value(event: object) -> None:
    # AttributeError: FrozenInstanceError is one, and a mypyc-compiled class raises its own
    with pytest.raises(AttributeError):
        event.event_id = "other"  # type: ignore[attr-defined]
    copy = dataclasses.replace(event)  # type: ignore[type-var]
    assert copy == event and copy is not event


@pytest.mark.parametrize("event", EVENTS, ids=lambda ev: type(ev).schema)
def test_fields_are_the_schema_s_properties_plus_the_parsed_time(event: object) -> None:
    schema = load_schema(type(event).schema)  # type: ignore[attr-defined]
    names = {f.name for f in dataclasses.fields(event)}  # type: ignore[arg-type]
    parsed = {"ts"} | ({"seller_since_ts"} if isinstance(event, ListingEvent) else set())
    assert names - parsed == set(schema["properties"]) - {"schema"}


def test_the_written_out_init_keeps_the_field_defaults() -> None:
    ev = ListingEvent("e", "t", 0.0, "removed", "L", "S")
    defaults = {f.name: f.default for f in dataclasses.fields(ListingEvent)
                if f.default is not dataclasses.MISSING}
    assert {name: getattr(ev, name) for name in defaults} == defaults
    assert OrderEvent("e", "t", 0.0, "O", "L", "S", "U", "placed", 1.0, "EUR", 1).brand_id is None
