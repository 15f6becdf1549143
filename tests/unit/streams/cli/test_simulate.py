"""The simulate command writes the events and the ground truth simulate() gives."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from signals.evaluation.simulator import scenario_config, simulate
from streams.cli.simulate import run_cli


def test_cli_writes_file_and_truth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, truth_path = tmp_path / "events.jsonl", tmp_path / "truth.json"
    args = argparse.Namespace(seed=8, days=0.5, out=str(out), truth=str(truth_path),
                              scenario="mixed", scale=0.2)
    assert run_cli(args) == 0
    data = out.read_bytes()
    expected = simulate(scenario_config("mixed", seed=8, days=0.5, scale=0.2))
    assert data == b"".join(line + b"\n" for line in expected.lines)
    assert json.loads(truth_path.read_text()) == expected.truth
    assert "lines in" in capsys.readouterr().out
    args.scenario = "nonsense"
    assert run_cli(args) == 2
