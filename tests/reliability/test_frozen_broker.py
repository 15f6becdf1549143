"""The broker frozen (SIGSTOP) for 40 s mid-stream, then thawed (SIGCONT).

The same worker process must carry on by itself: no restart, no crash, its
commits resuming (the oldest unacked record's age falls back to 0 and the
group commits every record), and its outputs as replay's. While frozen, the
worker must say so: /readyz 503 with the reason, ``brandguard_broker_unreachable``
1; after the thaw, /readyz 200 and the gauge 0 again, one episode counted. The issue measured,
in one run of two, commits that never resumed after the thaw (the oldest
unacked seller record still aging minutes later).

It freezes the session's broker: the freeze is always undone (``finally``).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import KafkaException

from streams.localkafka.broker import Broker
from tests.integration.test_worker import (
    _collect,
    _produce_registry_first,
    _replay,
    _scenario,
    _wait_quiet,
    _worker,
)
from tests.integration.worker_proc import WorkerProcess
from tests.reliability.kafka_offsets import end_offsets, group_positions
from tests.reliability.live import group_topics, input_topics, wait_committed, wait_reading
from tests.reliability.verdict import check_against_replay, latest_model

FROZEN_FOR = 40.0
#: where in the input the freeze starts
FREEZE_AT = 0.3


def _sample(worker: WorkerProcess) -> dict[str, Any]:
    status, body = worker.request("/readyz")
    return {"readyz": status, "reason": (body or {}).get("reason"),
            "ready": worker.metric("brandguard_worker_ready"),
            "unreachable": worker.metric("brandguard_broker_unreachable"),
            "unanswered": worker.metric("brandguard_output_unanswered_seconds"),
            "unacked_age": worker.metric("brandguard_oldest_unacked_seconds"),
            "at": time.monotonic()}


def _freeze(broker: Broker, worker: WorkerProcess, seconds: float) -> list[dict[str, Any]]:
    """SIGSTOP the broker for ``seconds``; what the worker said meanwhile."""
    samples: list[dict[str, Any]] = []
    os.kill(broker.pid, signal.SIGSTOP)
    try:
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            samples.append(_sample(worker))
            time.sleep(1.0)
    finally:
        os.kill(broker.pid, signal.SIGCONT)
    return samples


def _wait_commits_resume(bootstrap: str, app_id: str, ends: dict[tuple[str, int], int],
                         before: int, worker: WorkerProcess, timeout: float = 300) -> float:
    """Seconds until the group commits past where it was at the freeze."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if sum(group_positions(bootstrap, app_id, ends).values()) > before:
                return time.monotonic() - started
        except KafkaException:  # the thawed broker is re-electing its partitions' leader
            pass
        assert worker.proc is not None and worker.proc.poll() is None, worker.tail()
        time.sleep(0.5)
    raise AssertionError(f"no commit in {timeout}s after the thaw:\n{worker.tail()}")


@pytest.mark.timeout(1200)
def test_frozen_broker_worker_carries_on(kafka_broker: Broker, kafka_bootstrap: str,
                                         unique: str, tmp_path: Path) -> None:
    sim, events, lines = _scenario(tmp_path)
    replay = _replay(lines)
    worker = _worker(kafka_bootstrap, unique, tmp_path).start()
    assert worker.proc is not None
    pid = worker.proc.pid
    app_id = worker.env["BRANDGUARD_APP_ID"]
    inputs = input_topics(app_id)
    try:
        _produce_registry_first(events, tmp_path, [worker], kafka_bootstrap, app_id)
        ends = end_offsets(kafka_bootstrap, group_topics(app_id))
        total = sum(ends[tp] for tp in ends if tp[0] in inputs)
        wait_reading(worker, inputs, FREEZE_AT * total)
        committed = sum(group_positions(kafka_bootstrap, app_id, ends).values())
        samples = _freeze(kafka_broker, worker, FROZEN_FOR)
        thawed = time.monotonic()
        resumed_after = _wait_commits_resume(kafka_bootstrap, app_id, ends, committed, worker)
        wait_committed(kafka_bootstrap, app_id, group_topics(app_id), worker)
        _wait_quiet(worker)
        wait_committed(kafka_bootstrap, app_id, group_topics(app_id), worker)
        drained_after = time.monotonic() - thawed
        unacked_age = worker.metric("brandguard_oldest_unacked_seconds")
        forced = worker.metric("brandguard_epoch_forced_total")
        after = _sample(worker)
        episodes = worker.metric("brandguard_broker_unreachable_episodes_total")
        assert worker.proc.poll() is None and worker.proc.pid == pid, "the worker restarted"
        alerts, dead, aggregates = _collect(kafka_bootstrap, app_id, [worker])
        model = latest_model(kafka_bootstrap, app_id)
    finally:
        worker.stop()
    worst = max((s["unacked_age"] for s in samples), default=0.0)
    said = [s for s in samples if s["readyz"] == 503]
    not_ready = said[-1]["at"] - said[0]["at"] if said else 0.0
    first = (said[0]["at"] - samples[0]["at"], said[0]["reason"]) if said else (0.0, None)
    print(f"\n[frozen broker] {FROZEN_FOR:.0f} s frozen at {FREEZE_AT:.0%} of {total} records; "
          f"while frozen: /readyz {sorted({s['readyz'] for s in samples})}, ready gauge "
          f"{sorted({s['ready'] for s in samples})}, oldest unacked up to {worst:.0f} s; "
          f"first commit {resumed_after:.1f} s after the thaw, everything committed after "
          f"{drained_after:.1f} s; oldest unacked at the end {unacked_age:.0f} s; "
          f"{forced:.0f} held events let through without their epoch's news")
    print(f"[frozen broker] /readyz 503 for {not_ready:.0f} s of the {FROZEN_FOR:.0f} s "
          f"({len(said)} of {len(samples)} samples; first said after "
          f"{first[0]:.0f} s: {first[1]}); "
          f"unanswered outputs up to {max(s['unanswered'] for s in samples):.0f} s; "
          f"{episodes:.0f} unreachable episodes; after: /readyz {after['readyz']}, "
          f"unreachable {after['unreachable']:.0f}")
    assert unacked_age == 0
    # it said what happened while frozen, in /readyz, its reason and the metrics ...
    assert said and all("broker" in (s["reason"] or "") for s in said)
    assert all(s["unreachable"] == 1 and s["ready"] == 0 for s in said)
    # ... and that it was over after the thaw
    assert after["readyz"] == 200 and after["unreachable"] == 0 and after["ready"] == 1
    assert episodes >= 1
    check_against_replay("frozen broker", sim, lines, replay, (alerts, dead, aggregates), model)
