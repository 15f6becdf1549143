"""``brandguard produce``: send a JSON Lines event file to the input topics.

Each line goes, untouched, to the topic of its ``schema`` field, keyed as
CONTRACT.md says (``seller_id``; ``brand_id`` for ``brand.v1``), so a seller's
listings, orders and reports meet in one partition downstream.

A line that is not JSON, or names no known schema, is still sent: to the
listings topic with a null key. The pipeline, not the producer, is where
records are judged; it dead-letters them with the reason and the original
bytes, so nothing disappears silently on the way in. Blank lines are skipped,
as in offline replay.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import orjson
from confluent_kafka import KafkaError, Message, Producer

from signals.contract.events import SCHEMA_TOPICS
from streams.cli.progress import Progress
from streams.worker.security import librdkafka_config
from streams.worker.settings import load_settings

__all__ = ["DEFAULT_BOOTSTRAP", "PACING_SLACK_S", "ProduceSummary", "Route", "produce_file",
           "producer_config", "route", "run_cli", "wait_until"]

DEFAULT_BOOTSTRAP = "127.0.0.1:9092"
_KEY_FIELD = {"listing.v1": "seller_id", "order.v1": "seller_id", "report.v1": "seller_id",
              "brand.v1": "brand_id"}
_FLUSH_TIMEOUT_S = 120.0


@dataclass(slots=True)
class ProduceSummary:
    """What a run sent and what the broker acknowledged."""

    lines: int = 0
    sent: int = 0
    blank: int = 0
    unroutable: int = 0
    delivered: Counter[str] = field(default_factory=Counter)
    failures: int = 0
    first_error: str | None = None
    elapsed_s: float = 0.0

    @property
    def events_per_s(self) -> float:
        return self.sent / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def ok(self) -> bool:
        return self.failures == 0 and sum(self.delivered.values()) == self.sent


def producer_config(bootstrap: str, extra: Mapping[str, str] | None = None) -> dict[str, Any]:
    """librdkafka settings for loading events safely and fast."""
    return {
        "bootstrap.servers": bootstrap,
        "client.id": "brandguard-produce",
        # a record counts as sent only once every in-sync replica has it, and retries
        # cannot duplicate or reorder it within a partition
        "acks": "all",
        "enable.idempotence": True,
        # wait up to 20 ms to fill batches: a big throughput gain for little latency
        "linger.ms": 20,
        "batch.size": 512 * 1024,
        "batch.num.messages": 10_000,
        # JSON compresses ~4x; lz4 costs little CPU on both ends
        "compression.type": "lz4",
        # murmur2 on the key, like the Java client and aiokafka/Faust, so these records
        # land in the partitions where the worker's own keyed sends would put them
        # (co-partitioning); random for null keys, like the Java client
        "partitioner": "murmur2_random",
        "queue.buffering.max.messages": 200_000,
        # fail a record after a minute instead of the default five, so a dead broker
        # ends the run with an error rather than a long silent wait
        "message.timeout.ms": 60_000,
        **(extra or {}),
    }


class Route(NamedTuple):
    topic: str
    key: bytes | None
    known_schema: bool


def route(line: bytes, topics: Mapping[str, str]) -> Route:
    """Where one line goes; unknown or broken records go to the listings topic, keyless.

    >>> route(b'{"schema":"brand.v1","brand_id":"b1"}', SCHEMA_TOPICS)
    Route(topic='marketplace.brands', key=b'b1', known_schema=True)
    >>> route(b'{"schema":"listing.v1","seller_id":"s\\\\u00e9"}', SCHEMA_TOPICS).key
    b's\\xc3\\xa9'
    >>> route(b'{"schema":', SCHEMA_TOPICS)
    Route(topic='marketplace.listings', key=None, known_schema=False)
    """
    fallback = Route(topics["listing.v1"], None, known_schema=False)
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return fallback
    schema = record.get("schema") if isinstance(record, dict) else None
    if not isinstance(schema, str) or schema not in topics or schema not in _KEY_FIELD:
        return fallback
    key = record.get(_KEY_FIELD[schema])
    return Route(topics[schema], key.encode("utf-8") if isinstance(key, str) else None, True)


def _lines(path: Path) -> Iterator[bytes]:
    # binary iteration splits on b"\n" only, as the contract requires (U+2028 stays inside)
    with path.open("rb") as handle:
        for raw in handle:
            yield raw[:-1] if raw.endswith(b"\n") else raw


def _count_lines(path: Path) -> int:
    return sum(1 for line in _lines(path) if line.strip())


#: how early a paced record may go: librdkafka cannot wait less than a millisecond
PACING_SLACK_S = 0.001


def wait_until(producer: Producer, due: float,
               clock: Callable[[], float] = time.monotonic) -> None:
    """Serve ``producer``'s delivery callbacks until ``due`` on ``clock``.

    librdkafka's poll waits in whole milliseconds: a shorter timeout returns at once,
    and waiting that way for each record of a paced stream spun a core the worker
    shares. So the wait ends within :data:`PACING_SLACK_S` of ``due``, never later.
    """
    while (wait := due - clock()) > PACING_SLACK_S:
        producer.poll(min(wait, 0.1))


class _Sender:
    """Produces with back-pressure, pacing and delivery accounting."""

    def __init__(self, producer: Producer, summary: ProduceSummary, rate: float) -> None:
        self.producer, self.summary, self.rate = producer, summary, rate
        self.started = time.monotonic()

    def on_delivery(self, err: KafkaError | None, msg: Message) -> None:
        if err is not None:
            self.summary.failures += 1
            self.summary.first_error = self.summary.first_error or str(err)
        else:
            self.summary.delivered[str(msg.topic())] += 1

    def pace(self) -> None:
        """Hold back until the ``rate`` schedule allows the next record (0 = no limit)."""
        if self.rate <= 0:
            return
        wait_until(self.producer, self.started + self.summary.sent / self.rate)

    def send(self, topic: str, key: bytes | None, value: bytes) -> None:
        while True:
            try:
                self.producer.produce(topic, value=value, key=key, on_delivery=self.on_delivery)
                break
            except BufferError:
                self.producer.poll(0.1)  # local queue full: let the broker catch up
        self.summary.sent += 1
        self.producer.poll(0)


def produce_file(path: str | Path, bootstrap: str, *, rate: float = 0.0,
                 topics: Mapping[str, str] | None = None, progress: bool = True,
                 client_config: Mapping[str, str] | None = None) -> ProduceSummary:
    """Send every non-blank line of ``path``; returns once all are acknowledged or failed.

    ``topics`` maps schema name to topic (default: ``SCHEMA_TOPICS``); ``rate`` caps
    events per second (0 = as fast as the broker takes them).
    """
    path, routes = Path(path), dict(topics or SCHEMA_TOPICS)
    if missing := set(SCHEMA_TOPICS) - set(routes):
        raise ValueError(f"topics must name a topic for every input schema; missing {missing}")
    summary = ProduceSummary()
    total = _count_lines(path)
    sender = _Sender(Producer(producer_config(bootstrap, client_config)), summary, rate)
    display = Progress(total, "produce", enabled=progress)
    for line in _lines(path):
        summary.lines += 1
        if not line.strip():
            summary.blank += 1
            continue
        target = route(line, routes)
        summary.unroutable += not target.known_schema
        sender.pace()
        sender.send(target.topic, target.key, line)
        display.update(summary.sent)
    remaining = sender.producer.flush(_FLUSH_TIMEOUT_S)
    summary.failures += remaining  # never acknowledged: count them as failed
    summary.elapsed_s = time.monotonic() - sender.started
    display.close(summary.sent)
    return summary


def _report(summary: ProduceSummary) -> None:
    delivered = sorted(summary.delivered.items())
    per_topic = ", ".join(f"{topic} {count:,}" for topic, count in delivered)
    print(f"produced {summary.sent:,} records in {summary.elapsed_s:.2f} s "
          f"({summary.events_per_s:,.0f}/s); delivered: {per_topic or 'none'}")
    print(f"skipped {summary.blank} blank lines; {summary.unroutable} unroutable records sent "
          f"keyless for dead-lettering; {summary.failures} delivery failures"
          + (f" (first: {summary.first_error})" if summary.first_error else ""))


def run_cli(args: argparse.Namespace) -> int:
    settings = load_settings()
    # an explicit --bootstrap wins; else the worker's BRANDGUARD_KAFKA_BOOTSTRAP, else localhost
    bootstrap = args.bootstrap or settings.bootstrap or DEFAULT_BOOTSTRAP
    if not Path(args.events).is_file():
        print(f"brandguard produce: no such file: {args.events}", file=sys.stderr)
        return 2
    summary = produce_file(args.events, bootstrap, rate=args.rate,
                           topics=settings.topics.for_schema(), progress=not args.quiet,
                           client_config=librdkafka_config(settings))
    _report(summary)
    return 0 if summary.ok else 1
