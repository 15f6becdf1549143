"""``brandguard model card``: the card written from a replay of an event file, and the
evaluation figures it is made of."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import orjson
import pytest

from signals.evaluation.simulator import Simulation, scenario_config, simulate
from streams.cli.main import main
from streams.cli.model_card import _described, card_from_replay


@cache
def _sim() -> Simulation:
    return simulate(scenario_config("mixed", seed=4, days=2.0, scale=0.4))


def _inputs(tmp_path: Path) -> tuple[Path, Path]:
    events, truth = tmp_path / "ev.jsonl", tmp_path / "truth.json"
    events.write_bytes(b"\n".join(_sim().lines) + b"\n")
    truth.write_bytes(orjson.dumps(_sim().truth))
    return events, truth


def test_model_card_writes_a_card_from_a_replay(tmp_path: Path) -> None:
    sim = simulate(scenario_config("mixed", seed=4, days=2.0, scale=0.4))
    events, truth, out = tmp_path / "ev.jsonl", tmp_path / "truth.json", tmp_path / "model.md"
    events.write_bytes(b"\n".join(sim.lines) + b"\n")
    truth.write_bytes(orjson.dumps(sim.truth))
    assert main(["model", "card", "--events", str(events), "--truth", str(truth),
                 "--challenger", "small:drop=seller_reports", "--out", str(out)]) == 0
    card = out.read_text()
    assert card.startswith("# Model card") and "small-" in card and "## Where the risk is" in card


def test_model_card_needs_its_inputs(capsys: object) -> None:
    assert main(["model", "card"]) == 2




def test_the_evaluation_has_segments_and_with_a_challenger_its_figures(tmp_path: Path) -> None:
    events, truth = _inputs(tmp_path)
    evaluation, state = card_from_replay(events, truth, "small:drop=seller_reports")
    assert set(evaluation["segments"]) == {"category", "brand", "cohort"}
    assert evaluation["challenger"]["challenger"]["lineages"] == ["small"]
    assert sorted(state.learner.challengers) == ["small"]
    plain, _ = card_from_replay(events, truth, None)
    assert "challenger" not in plain
    assert plain["listing_recall"] == evaluation["listing_recall"]  # the shadow changes nothing


def test_the_card_says_which_stream_it_was_measured_on(tmp_path: Path) -> None:
    _, truth = _inputs(tmp_path)
    assert _described(truth) == ("the simulator's `mixed` scenario (seed 4, 2.0 days; "
                                 "`brandguard simulate --scenario mixed --seed 4 --days 2.0`)")
    other = tmp_path / "labels.json"
    other.write_bytes(b"[]")
    assert _described(other) == "labels.json"


def test_a_card_without_events_or_truth_is_a_usage_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", "card", "--events", "x.jsonl"]) == 2
    assert "usage: brandguard model card --events F --truth T" in capsys.readouterr().err
