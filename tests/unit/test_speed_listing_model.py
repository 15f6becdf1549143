"""Scoring answers bit for bit what the plain computations do: the blend without a
merged dict, canonical features, and the learned contributions from the remembered
per-feature scaling (kept in step with every label)."""

from __future__ import annotations

import math
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from signals.model.blend import blend_contributions
from signals.model.online import RiskModel, _canonical
from signals.model.prior import rule_prior

names = st.sampled_from(["a", "b", "brand_typo", "counterfeit_vocab", "z"])
values = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-5, 5) | st.booleans()


def _plain_canonical(x: dict[str, float]) -> dict[str, float]:
    return {k: float(x[k]) for k in sorted(x) if math.isfinite(float(x[k]))}


@given(st.dictionaries(names, values))
def test_canonical_is_the_plain_sorted_finite_copy(x: dict[str, float]) -> None:
    got = _canonical(x)
    want = _plain_canonical(x)
    assert list(got) == list(want)
    assert all(got[k].hex() == want[k].hex() for k in want)


def test_canonical_keeps_finite_values_whose_sum_overflows() -> None:
    assert _canonical({"b": 1e308, "a": 1e308, "c": -math.inf}) == {"a": 1e308, "b": 1e308}


def _plain_blend(prior: dict[str, float], learned: dict[str, float],
                 trust: float) -> dict[str, float]:
    keep = 1.0 - trust
    mixed = {n: keep * prior.get(n, 0.0) + trust * learned.get(n, 0.0)
             for n in {**prior, **learned}}
    return dict(sorted(mixed.items(), key=lambda kv: (-abs(kv[1]), kv[0])))


finite = st.floats(min_value=-50, max_value=50) | st.just(-0.0)


@settings(max_examples=300)
@given(st.dictionaries(names, finite), st.dictionaries(names, finite),
       st.floats(min_value=0.0, max_value=1.0))
def test_blend_matches_the_merged_dict_computation(prior: dict[str, float],
                                                   learned: dict[str, float],
                                                   trust: float) -> None:
    got = blend_contributions(prior, learned, trust)
    want = _plain_blend(prior, learned, trust)
    assert list(got) == list(want)
    assert [v.hex() for v in got.values()] == [v.hex() for v in want.values()]


def _plain_learned(model: RiskModel, features: dict[str, float]) -> dict[str, float]:
    scaler, weights = model._scaler, model._regression._weights
    out = {}
    for name, value in features.items():
        var = scaler.vars.get(name, 0.0)
        out[name] = (weights.get(name, 0.0) * ((value - scaler.means.get(name, 0.0)) / var**0.5)
                     if var else 0.0)
    return out


def test_learned_contributions_follow_every_label() -> None:
    rng = random.Random(3)
    model = RiskModel(rule_prior)
    feature_names = ["a", "b", "brand_typo", "counterfeit_vocab"]
    for step in range(60):
        x = _canonical({n: rng.choice([0.0, 1.0, rng.random()]) for n in feature_names})
        if step % 7 == 3:
            x = _canonical({"a": 1.0, "z": 2.0})  # another name tuple, remembered apart
        probability, contributions = model._learned(x)
        want = _plain_learned(model, x)
        assert contributions == want and list(contributions) == list(want)
        logit = model._regression.intercept + math.fsum(want.values())
        assert probability == (1.0 / (1.0 + math.exp(-logit)) if logit >= 0
                               else math.exp(logit) / (1.0 + math.exp(logit)))
        model.learn_one(x, rng.random() < 0.4)
