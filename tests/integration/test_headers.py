"""Record headers on the real broker (contract v1.1): a listing with a trace context raises
an alert that carries it with CloudEvents attributes; a malformed record's dead letter
keeps its headers, key bytes and timestamp and adds the error headers."""

from __future__ import annotations

from pathlib import Path

import orjson
from confluent_kafka import Producer

from tests.integration.worker_proc import (
    WorkerProcess,
    free_port,
    read_messages,
    topic_name,
    wait_for,
    worker_env,
)

PARENT = b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
BRAND = {"schema": "brand.v1", "event_id": "b-1", "event_time": "2026-11-27T10:00:00Z",
         "brand_id": "br1", "name": "Lumora", "authorized_sellers": ["s-ok"],
         "reference_price": 400.0, "currency": "USD"}
#: replay alerts on it: counterfeit words, 90 % under the reference, seller not authorized
LISTING = {"schema": "listing.v1", "event_id": "e-1", "event_time": "2026-11-27T14:00:00Z",
           "action": "created", "listing_id": "l1", "seller_id": "s1", "brand_id": "br1",
           "title": "Lumora replica handbag 1:1 mirror quality", "price": 39.0,
           "currency": "USD", "quantity": 50, "seller_since": "2026-11-26T00:00:00Z"}
#: a CreateTime far from now, so a dead letter stamped "now" could not pass for it
BAD_TIMESTAMP_MS = 1_795_788_191_250


def test_alerts_and_dead_letters_carry_the_contract_headers(kafka_bootstrap: str, unique: str,
                                                            tmp_path: Path) -> None:
    app_id = f"bg-{unique}"[:60]
    port = free_port()
    env = worker_env(kafka_bootstrap, app_id, tmp_path / "w1", port)
    env["BRANDGUARD_CE_SOURCE"] = "//risk.example.com/brandguard"
    worker = WorkerProcess(env=env, port=port, log=tmp_path / "w1.log").start()
    try:
        producer = Producer({"bootstrap.servers": kafka_bootstrap})
        producer.produce(topic_name(app_id, "brands"), key=b"br1", value=orjson.dumps(BRAND))
        assert producer.flush(30) == 0
        wait_for(lambda: (worker.get("/readyz") or {}).get("brands") == 1, 60,
                 "the registry loaded", worker)
        producer.produce(topic_name(app_id, "listings"), key=b"s1", value=orjson.dumps(LISTING),
                         headers=[("traceparent", PARENT), ("tracestate", b"congo=t61rcWkgMzE")])
        original = [("x-origin", b"upstream-7"), ("traceparent", PARENT), ("empty", None)]
        producer.produce(topic_name(app_id, "orders"), key=b"s\xff1", value=b"{not json",
                         headers=original, timestamp=BAD_TIMESTAMP_MS)
        assert producer.flush(30) == 0
        wait_for(lambda: worker.metric("brandguard_alerts_total") >= 1
                 and worker.metric("brandguard_deadletters_total") >= 1, 90,
                 "an alert and a dead letter", worker)
        alerts = read_messages(kafka_bootstrap, topic_name(app_id, "alerts"))
        dead = read_messages(kafka_bootstrap, topic_name(app_id, "deadletter"))
    finally:
        worker.stop()

    assert alerts, "the listing must raise an alert for this test to mean anything"
    for msg in alerts:
        alert = orjson.loads(msg.value())
        headers = dict(msg.headers() or [])
        assert headers == {
            "ce_specversion": b"1.0", "ce_id": alert["alert_id"].encode(),
            "ce_source": b"//risk.example.com/brandguard",
            "ce_type": f"com.brandguard.alert.{alert['entity_type']}".encode(),
            "ce_time": alert["created_at"].encode(), "ce_subject": alert["entity_id"].encode(),
            "content-type": b"application/json",
            "traceparent": PARENT, "tracestate": b"congo=t61rcWkgMzE"}
        assert msg.key() == alert["entity_id"].encode()

    [letter] = dead
    record = orjson.loads(letter.value())
    assert record["error_code"] == "invalid_json"
    assert letter.key() == b"s\xff1"
    assert letter.timestamp()[1] == BAD_TIMESTAMP_MS
    headers = letter.headers() or []
    assert headers[:3] == original
    assert dict(headers[3:]) == {
        "brandguard.error.code": b"invalid_json",
        "brandguard.error.message": record["error"].encode(),
        "brandguard.source.topic": topic_name(app_id, "orders").encode(),
        "brandguard.source.partition": str(record["partition"]).encode(),
        "brandguard.source.offset": str(record["offset"]).encode()}
