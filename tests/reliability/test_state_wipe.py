"""A worker's RocksDB folder lost between two runs (a new disk, a pod rescheduled).

Its tables must come back from their changelogs exactly as they were, and the
rest of the stream, processed on the restored state, must end as replay's.
The restore time is reported per 100k changelog records read.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from streams.cli.produce import produce_file
from tests.integration.test_worker import (
    _collect,
    _produce_registry_first,
    _replay,
    _scenario,
    _topics,
    _wait_consumed,
    _worker,
)
from tests.integration.worker_proc import WorkerProcess, wait_for
from tests.reliability.kafka_offsets import end_offsets
from tests.reliability.live import group_topics, wait_committed
from tests.reliability.verdict import check_against_replay, latest_model

TABLES = ("sellers", "brands", "images", "learner")


def _aggregates(worker: WorkerProcess) -> Any:
    return worker.get("/debug/aggregates")


@pytest.mark.timeout(1200)
def test_wiped_state_is_restored_from_changelogs(kafka_bootstrap: str, unique: str,
                                                 tmp_path: Path) -> None:
    sim, events, lines = _scenario(tmp_path)
    replay = _replay(lines)
    worker = _worker(kafka_bootstrap, unique, tmp_path).start()
    app_id = worker.env["BRANDGUARD_APP_ID"]
    try:
        first, rest = _produce_registry_first(events, tmp_path, [worker], kafka_bootstrap,
                                              app_id, split=True)
        _wait_consumed([worker], lines[:first])
        wait_committed(kafka_bootstrap, app_id, group_topics(app_id), worker)
        before = _aggregates(worker)
        worker.stop()
        changelogs = end_offsets(kafka_bootstrap,
                                 [f"{app_id}-{table}-changelog" for table in TABLES])
        records = sum(changelogs.values())
        shutil.rmtree(worker.env["BRANDGUARD_DATA_DIR"])

        started = time.monotonic()
        worker.start()
        wait_for(lambda: _aggregates(worker) == before, 300, "the tables restored", worker)
        restored_after = time.monotonic() - started
        summary = produce_file(rest, kafka_bootstrap, progress=False, topics=_topics(app_id))
        assert summary.ok, summary.first_error
        _wait_consumed([worker], lines, restarted=True)
        alerts, dead, aggregates = _collect(kafka_bootstrap, app_id, [worker])
        model = latest_model(kafka_bootstrap, app_id)
    finally:
        worker.stop()
    print(f"\n[state wiped] {len(before['sellers'])} sellers and {len(before['brands'])} "
          f"brands; {records} changelog records restored in {restored_after:.1f} s (start "
          f"included): {restored_after * 100_000 / max(1, records):.1f} s per 100k records")
    check_against_replay("state wiped", sim, lines, replay, (alerts, dead, aggregates), model)
