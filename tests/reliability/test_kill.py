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
import time
from pathlib import Path

import pytest

from tests.integration.endpoint_checks import check_state_endpoints
from tests.integration.test_worker import (
    _collect,
    _produce_registry_first,
    _replay,
    _scenario,
    _wait_quiet,
    _worker,
)
from tests.reliability.kafka_offsets import end_offsets, group_positions
from tests.reliability.live import (
    group_topics,
    input_topics,
    sigkill,
    wait_committed,
    wait_reading,
)
from tests.reliability.verdict import check_against_replay, latest_model

SEED = int(os.environ.get("BRANDGUARD_KILL_SEED", "20261206"))
KILLS = 3
#: where in the remaining records each kill falls
KILL_RANGE = (0.2, 0.8)


@pytest.mark.timeout(1200)
def test_killed_worker_matches_replay(kafka_bootstrap: str, unique: str,
                                      tmp_path: Path) -> None:
    rng = random.Random(SEED)
    sim, events, lines = _scenario(tmp_path)
    replay_alerts, replay_dead, state = _replay(lines)
    worker = _worker(kafka_bootstrap, unique, tmp_path).start()
    app_id = worker.env["BRANDGUARD_APP_ID"]
    inputs, committing = input_topics(app_id), group_topics(app_id)
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
        wait_committed(kafka_bootstrap, app_id, committing, worker)
        _wait_quiet(worker)
        wait_committed(kafka_bootstrap, app_id, committing, worker)
        print(f"everything committed at {time.monotonic() - started:.0f}s")
        alerts, dead, aggregates = _collect(kafka_bootstrap, app_id, [worker])
        model = latest_model(kafka_bootstrap, app_id)
        print(f"\n{KILLS} kills (seed {SEED}):\n  " + "\n  ".join(kills))
        check_against_replay("kill -9", sim, lines, (replay_alerts, replay_dead, state),
                             (alerts, dead, aggregates), model)
        check_state_endpoints([worker], alerts, state)
    finally:
        worker.stop()
