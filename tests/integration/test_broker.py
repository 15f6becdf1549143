"""The local broker really serves both Kafka clients the project uses:
confluent_kafka (librdkafka; producers, admin) and aiokafka (under Faust)."""

from __future__ import annotations

import asyncio
import socket
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from confluent_kafka import Consumer, KafkaError, Message, Producer

from streams.localkafka.broker import (
    Broker,
    KafkaLocalError,
    broker_status,
    start_broker,
    stop_broker,
)
from streams.worker.settings import Settings

PARTITIONS = 8
KEYS = [f"seller-{n}" for n in range(12)]
ROUNDS = 3
DEADLINE_S = 30.0
# librdkafka's default (consistent_random, CRC32) routes keys differently from
# the Java client and aiokafka (murmur2); Faust's co-partitioning needs the latter.
JAVA_COMPATIBLE = {"partitioner": "murmur2_random"}

Record = tuple[str, str, int]  # key, value, partition
CreateTopics = Callable[..., None]  # the conftest fixture


def _record_of(msg: Message) -> Record:
    key, value, partition = msg.key(), msg.value(), msg.partition()
    assert isinstance(key, bytes) and isinstance(value, bytes) and partition is not None
    return key.decode(), value.decode(), partition


def _produce_confluent(bootstrap: str, topic: str, rounds: int = ROUNDS) -> list[Record]:
    delivered: list[Record] = []
    errors: list[KafkaError] = []

    def on_delivery(err: KafkaError | None, msg: Message) -> None:
        if err is not None:
            errors.append(err)
            return
        delivered.append(_record_of(msg))

    producer = Producer({"bootstrap.servers": bootstrap, **JAVA_COMPATIBLE})
    for round_no in range(rounds):
        for key in KEYS:
            producer.produce(topic, key=key, value=f"{key}#{round_no}", on_delivery=on_delivery)
    assert producer.flush(DEADLINE_S) == 0, "records still queued after the deadline"
    assert not errors, errors
    return delivered


def _consume_confluent(bootstrap: str, topic: str, group: str, count: int) -> list[Record]:
    consumer = Consumer({
        "bootstrap.servers": bootstrap, "group.id": group,
        "auto.offset.reset": "earliest", "enable.auto.commit": False,
    })
    consumer.subscribe([topic])
    received: list[Record] = []
    deadline = time.monotonic() + DEADLINE_S
    try:
        while len(received) < count and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            assert msg.error() is None, msg.error()
            received.append(_record_of(msg))
    finally:
        consumer.close()
    return received


async def _produce_aiokafka(bootstrap: str, topic: str) -> list[Record]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        delivered = []
        for round_no in range(ROUNDS):
            for key in KEYS:
                value = f"{key}#aio{round_no}"
                meta = await producer.send_and_wait(topic, value.encode(), key=key.encode())
                delivered.append((key, value, meta.partition))
        return delivered
    finally:
        await producer.stop()


async def _consume_aiokafka(bootstrap: str, topic: str, group: str, count: int,
                            fetch_bytes: int = 1_048_576) -> list[Record]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=group,
        auto_offset_reset="earliest", enable_auto_commit=False,
        max_partition_fetch_bytes=fetch_bytes,
    )
    await consumer.start()
    received: list[Record] = []
    deadline = time.monotonic() + DEADLINE_S
    try:
        while len(received) < count and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for tp, messages in batches.items():
                received.extend(
                    (m.key.decode(), m.value.decode(), tp.partition)
                    for m in messages
                )
    finally:
        await consumer.stop()
    return received


def _partitions_by_key(records: list[Record]) -> dict[str, set[int]]:
    by_key: dict[str, set[int]] = defaultdict(set)
    for key, _value, partition in records:
        by_key[key].add(partition)
    return by_key


def _values_in_order_by_key(records: list[Record]) -> dict[str, list[str]]:
    by_key: dict[str, list[str]] = defaultdict(list)
    for key, value, _partition in records:
        by_key[key].append(value)
    return dict(by_key)


def test_confluent_roundtrip_keeps_each_key_in_one_partition(
    kafka_bootstrap: str, create_topics: CreateTopics, unique: str
) -> None:
    topic = f"roundtrip-{unique}"
    create_topics([topic], partitions=PARTITIONS)
    sent = _produce_confluent(kafka_bootstrap, topic)
    received = _consume_confluent(kafka_bootstrap, topic, f"group-{unique}", len(sent))

    assert sorted(received) == sorted(sent)
    routed = _partitions_by_key(received)
    assert all(len(partitions) == 1 for partitions in routed.values()), routed
    assert len(set().union(*routed.values())) > 1, "all keys landed in one partition"
    # Kafka orders records only within a partition, which is enough per key.
    assert _values_in_order_by_key(received) == _values_in_order_by_key(sent)


