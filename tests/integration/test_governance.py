"""Model governance on the real broker: the registry every alert's model_version resolves
to, a challenger scoring in shadow, and an audited promotion and rollback that switch the
champion at a defined event time (so a replay with the same records agrees)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson

from signals.contract.alert import alert_to_dict
from signals.contract.timefmt import format_rfc3339, parse_rfc3339
from signals.evaluation.simulator import scenario_config, simulate
from signals.governance.control import read_control
from signals.pipeline import governed_state
from signals.replay import replay_lines
from streams.cli.model import read_controls, read_registry
from streams.cli.model_topics import GovernanceTopics
from streams.cli.replay import load_lineages
from tests.integration.test_worker import _produce_registry_first, _wait_consumed, _worker
from tests.integration.worker_proc import read_topic, topic_name, wait_for

CHALLENGER = "sgd05:optimizer=sgd,learning_rate=0.05"
DAY = 86400.0


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "streams.cli.main", "model", *args], env=env,
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


def _replay(lines: list[bytes], controls: Path | None) -> list[dict[str, Any]]:
    alerts: list[dict[str, Any]] = []
    lineages = load_lineages(CHALLENGER, str(controls) if controls else None)
    replay_lines(lines, "file", time.time, lambda a: alerts.append(alert_to_dict(a)),
                 lambda d: None, state=governed_state(lineages))
    return alerts


def _jaccard(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> float:
    """Overlap of (alert id, serving lineage): versions themselves differ, as a replay's
    model moves with every label and a live one with every publication."""
    def keys(alerts: list[dict[str, Any]]) -> set[tuple[str, str]]:
        return {(x["alert_id"], x["model_version"].rsplit("-", 1)[0]) for x in alerts}

    left, right = keys(a), keys(b)
    return len(left & right) / len(left | right)


def test_promotion_and_rollback_switch_every_alert_at_the_recorded_event_time(
        kafka_bootstrap: str, unique: str, tmp_path: Path) -> None:
    config = scenario_config("mixed", seed=5, days=4.0, scale=1.0)
    sim = simulate(config)
    events = tmp_path / "events.jsonl"
    events.write_bytes(b"\n".join(sim.lines) + b"\n")
    lines = events.read_bytes().split(b"\n")
    worker = _worker(kafka_bootstrap, unique, tmp_path)
    worker.env["BRANDGUARD_CHALLENGER"] = CHALLENGER
    worker.start()
    app_id = worker.env["BRANDGUARD_APP_ID"]
    env = {**worker.env, "BRANDGUARD_OPERATOR": "oncall-ana"}
    topics = GovernanceTopics(kafka_bootstrap, app_id)
    start = parse_rfc3339(config.start_time)
    promote_at, rollback_at = format_rfc3339(start + DAY), format_rfc3339(start + 2.5 * DAY)
    try:
        wait_for(lambda: {"lr1-0", "sgd05-0"} <= read_registry(topics).keys(), 60,
                 "the genesis records", worker)
        _cli(env, "promote", "sgd05-0", "--why", "shadow AUC above the champion's",
             "--effective-at", promote_at)
        _cli(env, "rollback", "--why", "precision dropped", "--effective-at", rollback_at)
        history = _cli(env, "history")
        _produce_registry_first(events, tmp_path, [worker], kafka_bootstrap, app_id)
        _wait_consumed([worker], lines)
        alerts = [orjson.loads(v) for _, v in
                  read_topic(kafka_bootstrap, topic_name(app_id, "alerts"))]
        registry = read_registry(topics)
        controls = read_controls(topics)
        listing = _cli(env, "list")
        shadow = worker.metric("brandguard_shadow_listings_total")
        scrape = (worker.get("/metrics") or b"").decode()
    finally:
        worker.stop()
    assert "promote" in history and "rollback" in history and "champion now: lr1" in history
    assert {c.who for c in controls} == {"oncall-ana"} and len(controls) == 2
    # every alert names a registry record; listing and seller alerts name a lineage that
    # served at their trigger time
    scored = [a for a in alerts if a["entity_type"] != "brand"]
    assert scored and all(a["model_version"] in registry for a in scored)
    for alert in scored:
        ts = parse_rfc3339(alert["trigger_event_time"])
        serving = "sgd05" if parse_rfc3339(promote_at) <= ts < parse_rfc3339(rollback_at) else "lr1"
        assert alert["model_version"].rsplit("-", 1)[0] == serving, alert
    assert any(a["model_version"].startswith("sgd05-") for a in scored)
    assert {r["lineage"] for r in registry.values()} == {"lr1", "sgd05"}
    assert all(r["parent"] in registry for r in registry.values() if r["parent"] is not None)
    assert "sgd05-" in listing and shadow > 0
    assert ('brandguard_lineage_metric{lineage="sgd05",metric="progressive_roc_auc",'
            'role="challenger"}') in scrape
    # a replay with the same challenger and records switches at the same events
    recorded = tmp_path / "controls.jsonl"
    recorded.write_text(_cli(env, "history", "--json"))
    assert [read_control(line.encode()).action for line in recorded.read_text().splitlines()
            ] == ["promote", "rollback"]
    governed, plain = _replay(lines, recorded), _replay(lines, None)
    assert _jaccard(governed, alerts) >= 0.95
    assert _jaccard(governed, alerts) > _jaccard(plain, alerts)
