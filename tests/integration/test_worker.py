"""The live worker on the real broker: dead letters, metrics, and parity with replay."""

from __future__ import annotations

import base64
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
from confluent_kafka import Producer

from signals.evaluation.detection import evaluate, summarize_events
from signals.evaluation.simulator import scenario_config, simulate
from signals.processors.snapshot import order_independent
from signals.replay import replay_lines
from streams.cli.produce import produce_file
from tests.integration.endpoint_checks import check_state_endpoints
from tests.integration.worker_proc import (
    WorkerProcess,
    free_port,
    read_topic,
    topic_name,
    wait_for,
    worker_env,
)

INPUT_ROLES = {"listing.v1": "listings", "order.v1": "orders", "report.v1": "reports",
               "brand.v1": "brands"}


def _worker(kafka_bootstrap: str, unique: str, tmp_path: Path, name: str = "w1") -> WorkerProcess:
    app_id = f"bg-{unique}"[:60]
    port = free_port()
    env = worker_env(kafka_bootstrap, app_id, tmp_path / name, port)
    return WorkerProcess(env=env, port=port, log=tmp_path / f"{name}.log")


def _consumed(worker: WorkerProcess) -> float:
    return worker.metric("brandguard_events_total")


def test_bad_records_are_dead_lettered_with_original_bytes(kafka_bootstrap: str, unique: str,
                                                           tmp_path: Path) -> None:
    worker = _worker(kafka_bootstrap, unique, tmp_path).start()
    app_id = worker.env["BRANDGUARD_APP_ID"]
    try:
        good = orjson.dumps({"schema": "order.v1", "event_id": "e1",
                             "event_time": "2026-11-27T14:03:11.250Z", "order_id": "o1",
                             "listing_id": "l1", "seller_id": "s1", "buyer_id": "b1",
                             "status": "placed", "unit_price": 12.5, "currency": "USD",
                             "quantity": 1})
        bad = {b"{not json": "invalid_json", b"\xff\xfe\x00": "invalid_json",
               b'{"schema":"order.v1","event_id":"e2"}': "schema_violation",
               b'{"schema":"review.v1","event_id":"e3"}': "unknown_schema",
               good.replace(b'"quantity":1', b'"quantity":1.0'): "schema_violation"}
        producer = Producer({"bootstrap.servers": kafka_bootstrap})
        for value in [good, *bad]:
            producer.produce(topic_name(app_id, "orders"), key=b"s1", value=value)
        assert producer.flush(30) == 0
        wait_for(lambda: _consumed(worker) >= 1 + len(bad), 60, "records consumed", worker)
        dead = [orjson.loads(v) for _, v in read_topic(kafka_bootstrap,
                                                        topic_name(app_id, "deadletter"))]
        got = Counter((base64.b64decode(d["value_base64"]), d["error_code"]) for d in dead)
        assert got == Counter(bad.items())
        for d in dead:
            assert d["schema"] == "deadletter.v1"
            assert d["source_topic"] == topic_name(app_id, "orders")
            assert d["key"] == "s1" and d["error"] and isinstance(d["offset"], int)
        assert worker.metric('brandguard_deadletters_total{error_code="invalid_json"}') == 2
        assert worker.metric('brandguard_deadletters_total{error_code="schema_violation"}') == 2
        assert worker.metric('brandguard_events_total{outcome="processed",'
                             f'topic="{topic_name(app_id, "orders")}"}}') == 1
        _check_promtool(worker.get("/metrics"), tmp_path)
        # An unreadable record on an internal topic is a bug of ours: dead-lettered too,
        # and the agent that met it goes on with the next input.
        producer.produce(f"{app_id}-facts-network", key=b"s1", value=b"{garbled")
        producer.produce(topic_name(app_id, "orders"), key=b"s1",
                         value=good.replace(b'"e1"', b'"e9"'))
        assert producer.flush(30) == 0
        wait_for(lambda: worker.metric(
            'brandguard_deadletters_total{error_code="processing_error"}') == 1, 60,
            "the internal record dead-lettered", worker)
        wait_for(lambda: worker.metric('brandguard_events_total{outcome="processed",'
                                       f'topic="{topic_name(app_id, "orders")}"}}') == 2,
                 60, "the next order", worker)
    finally:
        worker.stop()