def test_aiokafka_roundtrip_routes_keys_like_confluent(
    kafka_bootstrap: str, create_topics: CreateTopics, unique: str
) -> None:
    topic = f"aio-{unique}"
    create_topics([topic], partitions=PARTITIONS)
    from_confluent = _produce_confluent(kafka_bootstrap, topic, rounds=1)
    from_aiokafka = asyncio.run(_produce_aiokafka(kafka_bootstrap, topic))
    expected = len(from_confluent) + len(from_aiokafka)
    received = asyncio.run(
        _consume_aiokafka(kafka_bootstrap, topic, f"group-{unique}", expected)
    )

    assert sorted(received) == sorted(from_confluent + from_aiokafka)
    routed = _partitions_by_key(received)
    assert all(len(partitions) == 1 for partitions in routed.values()), routed


def test_aiokafka_reads_batches_larger_than_the_workers_fetch_limit_whole(
    kafka_bootstrap: str, create_topics: CreateTopics, unique: str
) -> None:
    """The worker fetches at most ``partition_fetch_bytes`` of a partition, less than
    a producer's batch can be. A broker sends such a batch whole for the first
    partition of a response and nothing, not a part, for the others (KIP-74);
    aiokafka, given a part alone, would skip an offset. Every record comes, once."""
    limit = Settings().partition_fetch_bytes
    topic = f"big-{unique}"
    create_topics([topic], partitions=PARTITIONS)
    producer = Producer({"bootstrap.servers": kafka_bootstrap, "linger.ms": 200,
                         "batch.size": 1 << 20, "compression.type": "none"})
    sent: list[Record] = []
    for round_no in range(2):  # two batches per partition, each four times the limit
        for partition in range(PARTITIONS):
            for n in range(4 * limit // 500):
                key, value = f"k{partition}", f"{partition}-{round_no}-{n}".ljust(500, ".")
                producer.produce(topic, key=key, value=value, partition=partition)
                sent.append((key, value, partition))
        assert producer.flush(DEADLINE_S) == 0
    received = asyncio.run(_consume_aiokafka(kafka_bootstrap, topic, f"group-{unique}",
                                             len(sent), fetch_bytes=limit))
    assert sorted(received) == sorted(sent)


def test_topics_are_not_auto_created(kafka_bootstrap: str, unique: str) -> None:
    topic = f"never-declared-{unique}"
    # A producer's metadata request asks the broker to auto-create the topic.
    producer = Producer({"bootstrap.servers": kafka_bootstrap})
    metadata = producer.list_topics(topic=topic, timeout=10)
    assert metadata.topics[topic].error is not None
    assert metadata.topics[topic].error.code() == KafkaError.UNKNOWN_TOPIC_OR_PART


def test_status_finds_the_session_broker(kafka_broker: Broker) -> None:
    assert broker_status(kafka_broker.state_dir) == kafka_broker


def _port_of(bootstrap: str) -> int:
    return int(bootstrap.rsplit(":", 1)[1])


def _accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_second_broker_starts_refuses_a_double_start_and_stops_clean(
    tmp_path: Path, kafka_version: str
) -> None:
    state_dir = tmp_path / "second"
    broker = start_broker(state_dir, kafka_version)
    try:
        assert broker_status(state_dir) == broker
        with pytest.raises(KafkaLocalError, match="already running"):
            start_broker(state_dir, kafka_version)
    finally:
        assert stop_broker(state_dir) is True
    assert broker_status(state_dir) is None
    assert not Path(f"/proc/{broker.pid}").exists()
    assert not (state_dir / "data").exists()
    assert not _accepts_connections(_port_of(broker.bootstrap))
    assert stop_broker(state_dir) is False


def test_a_topic_with_another_partition_count_stops_the_worker_early(
        kafka_bootstrap: str, unique: str) -> None:
    from streams.worker.admin import ensure_topics
    from streams.worker.settings import load_settings

    env = {"BRANDGUARD_KAFKA_BOOTSTRAP": kafka_bootstrap, "BRANDGUARD_APP_ID": f"bg-{unique}",
           "BRANDGUARD_PARTITIONS": "2", **{f"BRANDGUARD_TOPIC_{t}": f"{t.lower()}-{unique}"
                                           for t in ("LISTINGS", "ORDERS", "REPORTS", "BRANDS",
                                                     "ALERTS", "DEADLETTER")}}
    assert ensure_topics(load_settings(env))
    with pytest.raises(ValueError, match=r"facts-image has 1 partitions, settings say 3"):
        ensure_topics(load_settings({**env, "BRANDGUARD_IMAGE_PARTITIONS": "3"}))
    assert ensure_topics(load_settings(env)) == []
