"""``brandguard evaluate``: scores given alerts or a replay's, prints the table, writes
the figures as JSON, and refuses unusable inputs in one line."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import orjson
import pytest

from signals.evaluation.detection import Figures, evaluate, summarize_events
from streams.cli.evaluate import format_table, read_alerts
from streams.cli.main import main
from tests.unit.signals.evaluation.detection_world import ALERTS, EVENT_LINES, TRUTH


@pytest.fixture(scope="module")
def figures() -> Figures:
    return evaluate(TRUTH, ALERTS, summarize_events(EVENT_LINES), {"n": 3, "log_loss": 0.41})


def test_table_lists_every_figure(figures: Figures) -> None:
    table = format_table(figures)
    for label in ("proactive recall", "50.0%  (2/4)", "listing precision", "60.0%  (3/5)",
                  "seller recall", "median 20.0 min", "p90 60.0 min", "within 1h", "late",
                  "log_loss", "flagged gray_market"):
        assert label in table
    assert all(len(line) < 160 for line in table.splitlines())


def _write_inputs(tmp_path: Path) -> tuple[Path, Path, Path]:
    events, truth, alerts = (tmp_path / name for name in
                             ("events.jsonl", "truth.json", "alerts.jsonl"))
    events.write_text("\n".join(EVENT_LINES) + "\n", encoding="utf-8")
    truth.write_bytes(orjson.dumps(TRUTH))
    alerts.write_bytes(b"\n".join(orjson.dumps(a) for a in ALERTS) + b"\n\n")
    return events, truth, alerts


def test_cli_scores_given_alerts_and_writes_json(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events, truth, alerts = _write_inputs(tmp_path)
    out = tmp_path / "figures.json"
    code = main(["evaluate", "--events", str(events), "--truth", str(truth),
                 "--alerts", str(alerts), "--json", str(out)])
    assert code == 0
    assert "proactive recall" in capsys.readouterr().out
    expected = evaluate(TRUTH, ALERTS, summarize_events(EVENT_LINES)).to_dict()
    assert orjson.loads(out.read_bytes()) == orjson.loads(orjson.dumps(expected))


def test_cli_reports_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events, truth, _ = _write_inputs(tmp_path)
    code = main(["evaluate", "--events", str(events), "--truth", str(truth),
                 "--alerts", str(tmp_path / "absent.jsonl")])
    assert code == 2
    assert "absent.jsonl" in capsys.readouterr().err


def test_cli_without_alerts_scores_what_the_replay_raised(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    events, truth, _ = _write_inputs(tmp_path)
    calls: list[Path] = []

    def fake_replay(events_path: Path, alerts_path: Path, deadletter_path: Path, *,
                    progress: bool) -> SimpleNamespace:
        calls.append(events_path)
        alerts_path.write_bytes(b"\n".join(orjson.dumps(a) for a in ALERTS[:3]) + b"\n")
        deadletter_path.write_bytes(b"")
        return SimpleNamespace(events=5, model_metrics={"labels": 2, "auc": 0.5})

    fake = SimpleNamespace(replay_file=fake_replay)
    monkeypatch.setitem(sys.modules, "streams.cli.replay", fake)
    # `import streams.cli.replay as replay` reads the package's attribute once the real
    # module has been imported (by an earlier test): replace that too
    import streams.cli
    monkeypatch.setattr(streams.cli, "replay", fake, raising=False)
    out = tmp_path / "figures.json"
    assert main(["evaluate", "--events", str(events), "--truth", str(truth),
                 "--json", str(out)]) == 0
    assert calls == [events]
    data = orjson.loads(out.read_bytes())
    assert data["model_metrics"] == {"labels": 2, "auc": 0.5}
    assert (data["alerts"], data["duplicate_alerts"]) == (2, 1)
    assert "auc" in capsys.readouterr().out


def test_cli_with_the_real_replay(tmp_path: Path) -> None:
    pytest.importorskip("streams.cli.replay")
    events, truth, _ = _write_inputs(tmp_path)
    out = tmp_path / "figures.json"
    assert main(["evaluate", "--events", str(events), "--truth", str(truth),
                 "--json", str(out)]) == 0
    data = orjson.loads(out.read_bytes())
    assert data["events"] == 5
    assert isinstance(data["model_metrics"], dict)


@pytest.mark.parametrize("content", [b"{truncated", b"[1, 2]"])
def test_cli_rejects_unusable_truth(tmp_path: Path, content: bytes,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    events, truth, alerts = _write_inputs(tmp_path)
    truth.write_bytes(content)
    assert main(["evaluate", "--events", str(events), "--truth", str(truth),
                 "--alerts", str(alerts)]) == 2
    assert "truth.json" in capsys.readouterr().err


def test_figures_on_a_simulated_replay_are_consistent(tmp_path: Path) -> None:
    """On real simulator output and replay alerts, the figures must agree with each other."""
    pytest.importorskip("streams.cli.replay")
    from signals.evaluation.simulator.generate import simulate
    from signals.evaluation.simulator.scenarios import scenario_config

    sim = simulate(scenario_config("brand_flood", seed=5, days=1.0, scale=0.3))
    events, truth, out = tmp_path / "e.jsonl", tmp_path / "t.json", tmp_path / "f.json"
    events.write_bytes(b"".join(line + b"\n" for line in sim.lines))
    truth.write_bytes(orjson.dumps(sim.truth))
    assert main(["evaluate", "--events", str(events), "--truth", str(truth),
                 "--json", str(out)]) == 0
    f = orjson.loads(out.read_bytes())
    infringing = [r for r in sim.truth["listings"].values() if r["infringing"]]
    assert f["events"] == sum(1 for line in sim.lines if line.strip())
    assert f["listing_recall"]["total"] == len(infringing)
    assert f["proactive_recall"]["hits"] <= f["listing_recall"]["hits"]
    assert f["listing_precision"]["hits"] == f["listing_recall"]["hits"]
    assert sum(t["recall"]["hits"] for t in f["recall_by_tactic"].values()) == (
        f["listing_recall"]["hits"])
    flagged_negatives = sum(s["hits"] for s in f["false_positives_by_tactic"].values())
    assert (f["listing_precision"]["hits"] + flagged_negatives + f["unknown_listings_flagged"]
            == f["listing_precision"]["total"])
    assert f["seller_precision"]["hits"] == f["seller_recall"]["hits"]
    assert sum(f["alerts_by_entity_type"].values()) == f["alerts"]
    assert sum(f["alerts_by_severity"].values()) == f["alerts"]
    assert len(f["incidents"]) == len(sim.truth["incidents"]) == 1
    assert f["listing_recall"]["hits"] > 0  # the run actually raised listing alerts


def test_read_alerts_skips_blank_lines_and_counts_what_is_not_an_alert(tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    path.write_bytes(orjson.dumps(ALERTS[0]) + b"\n\n  \n{cut\n[1, 2]\n"
                     + orjson.dumps(ALERTS[1]) + b"\n")
    alerts, unreadable = read_alerts(path)
    assert alerts == [ALERTS[0], ALERTS[1]] and unreadable == 2
