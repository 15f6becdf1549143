"""``brandguard replay``: alerts and dead letters written as JSON Lines, the same for the
same file, a state snapshot on request, and governance inputs read from their files."""

from __future__ import annotations

import argparse
from functools import cache
from pathlib import Path

import orjson
import pytest

from signals.evaluation.simulator import scenario_config, simulate
from signals.governance.control import control_record
from streams.cli.replay import load_lineages, replay_file, replay_governed, run_cli


@cache
def _lines() -> tuple[bytes, ...]:
    return tuple(simulate(scenario_config("mixed", seed=6, days=1.0, scale=0.3)).lines)


def _events(tmp_path: Path) -> Path:
    events = tmp_path / "events.jsonl"
    # plus two broken records, which must come out as dead letters
    events.write_bytes(b"\n".join(_lines()) + b'\n{"schema": "listing.v1"\n[1, 2]\n')
    return events


def _without_wall_clock(path: Path) -> list[dict[str, object]]:
    """The records without the processing time (created_at, failed_at)."""
    return [{k: v for k, v in orjson.loads(line).items() if k not in ("created_at", "failed_at")}
            for line in path.read_bytes().splitlines()]


def test_the_outputs_are_json_lines_and_the_same_for_the_same_file(tmp_path: Path) -> None:
    events = _events(tmp_path)
    runs = []
    for n in range(2):
        alerts, dead = tmp_path / f"a{n}.jsonl", tmp_path / f"d{n}.jsonl"
        summary = replay_file(events, alerts, dead, progress=False)
        runs.append((_without_wall_clock(alerts), _without_wall_clock(dead)))
        assert summary.alerts == len(runs[-1][0]) > 0
        assert sum(summary.dead_letters.values()) == len(runs[-1][1]) == 2
    assert runs[0] == runs[1]
    assert [(d["schema"], d["error_code"]) for d in runs[0][1]] == [
        ("deadletter.v1", "invalid_json")] * 2


def test_a_state_snapshot_is_written_on_request(tmp_path: Path) -> None:
    events, state = _events(tmp_path), tmp_path / "state.json"
    replay_file(events, tmp_path / "a", tmp_path / "d", progress=False, state_path=state)
    snapshot = orjson.loads(state.read_bytes())
    assert set(snapshot) == {"order_independent", "model", "brand_views"}
    assert snapshot["order_independent"]["sellers"]


def test_governance_inputs_come_from_the_challenger_setting_and_the_controls_file(
        tmp_path: Path) -> None:
    assert load_lineages(None, None) is None
    controls = tmp_path / "controls.jsonl"
    record = control_record("promote", version="sgd05-0", model_config={"name": "sgd05"},
                            effective_at=0.0, who="ana", why="t", recorded_at=0.0)
    controls.write_bytes(b"\n" + orjson.dumps(record) + b"\n\n")
    lineages = load_lineages(None, str(controls))
    assert lineages is not None and lineages.roles_at(1.0) == ("sgd05", None)
    challenged = load_lineages("sgd05:optimizer=sgd", None)
    assert challenged is not None and challenged.roles_at(1.0) == ("lr1", "sgd05")


def test_a_governed_replay_hands_over_every_scored_listing(tmp_path: Path) -> None:
    events = _events(tmp_path)
    scored: list[object] = []
    summary, state = replay_governed(events, tmp_path / "a", tmp_path / "d", progress=False,
                                     lineages=load_lineages("sgd05:optimizer=sgd", None),
                                     on_scored=scored.append)
    assert scored and summary.processed > 0
    assert "sgd05" in state.learner.challengers


def test_the_command_prints_one_summary_line(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    args = argparse.Namespace(events=str(_events(tmp_path)), alerts=str(tmp_path / "a"),
                              deadletter=str(tmp_path / "d"), quiet=True, state=None,
                              challenger=None, controls=None)
    assert run_cli(args) == 0
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("replayed ") and "dead-lettered" in line and "alerts" in line
