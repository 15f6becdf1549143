"""A worker started on a RocksDB folder another app (or cluster) left behind.

Faust keeps, in each RocksDB partition, the changelog offset the store has
reached, and at start reads the changelog from there. A folder written by an
earlier app or cluster holds offsets of *another* changelog: ahead of this
app's. Faust's own recovery then raises ``ConsistencyError`` (persisted offset
above the changelog's highwater) and the worker never starts (faust-streaming
#158). Kafka Streams, in the same case, wipes the store and restores it from
the changelog; so does our recovery (``faust_internals.discarding_table_manager``),
and that is what is tested here.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from signals.evaluation.simulator import scenario_config, simulate
from signals.processors.snapshot import order_independent
from streams.cli.produce import produce_file
from tests.integration.test_worker import (
    _assert_parity,
    _collect,
    _produce_registry_first,
    _replay,
    _topics,
    _wait_consumed,
    _worker,
)
from tests.integration.worker_proc import WorkerProcess, free_port, wait_for, worker_env
from tests.reliability.live import group_topics, wait_committed


def _scenario(folder: Path, seed: int) -> tuple[object, Path, list[bytes]]:
    folder.mkdir()
    sim = simulate(scenario_config("mixed", seed=seed, days=1.0, scale=1.0))
    events = folder / "events.jsonl"
    events.write_bytes(b"\n".join(sim.lines) + b"\n")
    return sim, events, events.read_bytes().split(b"\n")


def _ready(worker: WorkerProcess) -> bool:
    return bool((worker.get("/readyz") or {}).get("ready"))


@pytest.mark.timeout(900)
def test_stale_store_is_rebuilt(kafka_bootstrap: str, unique: str, tmp_path: Path) -> None:
    # An earlier app fills a state folder: changelog offsets well ahead of the new app's.
    _, old_events, old_lines = _scenario(tmp_path / "old-files", seed=11)
    old = _worker(kafka_bootstrap, unique, tmp_path, "old").start()
    try:
        _produce_registry_first(old_events, tmp_path / "old-files", [old], kafka_bootstrap,
                                old.env["BRANDGUARD_APP_ID"])
        _wait_consumed([old], old_lines)
    finally:
        old.stop()

    # The new app runs a while on a folder of its own, so its changelogs have records...
    sim, events, lines = _scenario(tmp_path / "new-files", seed=5)
    replay_alerts, replay_dead, state = _replay(lines)
    app_id = f"bg-{unique}-new"
    port = free_port()
    new = WorkerProcess(env=worker_env(kafka_bootstrap, app_id, tmp_path / "w-new", port),
                        port=port, log=tmp_path / "new.log").start()
    try:
        first, rest = _produce_registry_first(events, tmp_path / "new-files", [new],
                                              kafka_bootstrap, app_id, split=True)
        _wait_consumed([new], lines[:first])
    finally:
        new.stop()

    # ...then starts on the old app's folder (a restored volume, a reused disk).
    shutil.rmtree(tmp_path / "w-new")
    shutil.copytree(tmp_path / "old", tmp_path / "w-new")
    try:
        started = time.monotonic()
        new.start()
        wait_for(lambda: _ready(new), 180, "ready on the stale folder", new)
        ready_after = time.monotonic() - started
        discarded = new.metric("brandguard_state_stores_discarded_total")
        print(f"\nstale folder: {discarded:.0f} store partitions discarded and restored, "
              f"ready after {ready_after:.1f} s")
        assert discarded > 0
        assert "discarding the active store of" in new.log.read_text(errors="replace")
        summary = produce_file(rest, kafka_bootstrap, progress=False, topics=_topics(app_id))
        assert summary.ok, summary.first_error
        _wait_consumed([new], lines, restarted=True)
        # lag 0 counts records held at the epoch gate as read: wait for every commit
        wait_committed(kafka_bootstrap, app_id, group_topics(app_id), new)
        alerts, dead, aggregates = _collect(kafka_bootstrap, app_id, [new])
    finally:
        new.stop()
    # Nothing of the old app's state: exactly the new app's aggregates.
    expected = set(order_independent(state)["sellers"])
    print(f"sellers: {len(aggregates['sellers'])} live, {len(expected)} replay; "
          f"{len(aggregates['sellers'].keys() - expected)} only live, "
          f"{len(expected - aggregates['sellers'].keys())} only in replay")
    _assert_parity(sim.truth, lines, state, aggregates, replay_alerts, alerts, replay_dead, dead)
