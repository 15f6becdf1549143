"""A real worker's operability: JSON logs from every logger at the configured level,
and Faust's health (rebalances, assignment, commits) and build info on /metrics."""

from __future__ import annotations

from pathlib import Path

import orjson

from streams.worker.monitoring.version import build_labels
from tests.integration.worker_proc import WorkerProcess, free_port, wait_for, worker_env


def test_json_logs_and_faust_health_metrics(kafka_bootstrap: str, unique: str,
                                            tmp_path: Path) -> None:
    port = free_port()
    env = worker_env(kafka_bootstrap, f"bg-{unique}"[:60], tmp_path / "w", port)
    env.update({"BRANDGUARD_LOG_FORMAT": "json", "BRANDGUARD_LOG_LEVEL": "info"})
    worker = WorkerProcess(env=env, port=port, log=tmp_path / "worker.log", loglevel=None)
    worker.start()
    try:
        topic = env["BRANDGUARD_TOPIC_LISTINGS"]
        listings = f'brandguard_assigned_partitions{{kind="active",topic="{topic}"}}'
        wait_for(lambda: worker.metric(listings) == 8, 90, "the listings assigned", worker)
        wait_for(lambda: worker.metric("brandguard_rebalance_in_progress") == 0, 90,
                 "the tables recovered", worker)
        wait_for(lambda: worker.metric("brandguard_commit_seconds_count") > 0, 60,
                 "an offset commit", worker)
        assert worker.metric("brandguard_rebalances_total") >= 1
        assert worker.metric('brandguard_last_rebalance_seconds{phase="recovered"}') > 0
        labels = ",".join(f'{k}="{v}"' for k, v in sorted(build_labels().items()))
        assert worker.metric(f"brandguard_build_info{{{labels}}}") == 1
        assert worker.metric('brandguard_producer_send_errors_total{producer="faust"}') == 0
    finally:
        worker.stop()
    lines = [line for line in worker.log.read_bytes().splitlines() if line.strip()]
    records = [orjson.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= record.keys() for record in records)
    loggers = {record["logger"].split(".")[0] for record in records}
    assert {"brandguard", "faust"} <= loggers, loggers
    assert any(r["logger"] == "brandguard.startup" and r["message"].startswith("starting ")
               for r in records)
    assert "debug" not in {record["level"] for record in records}  # the level is applied
    assert "info" in {record["level"] for record in records}
