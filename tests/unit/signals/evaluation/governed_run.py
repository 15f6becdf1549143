"""One governed replay of a small simulated file, shared by the governance-figure and
model-card tests (slow enough to run once per session)."""

from __future__ import annotations

from functools import cache
from typing import Any

from signals.contract.alert import alert_to_dict
from signals.evaluation.simulator import scenario_config, simulate
from signals.governance.lineages import Lineages
from signals.governance.observation import ScoredListing
from signals.governance.spec import parse_spec
from signals.pipeline import PipelineState, governed_state
from signals.replay import replay_lines

__all__ = ["governed_run"]


@cache
def governed_run() -> tuple[Any, list[dict[str, Any]], list[ScoredListing], PipelineState]:
    sim = simulate(scenario_config("mixed", seed=2, days=3.0, scale=0.5))
    alerts: list[dict[str, Any]] = []
    scored: list[ScoredListing] = []
    _, state = replay_lines(sim.lines, "f", lambda: 0.0, lambda a: alerts.append(alert_to_dict(a)),
                            lambda d: None, on_scored=scored.append,
                            state=governed_state(Lineages(parse_spec("sgd05:optimizer=sgd"))))
    return sim, alerts, scored, state
