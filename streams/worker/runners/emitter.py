"""Where processor outputs go when live: alerts, dead letters and facts as Kafka records.

Alerts, dead letters and views go out one record each: other systems read them.
Alerts and dead letters carry the contract's record headers
(``signals.contract.headers``): the runner passes the input record's headers,
and only those two outputs look at them, and brand facts, whose brand alerts
need their trigger's trace context: a packed record carries its traced facts'
contexts in one internal header.
Facts and epoch marks travel between our own processors, and there the record
is the unit Faust pays for (a send, a fetch, an event, an ack). So facts are
packed: one record per destination partition holding a JSON array of facts and
marks in the order they were emitted, sent when it reaches ``batch_size``, when
a mark joins it (marks are what other partitions wait for), or on
:meth:`flush`, which the runners call before they ack the events behind it.
A fact lands on the partition its key would have chosen (Kafka's default
partitioner), so state stays where earlier releases put it and table routing
of the web views still finds it.

Everything goes out through one librdkafka producer
(``streams.worker.checkpointing.delivery``); runners ack an event only once
every output produced before its flush is delivered, so an event's outputs
are on the broker before its offset is committed (at-least-once).
"""

from __future__ import annotations

import time
from typing import Any

import orjson
from aiokafka.partitioner import murmur2

from signals.contract.alert import Alert, encode_alert
from signals.contract.deadletter import dead_letter, encode_deadletter
from signals.contract.headers import (
    InputHeaders,
    alert_headers,
    cloudevents_source,
    deadletter_headers,
    fact_traces_header,
    record_timestamp_ms,
    trace_headers,
)
from signals.contract.timefmt import format_rfc3339, parse_rfc3339
from signals.errors import BrandguardError
from signals.memo import Memo
from signals.processors.messages import EpochMark, Fact, fact_to_dict, route_key
from streams.worker.checkpointing.delivery import OutputProducer
from streams.worker.monitoring.metrics import Metrics

__all__ = ["Emitter", "kafka_partition"]

#: fact kinds that can raise an alert downstream, so carry their trigger's trace context
_TRACED_KINDS = frozenset({"brand_listing", "brand_report"})


def kafka_partition(key: bytes, partitions: int) -> int:
    """The partition Kafka's default partitioner (Java, librdkafka, aiokafka) picks."""
    hashed: int = murmur2(key)
    return (hashed & 0x7FFFFFFF) % partitions


class Emitter:
    def __init__(self, out: OutputProducer, topics: dict[str, str], metrics: Metrics,
                 partitions: dict[str, int] | None = None, batch_size: int = 500,
                 ce_source: str | None = None) -> None:
        """``topics``: topic names by role: alerts, deadletter, brand_views, model, and
        one per fact kind; ``partitions``: partition count of each fact role's topic;
        ``ce_source``: the alerts' CloudEvents source."""
        self.ce_source = ce_source or cloudevents_source("brandguard", None)
        self.out = out
        self._topics = topics
        self._partitions = partitions or {}
        self.metrics = metrics
        self.batch_size = batch_size
        self._pending: dict[tuple[str, int], list[dict[str, Any]]] = {}
        #: trace contexts of pending traced facts, by their position in the batch
        self._traces: dict[tuple[str, int], dict[int, tuple[tuple[str, bytes], ...]]] = {}
        #: recent keys' partitions: murmur2 is pure Python in aiokafka
        self._routes: Memo[str, int] = Memo(100_000)
        #: the latest view of each (role, key) not sent yet (see :meth:`publish_latest`)
        self._views: dict[tuple[str, str], dict[str, Any]] = {}

    def alert(self, alert: Alert, trigger: InputHeaders = None) -> None:
        """``trigger``: headers of the input record that raised it (its trace context)."""
        headers = alert_headers(alert, self.ce_source, trace_headers(trigger))
        self.out.send(self._topics["alerts"], encode_alert(alert), alert.entity_id.encode(),
                      headers=headers)
        m = self.metrics
        m.child(m.alerts, alert.entity_type, alert.severity).inc()
        m.child(m.score, alert.entity_type).observe(alert.score)
        lag = time.time() - parse_rfc3339(alert.trigger_event_time)
        m.child(m.alert_latency, alert.entity_type).observe(max(0.0, lag))

    def dead(self, topic: str, partition: int, offset: int, key: bytes | None, value: bytes,
             error: BrandguardError, headers: InputHeaders = None,
             timestamp: float | None = None) -> None:
        """The original record's key bytes, headers and timestamp (Faust's seconds) are
        kept on the dead letter."""
        record = dead_letter(source_topic=topic, partition=partition, offset=offset, key=key,
                             value=value, error=error, failed_at=format_rfc3339(time.time()))
        self.out.send(self._topics["deadletter"], encode_deadletter(record), key,
                      headers=deadletter_headers(record, headers),
                      timestamp_ms=record_timestamp_ms(timestamp))
        self.metrics.deadletters.labels(error.error_code).inc()
        self.metrics.events.labels(topic, "deadlettered").inc()

    def fact(self, fact: Fact, trigger: InputHeaders = None) -> None:
        """``trigger``: headers of the input record behind the fact (its trace context)."""
        role = fact.kind
        partition = self._route(role, route_key(fact))
        name = self._topics[role]
        batch = self._pending.setdefault((name, partition), [])
        if trigger and role in _TRACED_KINDS:
            trace = trace_headers(trigger)
            if trace:
                self._traces.setdefault((name, partition), {})[len(batch)] = trace
        batch.append(fact_to_dict(fact))
        if len(batch) >= self.batch_size:
            self._send(name, partition)

    def mark(self, role: str, partition: int, mark: EpochMark) -> None:
        """An epoch mark to one partition of a fact topic, after the facts before it."""
        name = self._topics[role]
        self._pending.setdefault((name, partition), []).append(fact_to_dict(mark))
        self._send(name, partition)

    def flush(self) -> None:
        """Send every packed batch and view (before acking the events that produced them)."""
        for name, partition in list(self._pending):
            self._send(name, partition)
        views, self._views = self._views, {}
        for (role, key), value in views.items():
            self.publish(role, key, value)

    def pending(self) -> int:
        return sum(len(b) for b in self._pending.values()) + len(self._views)

    def publish(self, role: str, key: str, value: dict[str, Any]) -> None:
        """A compacted view record (model snapshot, brand view), sent now."""
        self.out.send(self._topics[role], orjson.dumps(value), key.encode())

    def publish_latest(self, role: str, key: str, value: dict[str, Any]) -> None:
        """A compacted view record sent at the next :meth:`flush`, unless a newer one of
        the same key replaces it first. For a view that changes with most events of its
        key (a brand's reference prices): readers of a compacted topic keep only the
        latest value, and they read it asynchronously, so the ones in between were
        never guaranteed to be seen; each costs a produce and a delivery report."""
        self._views[(role, key)] = value

    def ticket(self) -> int:
        """Covers every output so far (see :meth:`OutputProducer.delivered`)."""
        return self.out.ticket()

    def _route(self, role: str, key: str) -> int:
        partitions = self._partitions.get(role, 1)
        if partitions == 1:
            return 0
        route = self._routes.get(key)
        if route is None:
            route = self._routes.put(key, kafka_partition(key.encode(), partitions))
        return route

    def _send(self, name: str, partition: int) -> None:
        batch = self._pending.pop((name, partition), None)
        traces = self._traces.pop((name, partition), None)
        if batch:
            headers = [fact_traces_header(traces)] if traces else None
            self.out.send(name, orjson.dumps(batch), partition=partition, headers=headers)
