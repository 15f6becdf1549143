"""Faust's and the consumer's health as Prometheus metrics, through Faust's sensor API.

:class:`HealthMonitor` is the app's ``monitor`` (``faust.App(monitor=...)``):
Faust's own Monitor, which the worker has anyway, plus the metrics on-call
needs. Being the monitor rather than an extra sensor costs nothing per record:
Faust calls every sensor on every record (``on_message_in`` and three more).

- rebalances: how many, whether one is under way, how long the last one took
  until partitions were assigned and until the tables were recovered
  (``on_rebalance_start/return/end``);
- offset commits: how long each takes, Faust's producer flush included
  (``on_commit_initiated/completed``); a failed commit crashes the worker, which
  then shows as a restart and a rebalance;
- records Faust's producer could not deliver (``on_send_error``); brandguard's
  own producer counts its failures in the app (``producer="outputs"``);
- the partitions assigned to this worker after each rebalance, active and standby;
- records handed to an agent whose stream buffer is (nearly) full
  (``on_topic_buffer_full``): the agent, not Kafka, sets the pace.

Per record it keeps only Faust's two totals. Faust's Monitor times each record
from ``on_message_in`` to ``on_message_out``, but the worker acks records itself
(``checkpointing.ordered_acks``), so the "out" half never runs and those
figures could never be right, while the in half cost every record a dict and
two clock reads (docs/performance.md, fifteenth probe). brandguard's own
metrics count records per batch.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from faust.sensors import Monitor
from faust.types import TP, AppT, EventT, Message, StreamT
from faust.types.transports import ConsumerT, ProducerT

from streams.worker.monitoring.metrics import Metrics

__all__ = ["HealthMonitor", "assigned_partitions"]


def assigned_partitions(app: AppT) -> tuple[Iterable[TP], Iterable[TP]]:
    """Active and standby partitions of the last assignment Faust's assignor received."""
    assignor = app.assignor
    return assignor.assigned_actives(), assignor.assigned_standbys()


class HealthMonitor(Monitor):
    def __init__(self, metrics: Metrics, *,
                 assignment: Callable[[AppT], tuple[Iterable[TP], Iterable[TP]]] =
                 assigned_partitions,
                 clock: Callable[[], float] = time.monotonic, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metrics, self._assignment, self._clock = metrics, assignment, clock

    def on_message_in(self, tp: TP, offset: int, message: Message) -> None:
        self.messages_received_total += 1

    def on_stream_event_in(self, tp: TP, offset: int, stream: StreamT[Any],
                           event: EventT[Any]) -> dict[str, Any] | None:
        self.events_total += 1
        return None

    def on_rebalance_start(self, app: AppT) -> dict[str, Any]:
        state: dict[str, Any] = super().on_rebalance_start(app)
        state["health_start"] = self._clock()
        self.metrics.rebalances.inc()
        self.metrics.rebalancing.set(1)
        return state

    def on_rebalance_return(self, app: AppT, state: dict[str, Any]) -> None:
        super().on_rebalance_return(app, state)
        self.metrics.rebalance_seconds.labels("assigned").set(
            self._clock() - state["health_start"])
        self._record_assignment(app)

    def on_rebalance_end(self, app: AppT, state: dict[str, Any]) -> None:
        super().on_rebalance_end(app, state)
        self.metrics.rebalance_seconds.labels("recovered").set(
            self._clock() - state["health_start"])
        self.metrics.rebalancing.set(0)

    def on_commit_initiated(self, consumer: ConsumerT) -> Any:
        return (super().on_commit_initiated(consumer), self._clock())

    def on_commit_completed(self, consumer: ConsumerT, state: Any) -> None:
        monitor_state, started = state
        super().on_commit_completed(consumer, monitor_state)
        self.metrics.commit_seconds.observe(self._clock() - started)

    def on_send_error(self, producer: ProducerT, exc: BaseException, state: Any) -> None:
        super().on_send_error(producer, exc, state)
        self.metrics.send_errors.labels("faust").inc()

    def on_topic_buffer_full(self, tp: TP) -> None:
        super().on_topic_buffer_full(tp)
        self.metrics.stream_buffer_full.labels(tp.topic).inc()

    def _record_assignment(self, app: AppT) -> None:
        active, standby = self._assignment(app)
        gauge = self.metrics.assigned_partitions
        gauge.clear()  # topics no longer assigned must not keep their old count
        for kind, partitions in (("active", active), ("standby", standby)):
            for topic, count in Counter(tp.topic for tp in partitions).items():
                gauge.labels(topic, kind).set(count)
