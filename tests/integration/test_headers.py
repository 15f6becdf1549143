"""Record headers on the real broker (contract v1.1): listings with a trace context raise
listing alerts and, through the brand's internal topic, a brand alert, each carrying its
trigger's context with CloudEvents attributes; a malformed record's dead letter keeps its
headers, key bytes and timestamp and adds the error headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import orjson
from confluent_kafka import Message, Producer

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
#: replay alerts on each (counterfeit words, 90 % under the reference, seller not
#: authorized), and on the brand once six sellers list it: listing and brand alerts
LISTINGS: list[dict[str, Any]] = [{"schema": "listing.v1", "event_id": f"e-{n}",
             "event_time": f"2026-11-27T14:0{n}:00Z", "action": "created",
             "listing_id": f"l{n}", "seller_id": f"s{n}", "brand_id": "br1",
             "title": "Lumora replica handbag 1:1 mirror quality", "price": 39.0,
             "currency": "USD", "quantity": 50, "seller_since": "2026-11-26T00:00:00Z"}
            for n in range(8)]
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
        traces: dict[str, tuple[bytes, bytes]] = {}
        for n, listing in enumerate(LISTINGS):  # each input its own span, and a state
            traces[listing["event_id"]] = (PARENT[:36] + f"{n + 1:016x}".encode() + PARENT[52:],
                                           f"congo=t{n}".encode())
            producer.produce(topic_name(app_id, "listings"), key=listing["seller_id"].encode(),
                             value=orjson.dumps(listing),
                             headers=list(zip(("traceparent", "tracestate"),
                                              traces[listing["event_id"]], strict=True)))
        original: list[tuple[str, str | bytes | None]] = [
            ("x-origin", b"upstream-7"), ("traceparent", PARENT), ("empty", None)]
        producer.produce(topic_name(app_id, "orders"), key=b"s\xff1", value=b"{not json",
                         headers=original, timestamp=BAD_TIMESTAMP_MS)
        assert producer.flush(30) == 0
        alerts: list[Message] = []

        def brand_alert_delivered() -> bool:
            alerts[:] = read_messages(kafka_bootstrap, topic_name(app_id, "alerts"))
            return any(b'"entity_type":"brand"' in (msg.value() or b"") for msg in alerts)

        wait_for(brand_alert_delivered, 120, "a brand alert on the topic", worker)
        wait_for(lambda: worker.metric("brandguard_deadletters_total") >= 1, 60,
                 "the dead letter", worker)
        dead = read_messages(kafka_bootstrap, topic_name(app_id, "deadletter"))
    finally:
        worker.stop()

    kinds: set[str] = set()
    for msg in alerts:
        alert = orjson.loads(msg.value() or b"")
        kinds.add(alert["entity_type"])
        traceparent, tracestate = traces[alert["trigger_event_id"]]
        headers = dict(msg.headers() or [])
        assert headers == {
            "ce_specversion": b"1.0", "ce_id": alert["alert_id"].encode(),
            "ce_source": b"//risk.example.com/brandguard",
            "ce_type": f"com.brandguard.alert.{alert['entity_type']}".encode(),
            "ce_time": alert["created_at"].encode(), "ce_subject": alert["entity_id"].encode(),
            "content-type": b"application/json",
            "traceparent": traceparent, "tracestate": tracestate}
        assert msg.key() == alert["entity_id"].encode()
    assert kinds == {"listing", "brand"}, "the test must see both paths an alert takes"

    [letter] = dead
    record = orjson.loads(letter.value() or b"")
    assert record["error_code"] == "invalid_json"
    assert letter.key() == b"s\xff1"
    assert letter.timestamp()[1] == BAD_TIMESTAMP_MS
    # confluent-kafka gives a list of pairs (its stub also allows a dict)
    kept = cast(list[tuple[str, bytes | None]], letter.headers() or [])
    assert kept[:3] == original
    assert dict(kept[3:]) == {
        "brandguard.error.code": b"invalid_json",
        "brandguard.error.message": record["error"].encode(),
        "brandguard.source.topic": topic_name(app_id, "orders").encode(),
        "brandguard.source.partition": str(record["partition"]).encode(),
        "brandguard.source.offset": str(record["offset"]).encode()}
