"""End to end: the simulator's ``drift`` scenario (blatant counterfeiters turn subtle
halfway) replayed through the worker's governance monitor, its drift counters sampled
every 10 minutes of event time and given to promtool with the real rules: the input
drift alert fires after the tactic change and not before; the ``mixed`` scenario never
raises it."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from signals.evaluation.simulator import scenario_config, simulate
from signals.governance.observation import ScoredListing
from signals.pipeline import governed_state
from signals.policy.config import PolicyConfig
from signals.replay import replay_lines
from streams.worker.monitoring.governance import GovernanceMonitor
from streams.worker.monitoring.metrics import Metrics

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "deploy" / "prometheus" / "rules" / "governance.rules.yml"
STEP = 600.0  # seconds of event time between two samples
INPUT_SIGNALS = ("price_ratio", "deep_discount", "brand_mix")


def _sampled_detections(scenario: str) -> tuple[dict[str, list[float]], float, float | None]:
    """Per input signal, the detection counter at every STEP of event time."""
    config = scenario_config(scenario, seed=1, days=7.0, scale=1.0)
    monitor = GovernanceMonitor(Metrics(), PolicyConfig())
    start = config.start_ms / 1000
    samples: dict[str, list[float]] = {signal: [] for signal in INPUT_SIGNALS}

    def sample_until(ts: float) -> None:
        while start + STEP * len(samples["price_ratio"]) <= ts:
            for signal in INPUT_SIGNALS:
                counter = monitor.metrics.drift_detections.labels(signal, "input")
                samples[signal].append(counter._value.get())

    def on_scored(scored: ScoredListing) -> None:
        sample_until(scored.event.ts)
        monitor.observe([scored])

    replay_lines(simulate(config).lines, "f", time.time, lambda a: None, lambda d: None,
                 state=governed_state(None), on_scored=on_scored)
    sample_until(config.end_ms / 1000)
    shift = None if config.shift_ms is None else config.shift_ms / 1000
    return samples, start, shift


def _series(samples: dict[str, list[float]]) -> list[dict[str, str]]:
    return [{"series": f'brandguard_drift_detections_total{{job="brandguard", instance="w1", '
                       f'signal="{signal}", kind="input"}}',
             "values": " ".join(f"{v:g}" for v in values)} for signal, values in samples.items()]


def _annotations(signal: str) -> dict[str, str]:
    rule = next(r for g in yaml.safe_load(RULES.read_text())["groups"] for r in g["rules"]
                if r.get("alert") == "BrandguardInputDrift")
    return {k: " ".join(v.replace("{{ $labels.signal }}", signal).split())
            for k, v in rule["annotations"].items()}


def test_the_drift_scenario_fires_the_input_drift_alert_and_mixed_does_not(
        tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool not installed (make promtool)")
    samples, start, shift = _sampled_detections("drift")
    assert shift is not None
    first = min(i for values in samples.values() for i, v in enumerate(values) if v > 0)
    shift_step = int((shift - start) // STEP)
    assert first > shift_step, "a detection before the tactics changed"
    quiet, _, _ = _sampled_detections("mixed")
    assert all(v == 0 for values in quiet.values() for v in values)
    fired_signal = next(s for s, values in samples.items() if values[first] > 0)
    tests = {"rule_files": [str(RULES)], "evaluation_interval": "10m", "tests": [{
        "interval": "10m", "input_series": _series(samples),
        "alert_rule_test": [
            {"eval_time": f"{shift_step * 10}m", "alertname": "BrandguardInputDrift",
             "exp_alerts": []},
            {"eval_time": f"{(first + 1) * 10}m", "alertname": "BrandguardInputDrift",
             "exp_alerts": [{"exp_labels": {
                 "severity": "warning", "team": "brand-protection", "job": "brandguard",
                 "signal": fired_signal}, "exp_annotations": _annotations(fired_signal)}]},
        ]}]}
    test_file = tmp_path / "drift.test.yml"
    test_file.write_text(yaml.safe_dump(tests))
    result = subprocess.run([promtool, "test", "rules", str(test_file)], capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    hours_after = (first + 1) * STEP / 3600 - (shift - start) / 3600
    print(f"input drift alert {hours_after:.1f} h of event time after the tactic change "
          f"({fired_signal})")
