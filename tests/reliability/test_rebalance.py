"""Rebalances mid-stream: a second worker joins, then the first one leaves.

Each rebalance revokes every partition (Faust's eager protocol): unacked
records are read again by their next owner, which restores the tables it is
given from their changelogs. After both, the remaining worker must hold
every seller and brand as replay has them, every partition must be
committed to its end, and the alerts must match replay's.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from streams.cli.produce import produce_file
from tests.integration.test_worker import (
    _collect,
    _produce_registry_first,
    _replay,
    _scenario,
    _topics,
    _wait_quiet,
    _worker,
)
from tests.integration.worker_proc import WorkerProcess, free_port, wait_for
from tests.reliability.kafka_offsets import committed_lag, end_offsets
from tests.reliability.live import (
    group_topics,
    input_events,
    input_topics,
    wait_committed,
    wait_reading,
)
from tests.reliability.verdict import check_against_replay, latest_model

#: where in the input the second worker joins, and where the first one leaves
JOIN_AT, LEAVE_AT = 0.3, 0.6


def _second(first: WorkerProcess, tmp_path: Path) -> WorkerProcess:
    port = free_port()
    env = {**first.env, "BRANDGUARD_DATA_DIR": str(tmp_path / "w2"),
           "BRANDGUARD_WEB_PORT": str(port)}
    return WorkerProcess(env=env, port=port, log=tmp_path / "w2.log")


@pytest.mark.timeout(1200)
def test_join_then_leave_matches_replay(kafka_bootstrap: str, unique: str,
                                        tmp_path: Path) -> None:
    sim, events, lines = _scenario(tmp_path)
    replay = _replay(lines)
    one = _worker(kafka_bootstrap, unique, tmp_path, "w1").start()
    two = _second(one, tmp_path)
    app_id = one.env["BRANDGUARD_APP_ID"]
    inputs = input_topics(app_id)
    try:
        # Half the traffic first: the second worker must join before the first one has
        # finished the stream, however fast it reads.
        _, rest = _produce_registry_first(events, tmp_path, [one], kafka_bootstrap, app_id,
                                          split=True)
        first_half = sum(end_offsets(kafka_bootstrap, inputs).values())
        wait_reading(one, inputs, 2 * JOIN_AT * first_half)
        two.start()
        wait_for(lambda: two.metric("brandguard_assigned_partitions") > 0, 300,
                 "the second worker to be given partitions", two)
        summary = produce_file(rest, kafka_bootstrap, topics=_topics(app_id), progress=False)
        assert summary.ok, summary.first_error
        total = sum(end_offsets(kafka_bootstrap, inputs).values())
        wait_reading(two, inputs, 1)  # the second worker has partitions and reads
        read_by_one = input_events(one, inputs)
        remaining = total - read_by_one
        wait_reading(one, inputs, read_by_one + (LEAVE_AT - JOIN_AT) * remaining / 2)
        read_by_one = input_events(one, inputs)
        one.stop()
        left = time.monotonic()
        wait_committed(kafka_bootstrap, app_id, group_topics(app_id), two)
        _wait_quiet(two)
        wait_committed(kafka_bootstrap, app_id, group_topics(app_id), two)
        settled_after = time.monotonic() - left
        lag = committed_lag(kafka_bootstrap, app_id, group_topics(app_id))
        alerts, dead, aggregates = _collect(kafka_bootstrap, app_id, [two])
        model = latest_model(kafka_bootstrap, app_id)
        read_by_two = input_events(two, inputs)
    finally:
        one.stop()
        two.stop()
    print(f"\n[rebalance] {total} input records; the first worker read {read_by_one:.0f} "
          f"(joined at {JOIN_AT:.0%}), the second {read_by_two:.0f}; every partition "
          f"committed {settled_after:.1f} s after the first left")
    assert not lag, lag
    check_against_replay("rebalance", sim, lines, replay, (alerts, dead, aggregates), model)

