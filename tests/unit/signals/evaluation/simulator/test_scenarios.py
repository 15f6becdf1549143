"""Named scenarios: populations, focus and mid-stream drift."""

from __future__ import annotations

from collections import Counter

import pytest

from signals.contract.timefmt import parse_rfc3339
from signals.evaluation.simulator import SCENARIOS, scenario_config, simulate
from signals.evaluation.simulator.names import BRAND_CATALOGUE
from signals.evaluation.simulator.scenarios import BAD_KINDS, SELLER_KINDS


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


def test_a_configuration_says_when_it_ends_and_when_tactics_shift() -> None:
    drift = scenario_config("drift", seed=1, days=2.0, scale=1.0)
    assert drift.end_ms - drift.start_ms == 2 * 86_400_000
    assert drift.shift_ms == drift.start_ms + round(0.35 * 2 * 86_400_000)
    mixed = scenario_config("mixed", seed=1, days=2.0, scale=1.0)
    assert mixed.shift_ms is None and not mixed.flood and not mixed.drift
    assert scenario_config("brand_flood", seed=1, days=1.0, scale=1.0).flood


def test_every_kind_has_at_least_one_seller_at_any_scale_and_bad_input_is_refused() -> None:
    tiny = scenario_config("copycat", seed=1, days=1.0, scale=0.001)
    assert set(tiny.population) == set(SELLER_KINDS) and min(tiny.population.values()) == 1
    for days, scale in ((0.0, 1.0), (1.0, -1.0)):
        with pytest.raises(ValueError, match="must be positive"):
            scenario_config("mixed", seed=1, days=days, scale=scale)
    with pytest.raises(ValueError, match=", ".join(sorted(SCENARIOS))):
        scenario_config("nope", seed=1, days=1.0, scale=1.0)
    assert set(SELLER_KINDS) >= BAD_KINDS
