"""Baseline: a confluent-kafka consumer that decodes every record with orjson, and nothing else.

Subscribes a fresh group to the given topics from the earliest offset, with
the worker's fetch wait (100 ms) and commit interval (2 s), and consumes in
batches until ``--expected`` records have arrived. Prints one JSON line:
records, seconds (from subscribe to the last record, group join included),
per_s, cpu_s, cpu_ms_per_1k.

    python bench/confluent_loop.py --bootstrap 127.0.0.1:9092 --group g1 \\
        --topics a.listings,a.orders,a.reports,a.brands --expected 31613
"""

from __future__ import annotations

import argparse
import sys
import time

import orjson
from confluent_kafka import Consumer


def consume(bootstrap: str, group: str, topics: list[str], expected: int,
            timeout: float) -> dict[str, float]:
    consumer = Consumer({
        "bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
        "enable.auto.commit": True, "auto.commit.interval.ms": 2000,
        "fetch.wait.max.ms": 100,  # the worker's FastFetchConsumer
    })
    cpu0 = time.process_time()
    started = time.monotonic()
    consumer.subscribe(topics)
    count = decoded = 0
    deadline = started + timeout
    try:
        while count < expected:
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out at {count} of {expected} records")
            for msg in consumer.consume(1000, 0.1):
                if msg.error():
                    continue
                count += 1
                try:
                    orjson.loads(msg.value())
                    decoded += 1
                except orjson.JSONDecodeError:
                    pass
        seconds = time.monotonic() - started
        cpu = time.process_time() - cpu0
    finally:
        consumer.close()
    return {"records": count, "decoded": decoded, "seconds": seconds, "per_s": count / seconds,
            "cpu_s": cpu, "cpu_ms_per_1k": cpu / count * 1e6}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--group", required=True, help="a consumer group no one used before")
    parser.add_argument("--topics", required=True, help="comma-separated")
    parser.add_argument("--expected", type=int, required=True, help="records to consume")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args(argv)
    result = consume(args.bootstrap, args.group, args.topics.split(","), args.expected,
                     args.timeout)
    sys.stdout.write(orjson.dumps(result).decode() + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
