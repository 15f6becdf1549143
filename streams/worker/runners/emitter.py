"""Where processor outputs go when live: alerts, dead letters and facts as Kafka records.

``send_soon`` only buffers; Faust flushes the producer before it commits
offsets, so every output of an event is on the broker before the event's
offset is committed (at-least-once).
"""

from __future__ import annotations

import time
from typing import Any

import orjson

from signals.contract.alert import Alert, encode_alert
from signals.contract.deadletter import dead_letter, encode_deadletter
from signals.contract.timefmt import format_rfc3339, parse_rfc3339
from signals.errors import BrandguardError
from signals.processors.messages import EpochMark, Fact, fact_to_dict, route_key
from streams.worker.monitoring.metrics import Metrics

__all__ = ["Emitter"]


class Emitter:
    def __init__(self, topics: dict[str, Any], metrics: Metrics) -> None:
        """``topics``: Faust topics by role: alerts, deadletter, and one per fact kind."""
        self._topics = topics
        self.metrics = metrics

    def alert(self, alert: Alert) -> None:
        self._topics["alerts"].send_soon(key=alert.entity_id.encode(), value=encode_alert(alert))
        self.metrics.alerts.labels(alert.entity_type, alert.severity).inc()
        self.metrics.score.labels(alert.entity_type).observe(alert.score)
        lag = time.time() - parse_rfc3339(alert.trigger_event_time)
        self.metrics.alert_latency.labels(alert.entity_type).observe(max(0.0, lag))

    def dead(self, topic: str, partition: int, offset: int, key: bytes | None, value: bytes,
             error: BrandguardError) -> None:
        record = dead_letter(source_topic=topic, partition=partition, offset=offset, key=key,
                             value=value, error=error, failed_at=format_rfc3339(time.time()))
        self._topics["deadletter"].send_soon(key=key, value=encode_deadletter(record))
        self.metrics.deadletters.labels(error.error_code).inc()
        self.metrics.events.labels(topic, "deadlettered").inc()

    def fact(self, fact: Fact) -> None:
        self._topics[fact.kind].send_soon(key=route_key(fact).encode(),
                                          value=orjson.dumps(fact_to_dict(fact)))

    def mark(self, role: str, partition: int, mark: EpochMark) -> None:
        """An epoch mark to one partition of a fact topic (see ``epoch_marks``)."""
        self._topics[role].send_soon(value=orjson.dumps(fact_to_dict(mark)), partition=partition)

    def publish(self, role: str, key: str, value: dict[str, Any]) -> None:
        """A compacted view record (model snapshot, brand view)."""
        self._topics[role].send_soon(key=key.encode(), value=orjson.dumps(value))
