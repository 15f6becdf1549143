"""Outputs produced by librdkafka, and when they are safely on the broker.

Alerts, dead letters, views, facts and epoch marks go out through one
confluent-kafka producer rather than Faust's: Faust's producer sends one record
per event-loop turn, and a mark that another partition waits for queued behind
thousands of changelog records there. librdkafka batches in its own thread.

Faust flushes only its own producer before it commits offsets, so an event
must not be acked before its outputs are delivered. :meth:`OutputProducer.ticket`
numbers everything produced so far; :meth:`OutputProducer.delivered` says
whether every output up to a ticket has been acknowledged by the broker (in
any order across partitions). Runners hold a flushed partition's acks until
then (``streams.worker.runners.base``).

A record the broker refuses after librdkafka's own retries (its topic deleted,
writing to it denied) is, on a topic named in ``retry_topics`` (the alerts and
dead letters), parked and produced again with exponential backoff
(``checkpointing.refused``): it stays undelivered meanwhile, so the events
behind it are neither acked nor committed, and :meth:`OutputProducer.refusing`
tells the agents to take no more input. Internal topics are not retried: their
facts and epoch marks must reach each partition in the order they were sent,
which a record produced again after later ones cannot keep; a refusal there is
kept in :attr:`OutputProducer.failure` and the worker stops, to process the
events again from the last commit.

:meth:`OutputProducer.unanswered` is how long outputs have been in flight
without any answer from the broker (frozen, unreachable): the worker's
readiness and ``brandguard_broker_unreachable`` follow it.

>>> class Librdkafka:                          # stands in for confluent_kafka.Producer
...     def __init__(self): self.waiting = []
...     def produce(self, topic, value, key=None, partition=-1, on_delivery=None):
...         self.waiting.append(on_delivery)
...     def poll(self, timeout=0):
...         done, self.waiting = self.waiting, []
...         for callback in done: callback(None, None)
...         return len(done)
...     def flush(self, timeout=None): return self.poll()
>>> out = OutputProducer(Librdkafka())
>>> out.send("alerts", b"a"); out.send("alerts", b"b"); ticket = out.ticket()
>>> out.delivered(ticket, poll=False), out.delivered(ticket)
(False, True)
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Collection
from typing import Any, Protocol

from confluent_kafka import KafkaError, KafkaException

from streams.worker.checkpointing.refused import Backoff, Outage, Record
from streams.worker.topics import DEADLETTER_MAX_BYTES

__all__ = ["DeliveryFailed", "OutputProducer", "connect", "producer_config"]

log = logging.getLogger(__name__)


class DeliveryFailed(RuntimeError):
    """An output could not be delivered: the events behind it must not be acked."""


class _Librdkafka(Protocol):
    """What is used of ``confluent_kafka.Producer``."""

    def produce(self, topic: str, *args: Any, **kwargs: Any) -> None: ...

    def poll(self, *args: Any, **kwargs: Any) -> int: ...

    def flush(self, *args: Any, **kwargs: Any) -> int: ...


def producer_config(connection: dict[str, Any]) -> dict[str, Any]:
    """librdkafka producer settings on top of ``connection`` (bootstrap, security)."""
    return {
        **connection,
        "enable.idempotence": True,   # acks=all, ordered per partition across retries
        "linger.ms": 5,
        "compression.type": "lz4",
        # Java's partitioner: a key lands where Faust, aiokafka and Kafka Streams put it
        "partitioner": "murmur2_random",
        # a dead letter of a large record (librdkafka refuses over 1,000,000 by default)
        "message.max.bytes": DEADLETTER_MAX_BYTES + 65_536,
    }


class OutputProducer:
    def __init__(self, producer: _Librdkafka, retry_topics: Collection[str] = (),
                 first_retry: float = 1.0, longest_retry: float = 60.0,
                 broker_errors: list[Any] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """``broker_errors``: the list librdkafka's ``error_cb`` appends to."""
        self._producer = producer
        self._retry_topics = frozenset(retry_topics)
        self._retry = (first_retry, longest_retry)
        self._clock = clock
        self._sent = 0
        #: numbers of outputs not yet delivered, in the order they were produced
        self._waiting: deque[int] = deque()
        self._done: set[int] = set()
        self.failure: str | None = None
        #: topics refusing records now
        self.outages: dict[str, Outage] = {}
        #: outages so far, per topic, and records refused (each attempt counts)
        self.outages_started: dict[str, int] = {}
        self.refusals: dict[str, int] = {}
        self._in_flight = 0
        self._answered = False
        self._answered_at = clock()
        self._broker_errors = broker_errors if broker_errors is not None else []
        #: librdkafka's last word on the connection (ALL_BROKERS_DOWN), until a delivery
        self.broker_down: str | None = None

    def send(self, topic: str, value: bytes, key: bytes | None = None,
             partition: int | None = None,
             on_delivered: Callable[[int], None] | None = None, *,
             headers: list[tuple[str, bytes | None]] | None = None,
             timestamp_ms: int = 0) -> None:
        """Produce one record; ``on_delivered`` gets its offset once the broker has it.

        ``headers`` and ``timestamp_ms`` (0: now) are for contract records only
        (alerts, dead letters); internal records go out without them."""
        self._sent += 1
        self._waiting.append(self._sent)
        record = Record(self._sent, topic, value, key, partition, on_delivered, headers,
                        timestamp_ms)
        outage = self.outages.get(topic)
        if outage is not None:  # behind the refused ones, in order
            outage.park(record)
        else:
            self._produce(record)

    def _produce(self, record: Record) -> None:
        topic, value, key, partition = (record.topic, record.value, record.key,
                                        record.partition)

        def delivered(err: Any, msg: Any) -> None:
            self._in_flight -= 1
            self._answered = True
            if err is not None:
                self._refused(record, err)
                return
            self._done.add(record.number)
            self.broker_down = None
            if record.on_delivered is not None:
                record.on_delivered(msg.offset())
            outage = self.outages.get(topic)
            if outage is not None and outage.probing == record.number:
                self._recovered(outage)

        while True:
            try:
                if record.headers is not None:
                    self._producer.produce(topic, value, key, headers=record.headers,
                                           timestamp=record.timestamp_ms,
                                           on_delivery=delivered,
                                           partition=-1 if partition is None else partition)
                elif partition is None:
                    self._producer.produce(topic, value, key, on_delivery=delivered)
                else:
                    self._producer.produce(topic, value, key, partition=partition,
                                           on_delivery=delivered)
                self._in_flight += 1
                return
            except BufferError:  # librdkafka's queue is full: let it drain
                self._producer.poll(0.05)
            except KafkaException as exc:  # refused at once: a topic known not to exist
                self._refused(record, exc.args[0] if exc.args else exc)
                return

    def _refused(self, record: Record, err: Any) -> None:
        topic, now = record.topic, self._clock()
        self.refusals[topic] = self.refusals.get(topic, 0) + 1
        fatal = isinstance(err, KafkaError) and err.fatal()
        if topic not in self._retry_topics or fatal:
            self._done.add(record.number)
            if self.failure is None:
                self.failure = f"{topic}: {err}"
            return
        outage = self.outages.get(topic)
        if outage is None:
            outage = self.outages[topic] = Outage(topic, now, Backoff(*self._retry))
            outage.refused(now, str(err))
            self.outages_started[topic] = self.outages_started.get(topic, 0) + 1
            log.warning("output topic %s refuses records (%s): holding them and the events "
                        "behind them, trying again in %.0f s", topic, err, outage.next_at - now)
        if outage.probing == record.number:
            outage.probe_refused(record, now, str(err))
            log.warning("output topic %s still refuses records after %d attempts (%s): "
                        "next attempt in %.0f s, %d records held", topic, outage.attempts,
                        err, outage.next_at - now, outage.parked())
        else:
            outage.park(record)

    def _recovered(self, outage: Outage) -> None:
        """The topic took the probe: the rest follow in produce order."""
        del self.outages[outage.topic]
        held = outage.release()
        log.warning("output topic %s takes records again after %.0f s and %d attempts: "
                    "producing the %d held", outage.topic, self._clock() - outage.started,
                    outage.attempts, len(held) + 1)
        for record in held:
            self._produce(record)

    def poll(self) -> None:
        """Serve delivery reports and librdkafka's errors; try refused topics again when due."""
        self._producer.poll(0)
        now = self._clock()
        if self._answered or not self._in_flight:  # log lines served do not count
            self._answered, self._answered_at = False, now
        self._read_broker_errors()
        for outage in list(self.outages.values()):
            if outage.due(now):
                self._produce(outage.probe())

    def _read_broker_errors(self) -> None:
        while self._broker_errors:
            err = self._broker_errors.pop(0)
            if isinstance(err, KafkaError) and err.code() == KafkaError._ALL_BROKERS_DOWN:
                self.broker_down = err.str()
                log.warning("output producer: %s", err.str())
            else:
                log.debug("output producer: %s", err)

    def ticket(self) -> int:
        """A number covering every output produced so far."""
        return self._sent

    def delivered(self, ticket: int, poll: bool = True) -> bool:
        """Every output up to ``ticket`` is acknowledged by the broker."""
        if poll:
            self.poll()
        if self.failure is not None:
            raise DeliveryFailed(self.failure)
        while self._waiting and self._waiting[0] in self._done:
            self._done.discard(self._waiting.popleft())
        return not self._waiting or self._waiting[0] > ticket

    def waiting(self) -> int:
        return len(self._waiting) - len(self._done)

    def refusing(self) -> bool:
        """Some output topic refuses records: take no more input until it takes them."""
        return bool(self.outages)

    def parked(self) -> dict[str, int]:
        """Records held per refusing topic (a probe in flight included)."""
        return {topic: outage.parked() + (outage.probing is not None)
                for topic, outage in self.outages.items()}

    def unanswered(self, now: float) -> float:
        """Seconds outputs have been in flight without any answer from the broker."""
        return now - self._answered_at if self._in_flight else 0.0

    def unreachable(self, now: float, timeout: float) -> str | None:
        """Why the broker looks unreachable (outputs in flight and no answer for
        ``timeout`` seconds, or librdkafka lost every broker), or None."""
        silent = self.unanswered(now)
        if self._in_flight and silent >= timeout:
            return (f"the broker has not answered for {silent:.0f} s "
                    f"({self._in_flight} outputs in flight)")
        if self._in_flight and self.broker_down is not None:
            return f"the output producer lost every broker: {self.broker_down}"
        return None

    def close(self, timeout: float = 10.0) -> int:
        """Deliver what is queued (at shutdown); the number still undelivered."""
        return self._producer.flush(timeout)


def connect(factory: Callable[[dict[str, Any]], _Librdkafka], config: dict[str, Any],
            **options: Any) -> OutputProducer:
    """An OutputProducer on ``factory(config)`` (``confluent_kafka.Producer``) whose
    ``error_cb`` it reads."""
    errors: list[Any] = []
    return OutputProducer(factory({**config, "error_cb": errors.append}),
                          broker_errors=errors, **options)
