"""Reading and writing the governance topics for ``brandguard model`` (real Kafka)."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import orjson
from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition

from signals.contract.decode import decode
from signals.errors import BrandguardError
from streams.worker.admin import client_config
from streams.worker.settings import Settings, load_settings
from streams.worker.topics import internal_topics

__all__ = ["GovernanceTopics"]


class GovernanceTopics:
    """The registry, governance and listings topics of one deployment."""

    def __init__(self, bootstrap: str | None = None, app_id: str | None = None) -> None:
        settings = load_settings()
        if bootstrap:
            settings = replace(settings, bootstrap=bootstrap)
        if app_id:
            settings = replace(settings, app_id=app_id)
        self.settings: Settings = settings
        self.topics = internal_topics(settings)

    def read(self, topic: str, timeout: float = 30.0) -> list[tuple[bytes | None, bytes]]:
        """Every record of ``topic`` up to its current end, in offset order per partition."""
        consumer = Consumer({**client_config(self.settings), "group.id": "brandguard-cli",
                             "enable.auto.commit": False, "auto.offset.reset": "earliest"})
        try:
            meta = consumer.list_topics(topic, timeout=timeout).topics.get(topic)
            if meta is None or meta.error is not None:
                return []
            ends = {p: _watermarks(consumer, TopicPartition(topic, p), timeout)
                    for p in meta.partitions}
            wanted = {p: int(high) for p, (low, high) in ends.items() if high > low}
            consumer.assign([TopicPartition(topic, p, int(ends[p][0])) for p in wanted])
            records: list[tuple[bytes | None, bytes]] = []
            deadline = time.monotonic() + timeout
            while wanted and time.monotonic() < deadline:
                msg = consumer.poll(0.5)
                if msg is None or msg.error():
                    continue
                value, offset, partition = msg.value(), msg.offset(), msg.partition()
                if value is not None:
                    records.append((msg.key(), value))
                if offset is not None and offset + 1 >= wanted.get(partition or 0, 0):
                    wanted.pop(partition or 0, None)
            return records
        finally:
            consumer.close()

    def stream_time(self, timeout: float = 30.0) -> float | None:
        """The latest event time among the last listing of each input partition."""
        topic = self.settings.topics.listings
        consumer = Consumer({**client_config(self.settings), "group.id": "brandguard-cli",
                             "enable.auto.commit": False})
        try:
            meta = consumer.list_topics(topic, timeout=timeout).topics.get(topic)
            if meta is None:
                return None
            last = []
            for p in meta.partitions:
                low, high = _watermarks(consumer, TopicPartition(topic, p), timeout)
                if int(high) > int(low):
                    last.append(TopicPartition(topic, p, int(high) - 1))
            consumer.assign(last)
            latest: float | None = None
            deadline, pending = time.monotonic() + timeout, len(last)
            while pending and time.monotonic() < deadline:
                msg = consumer.poll(0.5)
                if msg is None or msg.error():
                    continue
                pending -= 1
                try:
                    ts = decode(msg.value() or b"").ts
                except BrandguardError:
                    continue
                latest = ts if latest is None else max(latest, ts)
            return latest
        finally:
            consumer.close()

    def write(self, topic: str, key: str, value: dict[str, Any], timeout: float = 30.0) -> None:
        """One record, delivered (acks from all in-sync replicas) before this returns."""
        producer = Producer({**client_config(self.settings), "acks": "all",
                             "enable.idempotence": True})
        failures: list[str] = []
        producer.produce(topic, orjson.dumps(value), key.encode(),
                         on_delivery=lambda err, _msg: failures.append(str(err)) if err else None)
        if producer.flush(timeout) or failures:
            raise RuntimeError(f"could not write to {topic}: {failures or 'timed out'}")


def _watermarks(consumer: Consumer, tp: TopicPartition, timeout: float) -> tuple[int, int]:
    """Low and high offsets, waiting out a fresh topic's leader election."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            low, high = consumer.get_watermark_offsets(tp, timeout=timeout)
            return int(low), int(high)
        except KafkaException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
