"""The rule prior: a probability even for absurd feature values."""

from __future__ import annotations

from signals.model.prior import rule_prior


def test_the_prior_saturates_instead_of_overflowing() -> None:
    high, _ = rule_prior({"price_discount": 1e300})
    low, _ = rule_prior({"authorized": 1e300})
    assert 0.999 < high <= 1.0 and 0.0 <= low < 1e-9
