"""Stand-ins for what the runners get from Faust and librdkafka, for unit tests.

Not a broker: records are handed to a runner directly, and deliveries happen
when a test says so. The integration tests run the same code on a real one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from streams.worker.checkpointing.delivery import OutputProducer
from streams.worker.monitoring.metrics import Metrics
from streams.worker.runners.base import RawEvent
from streams.worker.runners.emitter import Emitter

__all__ = ["Event", "Librdkafka", "Message", "emitter", "events"]


@dataclass(frozen=True)
class Message:
    topic: str
    partition: int
    offset: int
    key: bytes | None = None
    value: bytes | None = None
    headers: tuple[tuple[str, bytes | None], ...] | None = None
    #: seconds, as Faust gives it
    timestamp: float | None = None


@dataclass
class Event:
    message: Message
    log: list[Message] = field(repr=False)

    @property
    def value(self) -> bytes | None:
        return self.message.value

    def ack(self) -> None:
        self.log.append(self.message)


def events(log: list[Message], topic: str, partition: int, values: list[bytes],
           first: int = 0) -> list[RawEvent]:
    return [cast(RawEvent, Event(Message(topic, partition, first + i, None, v), log))
            for i, v in enumerate(values)]


@dataclass
class Librdkafka:
    """Records what is produced; deliveries wait for :meth:`deliver` unless ``auto``."""

    auto: bool = True
    sent: list[tuple[str, bytes | None, bytes | None, int | None]] = field(default_factory=list)
    #: (headers, timestamp) of each record in ``sent``: None, 0 when not given
    meta: list[tuple[list[tuple[str, bytes | None]] | None, int]] = field(default_factory=list)
    _waiting: list[Callable[[Any, Any], None]] = field(default_factory=list)
    fail_next: str | None = None
    delivered: int = 0

    def produce(self, topic: str, value: bytes | None = None, key: bytes | None = None,
                partition: int | None = None, on_delivery: Any = None,
                headers: list[tuple[str, bytes | None]] | None = None,
                timestamp: int = 0) -> None:
        self.sent.append((topic, value, key, partition))
        self.meta.append((headers, timestamp))
        self._waiting.append(on_delivery)

    def poll(self, timeout: float = 0) -> int:
        return self.deliver() if self.auto else 0

    def flush(self, timeout: float = 0) -> int:
        self.deliver()
        return 0

    def deliver(self) -> int:
        done, self._waiting = self._waiting, []
        for callback in done:
            error, self.fail_next = self.fail_next, None
            self.delivered += 1
            callback(error, _Delivered(self.delivered - 1))
        return len(done)


@dataclass(frozen=True)
class _Delivered:
    """The message a delivery report carries: only its offset is read."""

    at: int

    def offset(self) -> int:
        return self.at


def emitter(librdkafka: Librdkafka | None = None, partitions: dict[str, int] | None = None,
            batch_size: int = 500, ce_source: str | None = None) -> Emitter:
    topics = {"alerts": "alerts", "deadletter": "deadletter", "brand_listing": "facts-brand",
              "brand_report": "facts-brand", "image": "facts-image", "network": "facts-network",
              "training_example": "examples", "model": "model", "brand_views": "brand-views"}
    return Emitter(OutputProducer(librdkafka or Librdkafka()), topics, Metrics(),
                   partitions, batch_size, ce_source)
