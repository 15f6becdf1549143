"""``brandguard evaluate --challenger/--by``: the governance tables printed and returned."""

from __future__ import annotations

import argparse
from pathlib import Path

import orjson
import pytest

from signals.evaluation.detection import summarize_events
from streams.cli.evaluate_governance import governance_report
from streams.cli.main import main
from tests.unit.signals.evaluation.governed_run import governed_run


def test_nothing_asked_prints_and_returns_nothing(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    sim, alerts, scored, state = governed_run()
    args = argparse.Namespace(challenger=None, by=None)
    assert governance_report(args, sim.truth, alerts, summarize_events(sim.lines),
                             tmp_path / "unused", scored, state) == {}
    assert capsys.readouterr().out == ""


def test_the_challenger_and_segment_tables_are_printed_and_returned(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    sim, alerts, scored, state = governed_run()
    events = tmp_path / "events.jsonl"
    events.write_bytes(b"\n".join(sim.lines) + b"\n")
    args = argparse.Namespace(challenger="sgd05:optimizer=sgd", by=["cohort", "brand"])
    report = governance_report(args, sim.truth, alerts, summarize_events(sim.lines), events,
                               scored, state)
    assert set(report) == {"challenger", "segments"}
    assert set(report["segments"]) == {"cohort", "brand"}
    out = capsys.readouterr().out
    assert "champion vs challenger" in out and "delayed labels per lineage" in out
    assert "\nby cohort\n" in out and "\nby brand\n" in out
    for segment in report["segments"]["cohort"]:
        assert f"\n{segment} " in out


def test_evaluate_writes_the_governance_figures_into_its_json(tmp_path: Path) -> None:
    sim, _, _, _ = governed_run()
    events, truth, out = tmp_path / "e.jsonl", tmp_path / "t.json", tmp_path / "f.json"
    events.write_bytes(b"\n".join(sim.lines) + b"\n")
    truth.write_bytes(orjson.dumps(sim.truth))
    assert main(["evaluate", "--events", str(events), "--truth", str(truth), "--json", str(out),
                 "--challenger", "sgd05:optimizer=sgd", "--by", "category"]) == 0
    figures = orjson.loads(out.read_bytes())
    assert figures["challenger"]["challenger"]["lineages"] == ["sgd05"]
    assert set(figures["segments"]) == {"category"}
