"""``brandguard produce``: where each line goes, the producer's safety settings, and a
broker that never acknowledges reported as failures (the delivery path against a real
broker runs in tests/integration/test_produce.py)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import orjson
import pytest

from signals.contract.events import SCHEMA_TOPICS
from streams.cli.produce import (
    ProduceSummary,
    _Sender,
    produce_file,
    producer_config,
    route,
    run_cli,
)


@pytest.mark.parametrize(("record", "topic", "key"), [
    ({"schema": "listing.v1", "seller_id": "s1"}, "marketplace.listings", b"s1"),
    ({"schema": "order.v1", "seller_id": "s2"}, "marketplace.orders", b"s2"),
    ({"schema": "report.v1", "seller_id": "s3", "brand_id": "b"}, "marketplace.reports", b"s3"),
    ({"schema": "brand.v1", "brand_id": "b1", "seller_id": "x"}, "marketplace.brands", b"b1"),
    ({"schema": "listing.v1", "seller_id": 7}, "marketplace.listings", None)])
def test_records_are_keyed_as_the_contract_says(record: dict[str, object], topic: str,
                                                key: bytes | None) -> None:
    assert route(orjson.dumps(record), SCHEMA_TOPICS) == (topic, key, True)


@pytest.mark.parametrize("line", [b"not json", b"[1]", b'{"schema": "listing.v9"}',
                                  b'{"schema": 3}', b'{"seller_id": "s1"}'])
def test_unknown_or_broken_records_go_keyless_to_listings_for_dead_lettering(
        line: bytes) -> None:
    assert route(line, SCHEMA_TOPICS) == ("marketplace.listings", None, False)


def test_records_are_acknowledged_by_every_replica_and_never_duplicated() -> None:
    config = producer_config("k:9092", {"security.protocol": "SSL"})
    assert (config["acks"], config["enable.idempotence"]) == ("all", True)
    assert config["partitioner"] == "murmur2_random"  # the Java client's, as Faust's sends
    assert config["bootstrap.servers"] == "k:9092" and config["security.protocol"] == "SSL"


def test_every_input_schema_needs_a_topic(tmp_path: Path) -> None:
    events = tmp_path / "e.jsonl"
    events.write_bytes(b"")
    with pytest.raises(ValueError, match="missing"):
        produce_file(events, "127.0.0.1:1", topics={"listing.v1": "l"}, progress=False)


def test_records_a_broker_never_acknowledges_are_failures(tmp_path: Path) -> None:
    events = tmp_path / "e.jsonl"
    events.write_bytes(b'{"schema":"listing.v1","seller_id":"s1"}\n\n\nbroken\n')
    summary = produce_file(events, "127.0.0.1:1", progress=False,
                           client_config={"message.timeout.ms": "500"})
    assert (summary.lines, summary.sent, summary.blank, summary.unroutable) == (4, 2, 2, 1)
    assert summary.failures == 2 and not summary.ok and summary.first_error
    assert sum(summary.delivered.values()) == 0


def test_the_summary_is_ok_only_when_everything_sent_was_delivered() -> None:
    summary = ProduceSummary(sent=2, elapsed_s=0.5)
    summary.delivered["t"] = 2
    assert summary.ok and summary.events_per_s == 4.0
    summary.failures = 1
    assert not summary.ok
    assert ProduceSummary().events_per_s == 0.0


def test_the_command_exits_1_when_deliveries_failed(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    events = tmp_path / "e.jsonl"
    events.write_bytes(b'{"schema":"order.v1","seller_id":"s1"}\n')
    monkeypatch.setenv("BRANDGUARD_KAFKA_BOOTSTRAP", "127.0.0.1:1")
    monkeypatch.setattr("streams.cli.produce.librdkafka_config",
                        lambda settings: {"message.timeout.ms": "500"})
    args = argparse.Namespace(events=str(events), bootstrap=None, rate=0.0, quiet=True)
    assert run_cli(args) == 1
    out = capsys.readouterr().out
    assert "produced 1 records" in out and "1 delivery failures (first: " in out


class _PollRecorder:
    """Stands in for the librdkafka producer where only the pacing is under test."""

    def __init__(self) -> None:
        self.timeouts: list[float] = []

    def poll(self, timeout: float) -> int:
        self.timeouts.append(timeout)
        time.sleep(timeout)
        return 0


def test_pacing_never_asks_librdkafka_for_a_wait_it_rounds_to_nothing() -> None:
    # poll's timeout counts whole milliseconds: waiting out a shorter gap that way
    # returns at once, and the loop spun a core the worker shares
    producer = _PollRecorder()
    sender = _Sender(producer, ProduceSummary(), rate=5000.0)  # type: ignore[arg-type]
    for _ in range(50):
        sender.pace()
        due = sender.started + sender.summary.sent / sender.rate
        assert time.monotonic() >= due - 0.001  # never ahead of the schedule by more
        sender.summary.sent += 1
    assert producer.timeouts and min(producer.timeouts) > 0.001
