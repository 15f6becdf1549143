"""The learned model earns its weight on a marketplace the rules were not written for
(issue 14, item 3), and does not fall behind the rules where they fit.

Replays of the simulator (tuning seeds: nothing here looks at seeds 4-8). On
``other_market`` the rule prior's weights for photos, sales and stock are wrong
(signals/evaluation/simulator/other_market.py); the learned model, which starts as
the prior and learns a correction from report decisions, must rank the decided
listings better than the prior does, and the trust formula must give it a large
share of the blend. On the home marketplace (``mixed``) the prior is at the
ceiling the noisy labels allow, and the learned model must stay level with it.
"""

from __future__ import annotations

from typing import Any

import pytest

from signals.evaluation.simulator import scenario_config, simulate
from signals.model.online import ModelConfig
from signals.replay import replay_lines


def _replay(scenario: str, seed: int, scale: float) -> tuple[dict[str, Any], float]:
    """Model metrics and final trust of a 7-day replay (labels arrive days late, so a
    shorter or smaller run has too few of them for a learned model to show much)."""
    sim = simulate(scenario_config(scenario, seed=seed, days=7.0, scale=scale))
    summary, state = replay_lines(sim.lines, "sim", lambda: 0.0, lambda a: None,
                                  lambda d: None)
    return summary.model_metrics, state.learner.model.trust()


@pytest.fixture(scope="module")
def other_market() -> tuple[dict[str, Any], float]:
    return _replay("other_market", 2, 1.0)


def test_the_learned_model_beats_the_prior_where_the_prior_is_wrong(
        other_market: tuple[dict[str, Any], float]) -> None:
    metrics, _ = other_market
    assert metrics["labels_seen"] >= ModelConfig().full_trust_labels
    # seeds 1-3 at full scale measured +0.010 to +0.017; ranking the decided listings by
    # their ground truth, the ceiling the noisy labels allow, is 0.02-0.03 above the prior
    assert metrics["learned_roc_auc"] >= metrics["prior_roc_auc"] + 0.008


def test_trust_hands_the_blend_to_a_learned_model_that_is_ahead(
        other_market: tuple[dict[str, Any], float]) -> None:
    _, trust = other_market
    assert trust > 0.5


def test_the_learned_model_keeps_level_with_the_prior_where_the_prior_fits() -> None:
    metrics, trust = _replay("mixed", 2, 0.5)
    assert metrics["learned_roc_auc"] >= metrics["prior_roc_auc"] - 0.01
    assert metrics["served_roc_auc"] >= metrics["prior_roc_auc"] - 0.01
    assert trust <= ModelConfig().max_trust
