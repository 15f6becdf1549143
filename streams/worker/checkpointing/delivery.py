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
then (``streams.worker.runners.base``). A delivery that fails after
librdkafka's own retries is kept in :attr:`OutputProducer.failure`; the worker
then stops rather than ack events whose outputs were lost.

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

from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from streams.worker.topics import DEADLETTER_MAX_BYTES

__all__ = ["DeliveryFailed", "OutputProducer", "producer_config"]


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
    def __init__(self, producer: _Librdkafka) -> None:
        self._producer = producer
        self._sent = 0
        #: numbers of outputs not yet delivered, in the order they were produced
        self._waiting: deque[int] = deque()
        self._done: set[int] = set()
        self.failure: str | None = None

    def send(self, topic: str, value: bytes, key: bytes | None = None,
             partition: int | None = None,
             on_delivered: Callable[[int], None] | None = None, *,
             headers: list[tuple[str, bytes | None]] | None = None,
             timestamp_ms: int = 0) -> None:
        """Produce one record; ``on_delivered`` gets its offset once the broker has it.

        ``headers`` and ``timestamp_ms`` (0: now) are for contract records only
        (alerts, dead letters); internal records go out without them."""
        self._sent += 1
        number = self._sent
        self._waiting.append(number)

        def delivered(err: Any, msg: Any) -> None:
            self._done.add(number)
            if err is not None:
                if self.failure is None:
                    self.failure = f"{topic}: {err}"
            elif on_delivered is not None:
                on_delivered(msg.offset())

        while True:
            try:
                if headers is not None:
                    self._producer.produce(topic, value, key, headers=headers,
                                           timestamp=timestamp_ms, on_delivery=delivered,
                                           partition=-1 if partition is None else partition)
                elif partition is None:
                    self._producer.produce(topic, value, key, on_delivery=delivered)
                else:
                    self._producer.produce(topic, value, key, partition=partition,
                                           on_delivery=delivered)
                return
            except BufferError:  # librdkafka's queue is full: let it drain
                self._producer.poll(0.05)

    def ticket(self) -> int:
        """A number covering every output produced so far."""
        return self._sent

    def delivered(self, ticket: int, poll: bool = True) -> bool:
        """Every output up to ``ticket`` is acknowledged by the broker."""
        if poll:
            self._producer.poll(0)
        if self.failure is not None:
            raise DeliveryFailed(self.failure)
        while self._waiting and self._waiting[0] in self._done:
            self._done.discard(self._waiting.popleft())
        return not self._waiting or self._waiting[0] > ticket

    def waiting(self) -> int:
        return len(self._waiting) - len(self._done)

    def close(self, timeout: float = 10.0) -> int:
        """Deliver what is queued (at shutdown); the number still undelivered."""
        return self._producer.flush(timeout)
