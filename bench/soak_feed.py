"""The feeding side of ``soak.py``: simulated chunks, the paced producer, the alert reader.

- :class:`Chunks` simulates ``mixed`` scenarios one seed after another (new sellers
  with every chunk), a couple ahead of the producer.
- :class:`Feed` sends their lines at a fixed rate, each restamped to its produce time,
  and counts the dead letters each must give (decoded with the worker's decoder) and
  the sellers sent.
- :class:`AlertLatency` reads the alerts topic and keeps each alert's arrival and its
  produce-to-arrival seconds (``trigger_event_time`` is its event's produce time).
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import orjson
from confluent_kafka import Consumer, Producer, TopicPartition

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_latency import _restamp, _stamp
from harness import Loaded

from signals.contract.decode import decode
from signals.contract.timefmt import parse_rfc3339
from signals.errors import DecodeError
from signals.evaluation.simulator import scenario_config, simulate
from streams.cli.produce import producer_config, route, wait_until

__all__ = ["AlertLatency", "Chunks", "Feed"]

_SELLER_KEY = b'"seller_id":"'
_SCHEMAS = ("listing.v1", "order.v1", "report.v1", "brand.v1")
_ROLES = ("listings", "orders", "reports", "brands")


class Chunks(threading.Thread):
    """Simulated scenarios one seed after another, a few ahead of the producer."""

    def __init__(self, seed: int, days: float, scale: float, bad_rate: float) -> None:
        super().__init__(daemon=True)
        self.seed, self.days, self.scale, self.bad_rate = seed, days, scale, bad_rate
        self.out: queue.Queue[list[bytes]] = queue.Queue(maxsize=2)
        self.stopping = threading.Event()

    def run(self) -> None:
        seed = self.seed
        while not self.stopping.is_set():
            sim = simulate(scenario_config("mixed", seed=seed, days=self.days, scale=self.scale,
                                           bad_record_rate=self.bad_rate))
            lines = [line for line in sim.lines if line.strip()]
            while not self.stopping.is_set():
                try:
                    self.out.put(lines, timeout=0.5)
                    break
                except queue.Full:
                    continue
            seed += 1


class AlertLatency(threading.Thread):
    """Reads the alerts topic; keeps (arrival, arrival - trigger_event_time) per alert."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        super().__init__(daemon=True)
        self.consumer = Consumer({"bootstrap.servers": bootstrap,
                                  "group.id": f"soak-{time.time_ns()}",
                                  "auto.offset.reset": "earliest", "enable.auto.commit": False,
                                  "fetch.wait.max.ms": 10})
        parts = self.consumer.list_topics(topic, timeout=10).topics[topic].partitions
        self.consumer.assign([TopicPartition(topic, p, 0) for p in parts])
        self.seen: list[tuple[float, float]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                for msg in self.consumer.consume(500, 0.05):
                    now = time.time()
                    value = msg.value()
                    if msg.error() or value is None:
                        continue
                    try:
                        stamp = orjson.loads(value)["trigger_event_time"]
                        self.seen.append((now, now - parse_rfc3339(stamp)))
                    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                        continue
        finally:
            self.consumer.close()



class Feed:
    """The producer side: lines paced at ``rate``, restamped, routed; the dead letters
    they must give (decoded here as the worker decodes them) and the sellers seen."""

    def __init__(self, bootstrap: str, loaded: Loaded, rate: float) -> None:
        topics = loaded.topics
        self.routes = {schema: topics[role] for schema, role in zip(_SCHEMAS, _ROLES,
                                                                   strict=True)}
        self.schema_of = {topic: schema for schema, topic in self.routes.items()}
        self.producer = Producer(producer_config(bootstrap))
        self.rate = rate
        self.sent = 0
        self.expected: Counter[str] = Counter()
        self.sellers: set[bytes] = set()

    def expect(self, line: bytes, topic: str) -> None:
        try:
            decode(line, expected_schema=self.schema_of[topic])
        except DecodeError as err:
            self.expected[err.error_code] += 1
        at = line.find(_SELLER_KEY)
        if at >= 0:
            start = at + len(_SELLER_KEY)
            self.sellers.add(line[start:line.find(b'"', start)])

    def run(self, chunks: Chunks, first: list[bytes], seconds: float,
            go: threading.Event) -> float:
        """Produce until ``seconds`` pass (or ``go`` is cleared); the achieved rate."""
        started = time.time()
        last_ms, stamp = -1, b""
        lines = iter(first)
        while go.is_set():
            line = next(lines, None)
            if line is None:
                lines = iter(chunks.out.get())
                continue
            due = started + self.sent / self.rate
            if due - started >= seconds:
                break
            wait_until(self.producer, due, time.time)
            now = time.time()
            if int(now * 1000) != last_ms:
                last_ms, stamp = int(now * 1000), _stamp(now)
            line = _restamp(line, stamp)
            target = route(line, self.routes)
            self.expect(line, target.topic)
            while True:
                try:
                    self.producer.produce(target.topic, value=line, key=target.key,
                                          timestamp=int(now * 1000))
                    break
                except BufferError:
                    self.producer.poll(0.05)
            self.sent += 1
            self.producer.poll(0)
        self.producer.flush(60)
        return self.sent / max(time.time() - started, 1e-9)
