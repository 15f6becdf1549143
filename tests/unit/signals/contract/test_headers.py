"""Record headers (contract v1.1): CloudEvents on alerts, trace context, dead-letter errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signals.contract.alert import ENTITY_TYPES, Alert, Reason
from signals.contract.deadletter import DeadLetter, dead_letter
from signals.contract.headers import (
    FACT_TRACES,
    alert_headers,
    cloudevents_source,
    deadletter_headers,
    fact_traces,
    fact_traces_header,
    record_timestamp_ms,
    trace_headers,
    valid_traceparent,
)
from signals.errors import SchemaViolation

PARENT = b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
CE_NAMES = ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject",
            "content-type"]


def _alert(entity_type: str = "listing", entity_id: str = "l-7") -> Alert:
    return Alert(alert_id=f"al_{entity_type}_{entity_id}", entity_type=entity_type,  # type: ignore[arg-type]
                 entity_id=entity_id, listing_id=None, seller_id="s-1", brand_id=None,
                 score=0.93, severity="high", reasons=(Reason("NEW_SELLER_ACCOUNT", "New."),),
                 model_version="m1", trigger_event_id="e-1",
                 trigger_event_time="2026-11-27T14:03:11.250Z",
                 created_at="2026-11-27T14:03:12.125Z")


def _dead(partition: int = 3, offset: int = 41) -> DeadLetter:
    return dead_letter(source_topic="marketplace.listings", partition=partition, offset=offset,
                       key=b"s-1", value=b'{"price": -3}',
                       error=SchemaViolation("price", "must be > 0"),
                       failed_at="2026-11-27T14:03:12.000Z")


@pytest.mark.parametrize("entity_type", ENTITY_TYPES)
def test_alert_headers_are_the_cloudevents_attributes_of_the_alert(entity_type: str) -> None:
    alert = _alert(entity_type, entity_id=f"{entity_type}-9")
    headers = alert_headers(alert, "brandguard/prod")
    assert [name for name, _ in headers] == CE_NAMES
    got = dict(headers)
    assert got == {
        "ce_specversion": b"1.0",
        "ce_id": alert.alert_id.encode(),
        "ce_source": b"brandguard/prod",
        "ce_type": f"com.brandguard.alert.{entity_type}".encode(),
        "ce_time": alert.created_at.encode(),
        "ce_subject": alert.entity_id.encode(),
        "content-type": b"application/json",
    }


def test_alert_headers_end_with_the_trace_context_given() -> None:
    trace = trace_headers([("traceparent", PARENT), ("tracestate", b"vendor=abc")])
    headers = alert_headers(_alert(), "src", trace)
    assert headers[len(CE_NAMES):] == [("traceparent", PARENT), ("tracestate", b"vendor=abc")]


def test_non_ascii_ids_are_utf8_in_headers() -> None:
    headers = dict(alert_headers(_alert(entity_id="lïsting-ü"), "brandguard/ä"))
    assert headers["ce_subject"] == "lïsting-ü".encode()
    assert headers["ce_source"] == "brandguard/ä".encode()


def test_a_valid_traceparent_is_copied_verbatim_with_its_tracestate() -> None:
    headers = [("other", b"x"), ("traceparent", PARENT), ("tracestate", b"a=1"),
               ("tracestate", b"b=2")]
    assert trace_headers(headers) == (("traceparent", PARENT), ("tracestate", b"a=1,b=2"))


def test_trace_header_names_match_case_insensitively_and_mappings_work() -> None:
    assert trace_headers([("TraceParent", PARENT)]) == (("traceparent", PARENT),)
    assert trace_headers({"traceparent": PARENT}) == (("traceparent", PARENT),)


@pytest.mark.parametrize("headers", [
    None, [], [("tracestate", b"a=1")], [("traceparent", None)],
    [("traceparent", PARENT), ("traceparent", PARENT)],  # two parents: ambiguous, dropped
])
def test_no_trace_context_without_exactly_one_traceparent(headers: object) -> None:
    assert trace_headers(headers) == ()  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [
    PARENT.upper(),                                              # upper-case hex
    b"ff" + PARENT[2:],                                          # forbidden version
    PARENT[:3] + b"0" * 32 + PARENT[35:],                        # all-zero trace id
    PARENT[:36] + b"0" * 16 + PARENT[52:],                       # all-zero parent id
    PARENT + b"-00",                                             # version 00 is 55 chars
    b"01" + PARENT[2:] + b"x",                                   # later version, no dash
    PARENT[:-1],                                                 # truncated
    b" " + PARENT,                                               # padded
    b"00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",  # wrong separator
])
def test_invalid_traceparents_are_not_propagated(value: bytes) -> None:
    assert not valid_traceparent(value)
    assert trace_headers([("traceparent", value), ("tracestate", b"a=1")]) == ()


def test_a_later_version_with_more_fields_is_accepted() -> None:
    assert valid_traceparent(b"cc" + PARENT[2:] + b"-what-the-future-holds")


def test_an_oversized_tracestate_is_dropped_and_the_traceparent_kept() -> None:
    big = b"v=" + b"x" * 600
    assert trace_headers([("traceparent", PARENT), ("tracestate", big)]) == (
        ("traceparent", PARENT),)


@given(st.binary(min_size=16, max_size=16), st.binary(min_size=8, max_size=8),
       st.sampled_from([b"00", b"01"]))
def test_every_well_formed_traceparent_with_nonzero_ids_is_valid(
        trace_id: bytes, span_id: bytes, flags: bytes) -> None:
    value = b"00-" + trace_id.hex().encode() + b"-" + span_id.hex().encode() + b"-" + flags
    expected = any(trace_id) and any(span_id)
    assert valid_traceparent(value) == expected


def test_dead_letter_headers_keep_the_originals_in_order_then_add_the_error() -> None:
    original = [("traceparent", PARENT), ("dup", b"1"), ("dup", b"2"), ("empty", None)]
    headers = deadletter_headers(_dead(), original)
    assert headers[:4] == original
    assert dict(headers[4:]) == {
        "brandguard.error.code": b"schema_violation",
        "brandguard.error.message": b"price: must be > 0",
        "brandguard.source.topic": b"marketplace.listings",
        "brandguard.source.partition": b"3",
        "brandguard.source.offset": b"41",
    }


def test_a_dead_letter_fed_back_in_gets_fresh_error_headers_once() -> None:
    first = deadletter_headers(_dead(partition=1, offset=5), {"app": b"x"})
    again = deadletter_headers(_dead(partition=0, offset=77), first)
    names = [name for name, _ in again]
    assert len(names) == len(set(names)) == 6
    assert dict(again)["brandguard.source.offset"] == b"77"
    assert again[0] == ("app", b"x")


def test_a_record_without_headers_gets_only_the_error_headers() -> None:
    assert [n for n, _ in deadletter_headers(_dead(), None)] == [
        "brandguard.error.code", "brandguard.error.message", "brandguard.source.topic",
        "brandguard.source.partition", "brandguard.source.offset"]


def test_the_cloudevents_source_defaults_to_the_app_id() -> None:
    assert cloudevents_source("bg-eu", None) == "brandguard/bg-eu"
    assert cloudevents_source("bg-eu", "") == "brandguard/bg-eu"
    assert cloudevents_source("bg-eu", "//risk.example.com/bg") == "//risk.example.com/bg"
    with pytest.raises(ValueError, match="must not be empty"):
        cloudevents_source("bg-eu", "  ")


@given(st.integers(min_value=1, max_value=2**43))
def test_a_faust_timestamp_goes_back_to_the_same_milliseconds(ms: int) -> None:
    # aiokafka gives Kafka's milliseconds, Faust divides them by 1000.0
    assert record_timestamp_ms(ms / 1000.0) == ms


@pytest.mark.parametrize("seconds", [None, 0.0, -0.001])
def test_no_timestamp_means_now_to_librdkafka(seconds: float | None) -> None:
    assert record_timestamp_ms(seconds) == 0


def test_fact_traces_round_trip_by_position() -> None:
    traces = {0: (("traceparent", PARENT), ("tracestate", b"a=1")), 7: (("traceparent", PARENT),)}
    assert fact_traces([("other", b"x"), fact_traces_header(traces)]) == traces


@pytest.mark.parametrize("raw", [
    b"{garbled", b"[1, 2]", b'{"x": [["traceparent", "00-..."]]}', b'{"1": 5}',
    b'{"1": [["traceparent"]]}', b'{"1": [["traceparent", "\\u0100"]]}', b"",
])
def test_unreadable_fact_traces_mean_no_trace_never_an_error(raw: bytes) -> None:
    assert fact_traces([(FACT_TRACES, raw)]) == {}


def test_an_invalid_context_in_fact_traces_is_dropped() -> None:
    header = fact_traces_header({1: (("traceparent", PARENT),), 2: (("traceparent", b"bad"),)})
    assert list(fact_traces([header])) == [1]
