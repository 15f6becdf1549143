"""``produce_file`` against a real broker: every line arrives once, on the topic of
its schema, keyed so that Faust/aiokafka's partitioner would agree."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import orjson
from aiokafka.partitioner import DefaultPartitioner
from confluent_kafka import Consumer, KafkaError

from signals.contract.events import SCHEMA_TOPICS
from signals.evaluation.simulator import scenario_config, simulate
from streams.cli.produce import PACING_SLACK_S, produce_file

_PARTITIONS = 4
_CONSUME_TIMEOUT_S = 60.0
_KEY_FIELD = {"listing.v1": "seller_id", "order.v1": "seller_id", "report.v1": "seller_id",
              "brand.v1": "brand_id"}


_UNROUTABLE = [b'{"schema":', b'{"schema":"payment.v1","seller_id":"s-1"}', b"[1, 2]"]


def _write_sample(path: Path) -> list[bytes]:
    """A small simulated day plus records the pipeline must dead-letter, with a blank
    line in the middle that must be skipped."""
    lines = simulate(scenario_config("mixed", seed=9, days=1.0, scale=0.2)).lines + _UNROUTABLE
    half = len(lines) // 2
    path.write_bytes(b"".join(line + b"\n" for line in lines[:half]) + b"\n"
                     + b"".join(line + b"\n" for line in lines[half:]))
    return lines


def _expected_route(line: bytes, topics: dict[str, str]) -> tuple[str, str | None]:
    """(topic, key) by CONTRACT.md; anything unrecognised goes keyless to listings."""
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return topics["listing.v1"], None
    schema = record.get("schema") if isinstance(record, dict) else None
    if schema not in _KEY_FIELD:
        return topics["listing.v1"], None
    key = record.get(_KEY_FIELD[schema])
    return topics[schema], key if isinstance(key, str) else None


def _consume(bootstrap: str, group: str, topics: list[str],
             expected: int) -> list[tuple[str, int, bytes | None, bytes]]:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe(topics)
    received: list[tuple[str, int, bytes | None, bytes]] = []
    deadline = time.monotonic() + _CONSUME_TIMEOUT_S
    try:
        while len(received) < expected and time.monotonic() < deadline:
            for msg in consumer.consume(num_messages=1000, timeout=0.5):
                error = msg.error()
                if error is not None and error.code() != KafkaError._PARTITION_EOF:
                    raise AssertionError(f"consume error: {error}")
                if error is None:
                    received.append((str(msg.topic()), int(msg.partition() or 0), msg.key(),
                                     msg.value() or b""))
    finally:
        consumer.close()
    return received


def test_every_line_lands_once_on_its_topic_keyed_like_faust(
        tmp_path: Path, kafka_bootstrap: str, unique: str,
        create_topics: Callable[..., None]) -> None:
    path = tmp_path / "events.jsonl"
    lines = _write_sample(path)
    topics = {schema: f"{name}.{unique}" for schema, name in SCHEMA_TOPICS.items()}
    create_topics(list(topics.values()), _PARTITIONS)

    summary = produce_file(path, kafka_bootstrap, topics=topics, progress=False)

    assert summary.ok and summary.failures == 0
    assert summary.sent == len(lines) and summary.blank == 1
    expected = [_expected_route(line, topics) for line in lines]
    expected_per_topic = Counter(topic for topic, _ in expected)
    assert summary.delivered == expected_per_topic
    received = _consume(kafka_bootstrap, f"g-{unique}", list(topics.values()), len(lines))
    assert Counter(topic for topic, *_ in received) == expected_per_topic
    assert Counter(value for *_, value in received) == Counter(lines)  # bytes untouched

    partitions_of_key: dict[bytes, set[int]] = defaultdict(set)
    partitioner = DefaultPartitioner()
    for _topic, partition, key, value in received:
        if key is None:
            continue
        partitions_of_key[key].add(partition)
        # the partition aiokafka (and so Faust) would pick for this key
        assert partition == partitioner(key, list(range(_PARTITIONS)), [])
        record = orjson.loads(value)
        assert key.decode("utf-8") == record[_KEY_FIELD[record["schema"]]]
    assert all(len(parts) == 1 for parts in partitions_of_key.values())
    keyless = sum(1 for *_, key, _value in received if key is None)
    assert keyless == sum(1 for _, key in expected if key is None)
    assert summary.unroutable >= len(_UNROUTABLE)


def test_rate_limit_paces_sending(tmp_path: Path, kafka_bootstrap: str, unique: str,
                                  create_topics: Callable[..., None]) -> None:
    path = tmp_path / "events.jsonl"
    lines = simulate(scenario_config("mixed", seed=2, days=0.1, scale=0.1)).lines[:300]
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    topics = {schema: f"{name}.{unique}" for schema, name in SCHEMA_TOPICS.items()}
    create_topics(list(topics.values()), 1)

    summary = produce_file(path, kafka_bootstrap, rate=500.0, topics=topics, progress=False)

    assert summary.ok and summary.sent == len(lines)
    # the last of 300 records may not go before 299/500 s after the first (less the
    # millisecond a paced wait may end early)
    assert summary.elapsed_s >= (len(lines) - 1) / 500.0 - PACING_SLACK_S
    assert summary.events_per_s < 520.0


def test_unreachable_broker_is_a_counted_failure(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(b'{"schema":"brand.v1","brand_id":"b1"}\n{"broken\n')
    # a port nothing listens on; a short message timeout makes delivery fail fast
    summary = produce_file(path, "127.0.0.1:1", progress=False,
                           client_config={"message.timeout.ms": "1500"})
    assert not summary.ok
    assert summary.failures == 2 and summary.sent == 2 and not summary.delivered
