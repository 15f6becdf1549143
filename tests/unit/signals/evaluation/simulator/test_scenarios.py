"""Named scenarios: populations, focus and mid-stream drift."""

from __future__ import annotations

from collections import Counter

import pytest

from signals.contract.timefmt import parse_rfc3339
from signals.evaluation.simulator import scenario_config, simulate
from signals.evaluation.simulator.names import BRAND_CATALOGUE


def test_scale_multiplies_the_population() -> None:
    def sellers(scale: float) -> int:
        return len(simulate(scenario_config("mixed", seed=2, days=0.5, scale=scale))
                   .truth["sellers"])

    stores = len(BRAND_CATALOGUE)
    assert 1.8 < (sellers(1.0) - stores) / (sellers(0.5) - stores) < 2.2


@pytest.mark.parametrize("scenario,main_tactics", [("subtle", ("subtle_fake", "stealth_fake")),
                                                    ("copycat", ("copycat",))])
def test_focused_scenarios_are_dominated_by_their_tactic(
        scenario: str, main_tactics: tuple[str, ...]) -> None:
    truth = simulate(scenario_config(scenario, seed=5, days=2.0, scale=0.5)).truth
    infringing = Counter(i["tactic"] for i in truth["listings"].values() if i["infringing"])
    assert sum(infringing[t] for t in main_tactics) > 0.6 * sum(infringing.values())


def test_drift_turns_counterfeiters_stealthy_mid_stream() -> None:
    truth = simulate(scenario_config("drift", seed=5, days=2.0, scale=0.5)).truth
    start = parse_rfc3339(truth["start_time"])
    stealth = [parse_rfc3339(i["created_time"]) - start for i in truth["listings"].values()
               if i["tactic"] == "stealth_fake"]
    blatant = [parse_rfc3339(i["created_time"]) - start for i in truth["listings"].values()
               if i["tactic"] == "blatant_fake"]
    assert stealth and blatant
    assert sorted(stealth)[len(stealth) // 2] > sorted(blatant)[len(blatant) // 2]