def _check_promtool(scrape: bytes, tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool not installed (make test installs Debian's prometheus)")
    result = subprocess.run([promtool, "check", "metrics"], input=scrape, capture_output=True,
                            timeout=30, check=False)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()


def _replay(lines: list[bytes]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Any]:
    alerts: list[dict[str, Any]] = []
    dead: list[dict[str, Any]] = []
    from signals.contract.alert import alert_to_dict
    from signals.contract.deadletter import deadletter_to_dict

    _, state = replay_lines(lines, "file", time.time, lambda a: alerts.append(alert_to_dict(a)),
                            lambda d: dead.append(deadletter_to_dict(d)))
    return alerts, dead, state


def _figures(truth: dict[str, Any], alerts: list[dict[str, Any]],
             lines: list[bytes]) -> dict[str, float]:
    fig = evaluate(truth, alerts, summarize_events(lines))
    return {"proactive_recall": fig.proactive_recall.value or 0.0,
            "listing_precision": fig.listing_precision.value or 0.0,
            "seller_precision": fig.seller_precision.value or 0.0,
            "seller_recall": fig.seller_recall.value or 0.0}


#: live alert ids vs replay's (Jaccard): the issue's target. Measured 0.998 in all
#: three tests once seller-network news took effect by event-time epoch with marks
#: between partitions (streams/worker/runners/epoch_marks.py); 0.79 before.
JACCARD_FLOOR = 0.95


def _scenario(tmp_path: Path) -> tuple[Any, Path, list[bytes]]:
    sim = simulate(scenario_config("mixed", seed=5, days=4.0, scale=1.0))
    events = tmp_path / "events.jsonl"
    events.write_bytes(b"\n".join(sim.lines) + b"\n")
    return sim, events, events.read_bytes().split(b"\n")


def _collect(bootstrap: str, app_id: str, workers: list[WorkerProcess]) -> tuple[Any, ...]:
    alerts = [orjson.loads(v) for _, v in read_topic(bootstrap, topic_name(app_id, "alerts"))]
    dead = [orjson.loads(v) for _, v in read_topic(bootstrap, topic_name(app_id, "deadletter"))]
    merged: dict[str, dict[str, Any]] = {"sellers": {}, "brands": {}}
    for worker in workers:
        part = worker.get("/debug/aggregates")
        for kind in merged:
            overlap = merged[kind].keys() & part[kind].keys()
            assert not overlap, f"{kind} held by two workers: {sorted(overlap)[:5]}"
            merged[kind].update(part[kind])
    return alerts, dead, merged


def test_live_worker_matches_replay(kafka_bootstrap: str, unique: str, tmp_path: Path) -> None:
    sim, events, lines = _scenario(tmp_path)
    replay_alerts, replay_dead, state = _replay(lines)
    worker = _worker(kafka_bootstrap, unique, tmp_path).start()
    app_id = worker.env["BRANDGUARD_APP_ID"]
    try:
        _produce_registry_first(events, tmp_path, [worker], kafka_bootstrap, app_id)
        _wait_consumed([worker], lines)
        alerts, dead, aggregates = _collect(kafka_bootstrap, app_id, [worker])
        check_state_endpoints([worker], alerts, state)
    finally:
        worker.stop()
    _assert_parity(sim.truth, lines, state, aggregates, replay_alerts, alerts, replay_dead, dead)


def test_restarted_worker_matches_replay(kafka_bootstrap: str, unique: str,
                                        tmp_path: Path) -> None:
    """Stop the worker cleanly mid-stream, start it again on the same state folder."""
    sim, events, lines = _scenario(tmp_path)
    replay_alerts, replay_dead, state = _replay(lines)
    worker = _worker(kafka_bootstrap, unique, tmp_path).start()
    app_id = worker.env["BRANDGUARD_APP_ID"]
    try:
        first, second = _produce_registry_first(events, tmp_path, [worker], kafka_bootstrap,
                                                app_id, split=True)
        wait_for(lambda: _consumed(worker) >= first // 2, 300, "half the traffic", worker)
        worker.stop()
        worker.start()
        produce = produce_file(second, kafka_bootstrap, progress=False,
                               topics=_topics(app_id))
        assert produce.ok, produce.first_error
        wait_for(lambda: _table_sellers(worker) > 0, 60, "state served after restart", worker)
        _wait_consumed([worker], lines, restarted=True)
        alerts, dead, aggregates = _collect(kafka_bootstrap, app_id, [worker])
        check_state_endpoints([worker], alerts, state)
    finally:
        worker.stop()
    _assert_parity(sim.truth, lines, state, aggregates, replay_alerts, alerts, replay_dead, dead)


def test_two_workers_match_replay(kafka_bootstrap: str, unique: str, tmp_path: Path) -> None:
    sim, events, lines = _scenario(tmp_path)
    replay_alerts, replay_dead, state = _replay(lines)
    one = _worker(kafka_bootstrap, unique, tmp_path, "w1")
    one.env["BRANDGUARD_API_TOKEN"] = "analyst-token"  # both: a routed request carries it
    one.start()
    two = WorkerProcess(env={**one.env, "BRANDGUARD_DATA_DIR": str(tmp_path / "w2")},
                        port=0, log=tmp_path / "w2.log")
    two.port = free_port()
    two.env["BRANDGUARD_WEB_PORT"] = str(two.port)
    app_id = one.env["BRANDGUARD_APP_ID"]
    try:
        two.start()
        _produce_registry_first(events, tmp_path, [one, two], kafka_bootstrap, app_id)
        _wait_consumed([one, two], lines)
        alerts, dead, aggregates = _collect(kafka_bootstrap, app_id, [one, two])
        check_state_endpoints([one, two], alerts, state)
        check_state_endpoints([two, one], alerts, state)
    finally:
        one.stop()
        two.stop()
    _assert_parity(sim.truth, lines, state, aggregates, replay_alerts, alerts, replay_dead, dead)


def _topics(app_id: str) -> dict[str, str]:
    return {schema: topic_name(app_id, role) for schema, role in INPUT_ROLES.items()}


def _table_sellers(worker: WorkerProcess) -> int:
    body = worker.get("/debug/aggregates")
    return len(body["sellers"]) if body else 0


def _wait_consumed(workers: list[WorkerProcess], lines: list[bytes],
                   restarted: bool = False) -> None:
    """Every record consumed (a restart re-reads uncommitted ones: at least), then settled."""
    expected = sum(1 for line in lines if line.strip())

    def done() -> bool:
        total = sum(_consumed(w) for w in workers)
        return total >= expected if not restarted else _inputs_drained(workers)

    wait_for(done, 600, f"{expected} records consumed", workers[0])
    for worker in workers:
        _wait_quiet(worker)


def _inputs_drained(workers: list[WorkerProcess]) -> bool:
    lag = sum(w.metric("brandguard_consumer_lag") for w in workers)
    return lag == 0 and all(w.metric("brandguard_events_total") > 0 for w in workers)


def _produce_registry_first(events: Path, tmp_path: Path, workers: list[WorkerProcess],
                            bootstrap: str, app_id: str, split: bool = False) -> tuple[int, Path]:
    """The brand registry is a compacted topic that exists before marketplace traffic:
    load the file's leading brand records, wait until the worker has them, then the rest."""
    lines = events.read_bytes().split(b"\n")
    head = 0
    while head < len(lines) and b'"schema":"brand.v1"' in lines[head]:
        head += 1
    traffic = lines[head:]
    cut = len(traffic) // 2 if split else len(traffic)
    (tmp_path / "registry.jsonl").write_bytes(b"\n".join(lines[:head]) + b"\n")
    (tmp_path / "traffic.jsonl").write_bytes(b"\n".join(traffic[:cut]) + b"\n")
    (tmp_path / "rest.jsonl").write_bytes(b"\n".join(traffic[cut:]) + b"\n")
    for part in ("registry.jsonl", "traffic.jsonl"):
        summary = produce_file(tmp_path / part, bootstrap, topics=_topics(app_id), progress=False)
        assert summary.ok, summary.first_error
        for worker in workers if part == "registry.jsonl" else ():
            wait_for(lambda w=worker: (w.get("/readyz") or {}).get("brands") == head, 60,
                     "the registry loaded", worker)
    return head + sum(1 for line in traffic[:cut] if line.strip()), tmp_path / "rest.jsonl"


def _wait_quiet(worker: WorkerProcess, quiet_for: float = 4.0, timeout: float = 300) -> None:
    """Facts travel through internal topics after the inputs are consumed: wait until
    nothing is held at the epoch gate, nothing read is unacked, and nothing changes
    (alerts, processed facts) for a few seconds. Quiet alone is not enough: a worker
    that has just restarted is also quiet while its producer starts, with events
    still held at the gate."""
    last: list[float] = [-1.0]
    since = [time.monotonic()]

    def settled() -> bool:
        now = (worker.metric("brandguard_alerts_total")
               + worker.metric("brandguard_processing_seconds_count"))
        pending = (worker.metric("brandguard_epoch_held_events")
                   + worker.metric("brandguard_oldest_unacked_seconds"))
        if now != last[0] or pending:
            last[0], since[0] = now, time.monotonic()
        return time.monotonic() - since[0] >= quiet_for

    wait_for(settled, timeout, "the worker to settle", worker)


def _assert_parity(truth: dict[str, Any], lines: list[bytes], state: Any, aggregates: Any,
                   replay_alerts: list[dict[str, Any]], live_alerts: list[dict[str, Any]],
                   replay_dead: list[dict[str, Any]], live_dead: list[dict[str, Any]]) -> None:
    expected = orjson.loads(orjson.dumps(order_independent(state)))
    assert aggregates["sellers"].keys() == expected["sellers"].keys()
    for seller, agg in expected["sellers"].items():
        assert aggregates["sellers"][seller] == agg, seller
    differing = sorted(
        f"{brand}.{part}.{name}" for brand, agg in expected["brands"].items()
        for part in ("counters", "distinct") for name in agg[part]
        if aggregates["brands"].get(brand, {}).get(part, {}).get(name) != agg[part][name])
    assert not differing, differing[:20]
    other = sorted(f"{brand}.{key}" for brand, agg in expected["brands"].items()
                   for key in agg if aggregates["brands"].get(brand, {}).get(key) != agg[key])
    assert not other, [(k, expected["brands"][k.split(".")[0]][k.split(".", 1)[1]],
                        aggregates["brands"].get(k.split(".")[0], {}).get(k.split(".", 1)[1]))
                       for k in other[:3]]
    assert aggregates["brands"] == expected["brands"]

    def dead_key(d: dict[str, Any]) -> tuple[str, str]:
        return d["error_code"], d["value_base64"]

    # At-least-once: a record re-read after a restart is dead-lettered again. Consumers
    # de-duplicate on where it came from, and so does this comparison.
    origins = {(d["source_topic"], d["partition"], d["offset"]): d for d in live_dead}
    assert Counter(map(dead_key, origins.values())) == Counter(map(dead_key, replay_dead))

    replay_ids = {a["alert_id"] for a in replay_alerts}
    live_ids = {a["alert_id"] for a in live_alerts}
    jaccard = len(replay_ids & live_ids) / max(1, len(replay_ids | live_ids))
    live_fig = _figures(truth, live_alerts, lines)
    replay_fig = _figures(truth, replay_alerts, lines)
    print(f"\nalert-id Jaccard live vs replay: {jaccard:.4f} ({len(live_ids)} live, "
          f"{len(replay_ids)} replay)\nlive {live_fig}\nreplay {replay_fig}")
    _dump_alert_diff(replay_alerts, live_alerts)
    assert jaccard >= JACCARD_FLOOR
    for name, value in replay_fig.items():
        assert abs(live_fig[name] - value) <= 0.02, name


def _dump_alert_diff(replay_alerts: list[dict[str, Any]],
                     live_alerts: list[dict[str, Any]]) -> None:
    """Where live and replay disagree, by entity type: printed to help diagnose drift.

    Also printed: the overlap of (alert id, triggering event), which is stricter than
    the ids, because the same alert can be tipped by a different event live."""
    def index(alerts: list[dict[str, Any]]) -> dict[tuple[str, str], set[str]]:
        out: dict[tuple[str, str], set[str]] = {}
        for a in alerts:
            out.setdefault((a["entity_type"], a["entity_id"]), set()).add(a["alert_id"])
        return out
    r, lv = index(replay_alerts), index(live_alerts)
    kinds: Counter[tuple[str, str]] = Counter()
    for key in set(r) | set(lv):
        a, b = r.get(key, set()), lv.get(key, set())
        if a != b:
            kinds[(key[0], "only in live" if not a else "only in replay" if not b
                   else "other alerts")] += 1
    strict_r = {(a["alert_id"], a["trigger_event_id"]) for a in replay_alerts}
    strict_l = {(a["alert_id"], a["trigger_event_id"]) for a in live_alerts}
    strict = len(strict_r & strict_l) / max(1, len(strict_r | strict_l))
    print(f"(alert id, trigger event) Jaccard: {strict:.4f}")
    print("entities whose alerts differ:", dict(kinds))
