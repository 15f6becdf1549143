"""Driving a live worker through a fault: how far it has read, what the group has
committed, and the worker's own account of where it is."""

from __future__ import annotations

import os
import signal
import time

from confluent_kafka import KafkaException

from tests.integration.worker_proc import WorkerProcess, topic_name
from tests.reliability.kafka_offsets import committed_lag

__all__ = ["GROUP_ROLES", "INPUT_ROLES", "INTERNAL", "group_topics", "input_events",
           "input_topics", "progress", "sigkill", "wait_committed", "wait_reading"]

INPUT_ROLES = ("listings", "orders", "reports")
#: every topic the worker's consumer group commits on (the registry's too)
GROUP_ROLES = (*INPUT_ROLES, "brands")
INTERNAL = ("facts-brand", "facts-image", "facts-network", "examples")


def input_topics(app_id: str) -> list[str]:
    return [topic_name(app_id, role) for role in INPUT_ROLES]


def group_topics(app_id: str) -> list[str]:
    """Inputs, the registry and the internal fact topics: all the group commits on."""
    return ([topic_name(app_id, role) for role in GROUP_ROLES]
            + [f"{app_id}-{name}" for name in INTERNAL])


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
        try:
            lag = committed_lag(bootstrap, group, topics)
        except KafkaException:  # a partition without a leader for now (a thawed broker)
            time.sleep(1.0)
            continue
        if not lag:
            return
        assert worker.proc is not None and worker.proc.poll() is None, worker.tail()
        if time.monotonic() >= next_report:
            next_report += 30
            print(f"  uncommitted: {_short(lag)}; {progress(worker)}", flush=True)
        time.sleep(1.0)
    raise AssertionError(f"uncommitted after {timeout}s: {_short(lag)}; {progress(worker)}"
                         f"\n{worker.tail()}")


def _short(lag: dict[tuple[str, int], int]) -> str:
    return ", ".join(f"{t.rsplit('.', 1)[-1].rsplit('-', 2)[-1]}/{p}: {n}"
                     for (t, p), n in sorted(lag.items())[:12])


def progress(worker: WorkerProcess) -> str:
    """The worker's own view of where it is, for a report when it does not finish."""
    names = ("brandguard_consumer_lag", "brandguard_oldest_unacked_seconds",
             "brandguard_epoch_held_events", "brandguard_epoch_forced_total",
             "brandguard_worker_ready", "brandguard_events_total")
    return ", ".join(f"{n.removeprefix('brandguard_')}={worker.metric(n):.0f}" for n in names)

