"""Kafka record headers of the outputs (contract v1.1): pure builders, given their inputs.

Alerts carry CloudEvents 1.0 attributes in Kafka binary content mode (``ce_*``
headers, the record value is the event's data, ``content-type`` its media
type) and the W3C Trace Context of the input record that raised them. Dead
letters keep the original record's headers and add where it came from and
what stopped it, in the spirit of Kafka Connect's error headers.

A brand alert is raised by a fact that crossed an internal topic: the packed
record of facts carries the trace context of each traced fact in one internal
header (:func:`fact_traces_header`), so the brand alert gets its trigger's too.

The shell hands the input record's headers in as it read them (a sequence of
``(key, value)`` pairs, or a mapping); nothing here reads a clock, so the same
alert always gets the same headers. Headers are not part of the replay output:
alerts stay byte-identical between live and replay.

>>> trace = trace_headers([("traceparent",
...                         b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")])
>>> trace
(('traceparent', b'00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'),)
>>> trace_headers(None), trace_headers([("traceparent", b"not-a-trace")])
((), ())
>>> cloudevents_source("brandguard-prod", None)
'brandguard/brandguard-prod'
>>> record_timestamp_ms(1795788191.25), record_timestamp_ms(None)
(1795788191250, 0)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

import orjson

from signals.contract.alert import Alert
from signals.contract.deadletter import DeadLetter

__all__ = [
    "CE_SPECVERSION",
    "FACT_TRACES",
    "Header",
    "InputHeaders",
    "alert_headers",
    "cloudevents_source",
    "deadletter_headers",
    "fact_traces",
    "fact_traces_header",
    "record_timestamp_ms",
    "trace_headers",
]

#: one Kafka record header, as confluent-kafka produces and aiokafka consumes it
Header = tuple[str, bytes | None]
#: an input record's headers as Faust hands them over
InputHeaders = Sequence[tuple[str, bytes | None]] | Mapping[str, bytes | None] | None

CE_SPECVERSION: Final = b"1.0"
_CONTENT_TYPE: Final = b"application/json"
_CE_TYPES: Final[dict[str, bytes]] = {
    kind: f"com.brandguard.alert.{kind}".encode() for kind in ("listing", "seller", "brand")
}
#: version-trace_id-parent_id-flags, lower-case hex (W3C Trace Context, level 1)
_TRACEPARENT: Final = re.compile(rb"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}")
_VERSION_00_LENGTH: Final = 55
#: the combined tracestate length every participant must pass on (W3C); longer is dropped
_TRACESTATE_MAX: Final = 512
#: internal header of a packed fact record: trace contexts by the fact's position
FACT_TRACES: Final = "brandguard.fact-traces"
#: header keys a dead letter sets itself: an original's copies would be stale
_OWN_PREFIXES: Final = ("brandguard.error.", "brandguard.source.")


def valid_traceparent(value: bytes | None) -> bool:
    """Whether ``value`` is a ``traceparent`` a W3C participant may pass on.

    Version ``00`` must be exactly 55 characters; a later version may append
    ``-``-separated fields; ``ff``, all-zero ids and upper-case hex are invalid.

    >>> valid_traceparent(b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    True
    >>> valid_traceparent(b"00-00000000000000000000000000000000-00f067aa0ba902b7-01")
    False
    >>> valid_traceparent(b"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xyz")
    True
    """
    if value is None:
        return False
    match = _TRACEPARENT.match(value)
    if match is None or match[1] == b"ff":
        return False
    if len(value) != _VERSION_00_LENGTH and (
            match[1] == b"00" or value[_VERSION_00_LENGTH:_VERSION_00_LENGTH + 1] != b"-"):
        return False
    return match[2].strip(b"0") != b"" and match[3].strip(b"0") != b""


def trace_headers(headers: InputHeaders) -> tuple[tuple[str, bytes], ...]:
    """The trace context to copy from an input record: ``traceparent`` and, with it,
    ``tracestate``; empty when the record has no valid one.

    Header names match case-insensitively. Two ``traceparent`` headers make the
    context invalid (W3C); several ``tracestate`` headers are joined with commas.
    """
    if not headers:
        return ()  # the common case: no allocation
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    parents: list[bytes | None] = []
    states: list[bytes] = []
    for key, value in pairs:
        name = key.lower()
        if name == "traceparent":
            parents.append(value)
        elif name == "tracestate" and value:
            states.append(value)
    if len(parents) != 1 or not valid_traceparent(parents[0]):
        return ()
    parent = parents[0]
    assert parent is not None  # valid_traceparent said so
    state = b",".join(states)
    if state and len(state) <= _TRACESTATE_MAX:
        return (("traceparent", parent), ("tracestate", state))
    return (("traceparent", parent),)


def cloudevents_source(app_id: str, configured: str | None) -> str:
    """The ``ce_source`` of this deployment's alerts: ``configured`` when set, else
    ``brandguard/<app id>`` (a URI-reference, as CloudEvents asks)."""
    source = configured or f"brandguard/{app_id}"
    if not source.strip():
        raise ValueError("the CloudEvents source must not be empty")
    return source


def alert_headers(alert: Alert, source: str,
                  trace: Sequence[tuple[str, bytes]] = ()) -> list[Header]:
    """CloudEvents binary-mode headers of an ``alert.v1`` record, then the trace context.

    >>> from signals.contract.alert import Reason
    >>> alert = Alert(alert_id="al_1", entity_type="seller", entity_id="s1", listing_id=None,
    ...               seller_id="s1", brand_id=None, score=0.9, severity="high",
    ...               reasons=(Reason("NEW_SELLER_ACCOUNT", "New."),), model_version="m1",
    ...               trigger_event_id="e1", trigger_event_time="2026-11-27T14:03:11.250Z",
    ...               created_at="2026-11-27T14:03:12.000Z")
    >>> dict(alert_headers(alert, "brandguard/prod"))["ce_type"]
    b'com.brandguard.alert.seller'
    """
    headers: list[Header] = [
        ("ce_specversion", CE_SPECVERSION),
        ("ce_id", alert.alert_id.encode()),
        ("ce_source", source.encode()),
        ("ce_type", _CE_TYPES[alert.entity_type]),
        ("ce_time", alert.created_at.encode()),
        ("ce_subject", alert.entity_id.encode()),
        ("content-type", _CONTENT_TYPE),
    ]
    headers.extend(trace)
    return headers


def deadletter_headers(dead: DeadLetter, original: InputHeaders = None) -> list[Header]:
    """The original record's headers, in order, then where it came from and its error.

    An original header under ``brandguard.error.`` or ``brandguard.source.``
    (a dead letter fed back in) is replaced, so each of those keys appears once.

    >>> from signals.errors import InvalidJson
    >>> from signals.contract.deadletter import dead_letter
    >>> dl = dead_letter(source_topic="marketplace.orders", partition=2, offset=9, key=b"s1",
    ...                  value=b"{", error=InvalidJson(None, "truncated"),
    ...                  failed_at="2026-11-27T14:03:12.000Z")
    >>> headers = deadletter_headers(dl, [("traceparent", b"00-x")])
    >>> headers[:2]
    [('traceparent', b'00-x'), ('brandguard.error.code', b'invalid_json')]
    >>> [value for _, value in headers[2:]]
    [b'truncated', b'marketplace.orders', b'2', b'9']
    """
    kept: list[Header] = []
    if original:
        pairs = original.items() if isinstance(original, Mapping) else original
        kept = [(key, value) for key, value in pairs if not key.startswith(_OWN_PREFIXES)]
    kept += [
        ("brandguard.error.code", dead.error_code.encode()),
        ("brandguard.error.message", dead.error.encode()),
        ("brandguard.source.topic", dead.source_topic.encode()),
        ("brandguard.source.partition", str(dead.partition).encode()),
        ("brandguard.source.offset", str(dead.offset).encode()),
    ]
    return kept


def record_timestamp_ms(seconds: float | None) -> int:
    """A record timestamp as Faust reports it (float seconds) back in Kafka's
    milliseconds; 0 (librdkafka: "now") when the record had none."""
    if seconds is None or seconds <= 0:
        return 0
    return round(seconds * 1000)


def fact_traces_header(traces: Mapping[int, Sequence[tuple[str, bytes]]]) -> Header:
    """The internal header of a packed fact record: each traced fact's trace context,
    by its position in the record (JSON; header values stay as sent, latin-1 mapped).

    >>> header = fact_traces_header({2: (("traceparent", b"00-ab"),)})
    >>> header
    ('brandguard.fact-traces', b'{"2":[["traceparent","00-ab"]]}')
    """
    data = {str(position): [[key, value.decode("latin-1")] for key, value in trace]
            for position, trace in traces.items()}
    return (FACT_TRACES, orjson.dumps(data))


def fact_traces(headers: InputHeaders) -> dict[int, tuple[tuple[str, bytes], ...]]:
    """The trace context of each traced fact of a packed record, by position.

    Best effort: a missing or unreadable header means no trace, never a dead letter
    (traces are metadata; the facts are the record). Each context is validated again.

    >>> PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    >>> fact_traces([fact_traces_header({1: (("traceparent", PARENT.encode()),)})])
    {1: (('traceparent', b'00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'),)}
    >>> fact_traces(None), fact_traces([(FACT_TRACES, b"{garbled")])
    ({}, {})
    """
    if not headers:
        return {}
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    raw = next((value for key, value in pairs if key == FACT_TRACES), None)
    if not raw:
        return {}
    try:
        data: Any = orjson.loads(raw)
        found = {int(position): trace_headers([(str(key), str(value).encode("latin-1"))
                                               for key, value in trace])
                 for position, trace in data.items()}
    except (orjson.JSONDecodeError, AttributeError, TypeError, ValueError):
        return {}
    return {position: trace for position, trace in found.items() if trace}
