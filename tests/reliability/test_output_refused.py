"""The alerts and dead-letter topics deleted mid-stream (auto-create is off), then re-created.

Issue 13 item 5: no offset is committed past a record whose outputs were not
written; the worker backs off, says so in a metric, /readyz and the log, and
resumes by itself when the topics are back (the same process: no crash loop).
After recovery its alerts, dead letters and aggregates are replay's.

Deleting a topic deletes what it held, so the test first reads what the
worker has written: it stops the worker (SIGSTOP) for that moment, so that no
record lands between the read and the deletion.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from confluent_kafka.admin import AdminClient

from streams.localkafka.broker import Broker
from streams.worker.admin import ensure_topics
from streams.worker.settings import load_settings
from tests.integration.test_worker import (
    _collect,
    _produce_registry_first,
    _replay,
    _scenario,
    _wait_quiet,
    _worker,
)
from tests.integration.worker_proc import WorkerProcess, read_topic, topic_name, wait_for
from tests.reliability.kafka_offsets import end_offsets, group_positions
from tests.reliability.live import group_topics, input_topics, wait_committed, wait_reading
from tests.reliability.verdict import check_against_replay, latest_model

#: where in the input the topics are deleted
DELETE_AT = 0.3
#: how long the topics stay deleted once the worker has said it holds refused records
HELD_FOR = 20.0
OUTPUT_ROLES = ("alerts", "deadletter")
RETRY_MAX = 8.0


def _read_then_delete(bootstrap: str, app_id: str, worker: WorkerProcess
                      ) -> dict[str, list[bytes]]:
    """What the output topics hold, read with the worker stopped, then deleted."""
    assert worker.proc is not None
    names = [topic_name(app_id, role) for role in OUTPUT_ROLES]
    os.kill(worker.proc.pid, signal.SIGSTOP)
    try:
        time.sleep(1.0)  # produce requests already on the wire are written by now
        held = {name: [value for _, value in read_topic(bootstrap, name)] for name in names}
        admin = AdminClient({"bootstrap.servers": bootstrap})
        for future in admin.delete_topics(names, operation_timeout=30).values():
            future.result()
        wait_for(lambda: not set(names) & set(admin.list_topics(timeout=10).topics), 60,
                 "the output topics deleted")
    finally:
        os.kill(worker.proc.pid, signal.SIGCONT)
    return held


def _sample(worker: WorkerProcess, bootstrap: str, app_id: str,
            ends: dict[tuple[str, int], int]) -> dict[str, Any]:
    status, body = worker.request("/readyz")
    return {"readyz": status, "reason": (body or {}).get("reason"),
            "held": worker.metric("brandguard_outputs_held"),
            "ready": worker.metric("brandguard_worker_ready"),
            "committed": group_positions(bootstrap, app_id, ends)}


def _hold(worker: WorkerProcess, bootstrap: str, app_id: str,
          ends: dict[tuple[str, int], int]) -> tuple[list[dict[str, Any]], float]:
    """Until the worker holds refused records and its commits have settled, then
    ``HELD_FOR`` seconds more: the samples taken after the commits settled, and
    how long after the deletion the worker first said it held records."""
    deleted = time.monotonic()
    wait_for(lambda: worker.metric("brandguard_outputs_held") > 0, 600,
             "the worker to hold refused outputs", worker)
    noticed = time.monotonic() - deleted
    previous = _sample(worker, bootstrap, app_id, ends)
    while True:  # records acked before the refusal may still be committed: let them
        time.sleep(3.0)
        sample = _sample(worker, bootstrap, app_id, ends)
        if sample["committed"] == previous["committed"]:
            break
        previous = sample
    samples = [sample]
    until = time.monotonic() + HELD_FOR
    while time.monotonic() < until:
        time.sleep(2.0)
        samples.append(_sample(worker, bootstrap, app_id, ends))
        assert worker.proc is not None and worker.proc.poll() is None, worker.tail()
    return samples, noticed


def _decoded(records: list[bytes]) -> list[dict[str, Any]]:
    return [orjson.loads(value) for value in records]


@pytest.mark.timeout(1200)
def test_refused_outputs_are_held_and_delivered_once_the_topics_are_back(
        kafka_broker: Broker, kafka_bootstrap: str, unique: str, tmp_path: Path) -> None:
    sim, events, lines = _scenario(tmp_path)
    replay = _replay(lines)
    worker = _worker(kafka_bootstrap, unique, tmp_path)
    # waits of 1, 2, 4, 8, 8 ... s (the default goes up to 60 s): a shorter test
    worker.env["BRANDGUARD_OUTPUT_RETRY_MAX_SECONDS"] = str(RETRY_MAX)
    worker.start()
    assert worker.proc is not None
    pid = worker.proc.pid
    app_id = worker.env["BRANDGUARD_APP_ID"]
    inputs = input_topics(app_id)
    try:
        _produce_registry_first(events, tmp_path, [worker], kafka_bootstrap, app_id)
        ends = end_offsets(kafka_bootstrap, group_topics(app_id))
        inputs_end = {tp: n for tp, n in ends.items() if tp[0] in inputs}
        wait_reading(worker, inputs, DELETE_AT * sum(inputs_end.values()))
        before = _read_then_delete(kafka_bootstrap, app_id, worker)
        samples, noticed = _hold(worker, kafka_bootstrap, app_id, ends)
        recreated = time.monotonic()
        ensure_topics(load_settings(worker.env))
        wait_for(lambda: worker.metric("brandguard_outputs_held") == 0
                 and worker.request("/readyz")[0] == 200, 300, "the held outputs delivered",
                 worker)
        resumed_after = time.monotonic() - recreated
        wait_committed(kafka_bootstrap, app_id, group_topics(app_id), worker)
        drained_after = time.monotonic() - recreated
        _wait_quiet(worker)
        wait_committed(kafka_bootstrap, app_id, group_topics(app_id), worker)
        outages = worker.metric("brandguard_output_outages_total")
        refusals = worker.metric("brandguard_output_refusals_total")
        assert worker.proc.poll() is None and worker.proc.pid == pid, "the worker restarted"
        alerts, dead, aggregates = _collect(kafka_bootstrap, app_id, [worker])
        model = latest_model(kafka_bootstrap, app_id)
    finally:
        worker.stop()
    log = worker.log.read_text(errors="replace")
    held = max(s["held"] for s in samples)
    committed = {tuple(sorted(s["committed"].items())) for s in samples}
    frozen = samples[0]["committed"]
    uncommitted = sum(inputs_end[tp] - frozen[tp] for tp in inputs_end)
    print(f"\n[output refused] alerts and dead-letter topics deleted at {DELETE_AT:.0%} of "
          f"{sum(inputs_end.values())} records; held records reported {noticed:.1f} s after "
          f"the deletion, up to {held:.0f} held; {outages:.0f} outages, {refusals:.0f} "
          f"refusals; /readyz {sorted({s['readyz'] for s in samples})} meanwhile "
          f"({samples[-1]['reason']}); commits unchanged over {len(samples)} samples "
          f"({uncommitted} input records uncommitted); held records delivered "
          f"{resumed_after:.1f} s after the topics were re-created (retries at most "
          f"{RETRY_MAX:.0f} s apart), everything committed after {drained_after:.1f} s")
    assert held > 0 and outages >= 1
    assert {s["readyz"] for s in samples} == {503} and {s["ready"] for s in samples} == {0}
    assert all("refuses records" in (s["reason"] or "") for s in samples)
    # no commit passed the held records' events while they were held
    assert len(committed) == 1 and uncommitted > 0
    assert "refuses records" in log and "takes records again" in log
    assert "stopping: an output could not be delivered" not in log
    alerts_topic, dead_topic = (topic_name(app_id, role) for role in OUTPUT_ROLES)
    live = (_decoded(before[alerts_topic]) + alerts, _decoded(before[dead_topic]) + dead,
            aggregates)
    check_against_replay("output refused", sim, lines, replay, live, model)
