"""A blended score: its contributions, read lazily, and a floor that keeps its parts."""

from __future__ import annotations

import pytest

from signals.model.blend import blend_contributions
from signals.model.score import ModelScore

PRIOR = {"counterfeit_vocab": 2.5, "price_discount": 1.6, "seller_established": -0.4}
LEARNED = {"counterfeit_vocab": 0.5, "price_discount": 3.0, "unauthorized": 1.0}


def test_a_prior_only_score_orders_its_contributions_strongest_first() -> None:
    score = ModelScore(0.9, 0.9, None, 0.0, PRIOR)
    assert list(score.contributions) == ["counterfeit_vocab", "price_discount",
                                         "seller_established"]
    assert ModelScore(0.5, 0.5, None, 0.0).contributions == {}


@pytest.mark.parametrize("trust", [0.0, 0.3, 1.0])
def test_a_blended_score_blends_its_parts_by_trust(trust: float) -> None:
    score = ModelScore.blended(0.7, 0.6, 0.8, trust, PRIOR, LEARNED)
    assert score.contributions == blend_contributions(PRIOR, LEARNED, trust)
    values = [abs(v) for v in score.contributions.values()]
    assert values == sorted(values, reverse=True)


def test_a_floored_probability_keeps_everything_else() -> None:
    score = ModelScore.blended(0.5, 0.99, 0.3, 0.8, PRIOR, LEARNED)
    floored = score.with_probability(0.99)
    assert floored.probability == 0.99 and score.probability == 0.5
    assert (floored.prior, floored.learned, floored.trust) == (0.99, 0.3, 0.8)
    assert floored.contributions == score.contributions
    assert floored != score and floored == score.with_probability(0.99)


def test_equal_scores_are_equal_and_say_what_they_are_made_of() -> None:
    a = ModelScore.blended(0.7, 0.6, 0.8, 0.5, PRIOR, LEARNED)
    b = ModelScore(0.7, 0.6, 0.8, 0.5, dict(a.contributions))
    assert a == b and (a == "x") is False
    assert repr(a).startswith("ModelScore(probability=0.7, prior=0.6, learned=0.8, trust=0.5")
