"""``brandguard model``: the card is written from a replay; broker-less misuse is refused
with a clear message (the broker paths run in tests/integration/test_governance.py)."""

from __future__ import annotations

from pathlib import Path

import orjson

from signals.evaluation.simulator import scenario_config, simulate
from streams.cli.main import main


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


def test_promote_needs_a_version() -> None:
    assert main(["model", "promote", "--bootstrap", "127.0.0.1:1"]) == 2
