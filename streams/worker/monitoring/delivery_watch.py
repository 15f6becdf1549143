"""Whether outputs reach the broker, as metrics, log lines and readiness.

Two faults stop outputs from being delivered without stopping the worker:
the broker does not answer (frozen, partitioned away: librdkafka keeps the
records and retries them), or an output topic refuses them (deleted, writing
denied: ``checkpointing.refused`` holds them and tries again). Either way no
offset is committed past the events behind them, and the worker is not
ready: ``/readyz`` says 503 with the reason until outputs flow again.
"""

from __future__ import annotations

import logging

from prometheus_client import Counter

from streams.worker.checkpointing.delivery import OutputProducer
from streams.worker.monitoring.metrics import Metrics

__all__ = ["DeliveryWatch"]

log = logging.getLogger(__name__)


class DeliveryWatch:
    def __init__(self, outputs: OutputProducer, metrics: Metrics, broker_timeout: float,
                 output_topics: list[str]) -> None:
        self._outputs = outputs
        self._metrics = metrics
        self._timeout = broker_timeout
        self._unreachable: str | None = None
        self._since = 0.0
        self._counted: dict[tuple[str, str], int] = {}
        self._topics = set(output_topics)
        for topic in output_topics:  # present at 0: the first outage is an increase
            metrics.outputs_held.labels(topic).set(0)
            metrics.output_outages.labels(topic)
            metrics.output_refusals.labels(topic)

    def update(self, now: float) -> None:
        """Every timer tick: serve the producer (retries included) and export."""
        out, metrics = self._outputs, self._metrics
        out.poll()
        reason = out.unreachable(now, self._timeout)
        if reason is not None and self._unreachable is None:
            self._since = now
            metrics.broker_unreachable_episodes.inc()
            log.warning("broker unreachable: %s; not ready until it answers", reason)
        elif reason is None and self._unreachable is not None:
            log.warning("the broker answers again after %.0f s", now - self._since)
        self._unreachable = reason
        metrics.broker_unreachable.set(0 if reason is None else 1)
        metrics.output_unanswered.set(out.unanswered(now))
        self._count(metrics.output_outages, "outages", out.outages_started)
        self._count(metrics.output_refusals, "refusals", out.refusals)
        held = out.parked()
        self._topics.update(held)
        for topic in self._topics:
            metrics.outputs_held.labels(topic).set(held.get(topic, 0))

    def _count(self, counter: Counter, name: str, totals: dict[str, int]) -> None:
        """Add what the producer counted since the last tick."""
        for topic, total in totals.items():
            done = self._counted.get((topic, name), 0)
            if total > done:
                counter.labels(topic).inc(total - done)
                self._counted[(topic, name)] = total

    def reason(self) -> str | None:
        """Why the worker is not ready as far as outputs go, or None."""
        reasons = [] if self._unreachable is None else [self._unreachable]
        held = self._outputs.parked()
        for topic, outage in self._outputs.outages.items():
            reasons.append(f"output topic {topic} refuses records ({outage.last_error}): "
                           f"{held[topic]} held, {outage.attempts} attempts so far")
        return "; ".join(reasons) or None
