"""Hostile records in a live stream: each dead-lettered, the stream goes on.

Interleaved with a simulated day of traffic: invalid JSON, schema violations
and wrong types, an unknown schema, 10,000-deep nesting, NaN and Infinity,
integers beyond 64 bits, invalid UTF-8, NUL bytes, a 5 MB record (on an input
topic that accepts it), and an internal record that makes processing raise.
Each must come out on the dead-letter topic with its original bytes and its
precise ``error_code``; the records around them are processed as replay
processes them; the worker process never restarts; its memory stays bounded.
"""

from __future__ import annotations

import base64
import random
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, ConfigResource

from signals.evaluation.simulator import scenario_config, simulate
from tests.integration.test_worker import (
    _collect,
    _produce_registry_first,
    _replay,
    _wait_consumed,
    _worker,
)
from tests.integration.worker_proc import topic_name, wait_for
from tests.reliability.verdict import check_against_replay, latest_model

SEED = 20261206
HUGE = 5 * 1024 * 1024
#: the input topic and the producer accept the 5 MB record (a platform may allow it)
TOPIC_MAX_BYTES = 8 * 1024 * 1024
#: RSS may grow by this much over the hostile records (a 5 MB record is held a few times)
RSS_GROWTH_LIMIT = 256 * 1024 * 1024

_ORDER = orjson.dumps({"schema": "order.v1", "event_id": "e-hostile-1",
                       "event_time": "2026-11-01T10:00:00.000Z", "order_id": "o-hostile",
                       "listing_id": "l-hostile", "seller_id": "s-hostile",
                       "buyer_id": "b-hostile", "status": "placed", "unit_price": 12.5,
                       "currency": "USD", "quantity": 1})

#: each hostile input record and the error code it must be dead-lettered with
HOSTILE: dict[bytes, str] = {
    b"{not json": "invalid_json",
    b'{"schema":"order.v1","event_id":"e-hostile-2"}': "schema_violation",
    _ORDER.replace(b'"s-hostile"', b"[1,2]"): "schema_violation",
    _ORDER.replace(b'"quantity":1', b'"quantity":"1"'): "schema_violation",
    b'{"schema":"review.v1","event_id":"e-hostile-3"}': "unknown_schema",
    b"[" * 10_000 + b"]" * 10_000: "invalid_json",
    b'{"a":' * 10_000 + b"1" + b"}" * 10_000: "invalid_json",
    _ORDER.replace(b"12.5", b"NaN"): "invalid_json",
    _ORDER.replace(b"12.5", b"Infinity"): "invalid_json",
    _ORDER.replace(b"12.5", b"1e400"): "invalid_json",
    _ORDER.replace(b'"quantity":1', b'"quantity":123456789012345678901234567890'):
        "schema_violation",
    _ORDER.replace(b"o-hostile", b"o-\xff\xfe-hostile"): "invalid_json",
    _ORDER.replace(b'"o-hostile"', b'"o\x00hostile"'): "invalid_json",
    b"\x00" * 64: "invalid_json",
    b"[1,2,3]": "invalid_json",
}


def _huge_record() -> bytes:
    """A well-formed listing whose title alone is 5 MB: too large, not invalid."""
    return _ORDER.replace(b'"o-hostile"', b'"' + b"x" * HUGE + b'"')


def _interleave(lines: list[bytes], hostile: list[bytes], rng: random.Random) -> list[bytes]:
    """The hostile records at seeded places among the traffic (after the registry)."""
    out = list(lines)
    head = sum(1 for line in lines if b'"schema":"brand.v1"' in line)
    for record in hostile:
        out.insert(rng.randrange(head + 1, len(out)), record)
    return out


def _allow_huge(bootstrap: str, topic: str) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    resource = ConfigResource("topic", topic, set_config={"max.message.bytes":
                                                          str(TOPIC_MAX_BYTES)})
    for future in admin.alter_configs([resource]).values():
        future.result(30)


def _origins(dead: list[dict[str, Any]]) -> dict[tuple[str, int, int], dict[str, Any]]:
    return {(d["source_topic"], d["partition"], d["offset"]): d for d in dead}


@pytest.mark.timeout(1200)
def test_hostile_records_are_dead_lettered_and_the_stream_goes_on(
        kafka_bootstrap: str, unique: str, tmp_path: Path) -> None:
    sim = simulate(scenario_config("mixed", seed=5, days=1.0, scale=1.0))
    lines = _interleave(sim.lines, list(HOSTILE), random.Random(SEED))
    events = tmp_path / "events.jsonl"
    events.write_bytes(b"\n".join(lines) + b"\n")
    replay = _replay(lines)
    worker = _worker(kafka_bootstrap, unique, tmp_path).start()
    assert worker.proc is not None
    pid = worker.proc.pid
    app_id = worker.env["BRANDGUARD_APP_ID"]
    listings = topic_name(app_id, "listings")
    huge = _huge_record()
    try:
        _allow_huge(kafka_bootstrap, listings)
        rss_before = worker.metric("process_resident_memory_bytes")
        _produce_registry_first(events, tmp_path, [worker], kafka_bootstrap, app_id)
        producer = Producer({"bootstrap.servers": kafka_bootstrap,
                             "message.max.bytes": TOPIC_MAX_BYTES})
        producer.produce(listings, key=b"s-hostile", value=huge)
        # an internal record no processor can read: processing raises, on our side
        producer.produce(f"{app_id}-facts-network", key=b"s-hostile", value=b"{garbled")
        assert producer.flush(60) == 0
        _wait_consumed([worker], lines)
        wait_for(lambda: worker.metric(
            'brandguard_deadletters_total{error_code="processing_error"}') >= 1, 120,
            "the internal record dead-lettered", worker)
        rss_after = worker.metric("process_resident_memory_bytes")
        assert worker.proc.poll() is None and worker.proc.pid == pid, "the worker restarted"
        alerts, dead, aggregates = _collect(kafka_bootstrap, app_id, [worker])
        model = latest_model(kafka_bootstrap, app_id)
        codes = {code: worker.metric(f'brandguard_deadletters_total{{error_code="{code}"}}')
                 for code in ("invalid_json", "schema_violation", "unknown_schema",
                              "too_large", "processing_error")}
    finally:
        worker.stop()

    by_value = {base64.b64decode(d["value_base64"]): d for d in _origins(dead).values()}
    got = {record: by_value[record]["error_code"] for record in HOSTILE if record in by_value}
    print(f"\n[hostile] dead letters by code (metric): {codes}; RSS {rss_before / 2**20:.0f} "
          f"-> {rss_after / 2**20:.0f} MiB; worker pid unchanged")
    assert got == HOSTILE, Counter(HOSTILE.values()) - Counter(got.values())
    assert by_value.get(huge, {}).get("error_code") == "too_large"
    internal = [d for d in dead if d["source_topic"] == f"{app_id}-facts-network"]
    assert [d["error_code"] for d in internal] == ["processing_error"]
    assert rss_after - rss_before <= RSS_GROWTH_LIMIT
    # the rest exactly as replay has it (replay never saw the two records sent directly)
    inputs_dead = [d for d in dead if d not in internal
                   and base64.b64decode(d["value_base64"]) != huge]
    check_against_replay("hostile", sim, lines, replay, (alerts, inputs_dead, aggregates), model)
