"""RiskModel: cold start, trust, learning direction, determinism, read-only scoring; the
canonical feature copy it learns from, and the learned contributions from the remembered
per-feature scaling (kept in step with every label), bit for bit the plain computations."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signals.errors import ProcessingError
from signals.model import ModelConfig, RiskModel
from signals.model.online import PRIOR_FEATURE, _canonical, prior_logit
from signals.model.prior import rule_prior

INFORMATIVE = {
    "price_discount": 1.4,
    "counterfeit_vocab": 1.1,
    "official_image_unauthorized": 0.9,
    "seller_age_days_log": -0.8,
}
NOISE = [f"noise_{i}" for i in range(6)]


def synthetic_stream(
    seed: int, n: int, informative: bool = True
) -> Iterator[tuple[dict[str, float], bool]]:
    """10 features on mixed scales; the label depends on 4 of them (or on none)."""
    rng = random.Random(seed)
    for _ in range(n):
        x = {name: rng.gauss(0.0, 1.0) for name in INFORMATIVE}
        x.update({name: rng.gauss(5.0, 3.0) for name in NOISE})
        logit = sum(weight * x[name] for name, weight in INFORMATIVE.items()) - 0.5
        y = rng.random() < 1.0 / (1.0 + math.exp(-logit)) if informative else rng.random() < 0.4
        # Mixed scales so the scaler has work to do.
        x["seller_age_days_log"] = 4.0 + 1.5 * x["seller_age_days_log"]
        yield x, y


def weak_prior(x: Mapping[str, float]) -> tuple[float, dict[str, float]]:
    contribution = 0.5 * x.get("counterfeit_vocab", 0.0)
    return 1.0 / (1.0 + math.exp(-(contribution - 1.0))), {"counterfeit_vocab": contribution}


def test_score_is_the_prior_before_warmup() -> None:
    model = RiskModel(weak_prior, ModelConfig(warmup_labels=50))
    for i, (x, y) in enumerate(synthetic_stream(1, 50)):
        score = model.score_one(x)
        prior, contributions = weak_prior(x)
        assert score.probability == prior and score.prior == prior
        assert score.learned is None and score.trust == 0.0
        assert score.contributions == contributions
        assert model.version == f"lr1-{i}"
        model.learn_one(x, y)
    score = model.score_one({"counterfeit_vocab": 1.0})
    assert score.learned is not None
    assert model.version == "lr1-50"


def test_trust_grows_with_informative_labels() -> None:
    model = RiskModel(weak_prior)
    trust_at: dict[int, float] = {}
    for i, (x, y) in enumerate(synthetic_stream(2, 2000)):
        model.learn_one(x, y)
        trust_at[i + 1] = model.trust()
    warm, full = model.config.warmup_labels, model.config.full_trust_labels
    assert trust_at[warm - 1] == 0.0
    # along the label ramp (below the cap: the ramp is at most 0.6 there)
    ramp = [warm + round((full - warm) * share) for share in (0.2, 0.4, 0.6)]
    assert 0.0 < trust_at[ramp[0]] < trust_at[ramp[1]] < trust_at[ramp[2]]
    assert trust_at[2000] == pytest.approx(0.8)  # capped: the prior keeps a fifth
    learned_auc = model.metrics.roc_auc("learned")
    assert learned_auc is not None and learned_auc > 0.85


def test_trust_stays_low_when_labels_are_noise() -> None:
    model = RiskModel(weak_prior)
    highest = 0.0
    for x, y in synthetic_stream(3, 2000, informative=False):
        model.learn_one(x, y)
        highest = max(highest, model.trust())
    assert highest < 0.15
    assert model.trust() < 0.05
    learned_auc = model.metrics.roc_auc("learned")
    assert learned_auc is not None and abs(learned_auc - 0.5) < 0.08


def test_learning_moves_scores_in_the_right_direction() -> None:
    model = RiskModel(weak_prior)
    risky = {name: 2.0 * math.copysign(1.0, w) for name, w in INFORMATIVE.items()}
    risky["seller_age_days_log"] = 1.0  # a young seller
    risky.update({name: 5.0 for name in NOISE})
    safe = {**risky, **{name: -2.0 * math.copysign(1.0, w) for name, w in INFORMATIVE.items()}}
    safe["seller_age_days_log"] = 7.0
    for x, y in synthetic_stream(4, 2000):
        model.learn_one(x, y)
    risky_score, safe_score = model.score_one(risky), model.score_one(safe)
    assert risky_score.learned is not None and risky_score.learned > 0.95
    assert safe_score.learned is not None and safe_score.learned < 0.05
    assert risky_score.probability > risky_score.prior
    assert safe_score.probability < safe_score.prior
    # The explanation leads with informative features pushing the right way.
    top = list(risky_score.contributions)[:4]
    assert set(top) == set(INFORMATIVE)
    assert all(risky_score.contributions[name] > 0 for name in top)


def test_served_probability_is_recorded_as_given() -> None:
    model = RiskModel(weak_prior)
    stream = list(synthetic_stream(5, 10))
    for i, (x, y) in enumerate(stream):
        model.learn_one(x, y, scored_probability=i / 10, delay_seconds=60.0 * i)
    assert [r.served for r in model.metrics.records] == [i / 10 for i in range(10)]
    assert model.metrics.mean_delay_seconds() == pytest.approx(270.0)
    x, y = stream[0]
    model.learn_one(x, y)  # without a served probability the current score stands in
    assert model.metrics.records[-1].served == pytest.approx(model.score_one(x).prior)


def test_two_models_fed_the_same_calls_are_identical() -> None:
    first, second = RiskModel(weak_prior), RiskModel(weak_prior)
    for x, y in synthetic_stream(6, 600):
        first.learn_one(x, y, scored_probability=0.5)
        # Key order must not matter: River sums in dict order.
        second.learn_one(dict(reversed(list(x.items()))), y, scored_probability=0.5)
    assert first.to_dict() == second.to_dict()
    probe = next(synthetic_stream(99, 1))[0]
    assert first.score_one(probe) == second.score_one(probe)


def test_scoring_does_not_change_the_model() -> None:
    model = RiskModel(weak_prior, ModelConfig(warmup_labels=5))
    for x, y in synthetic_stream(7, 20):
        model.learn_one(x, y)
    before = model.to_dict()
    model.score_one({"never_seen_feature": 3.0, "price_discount": 1.0})
    assert model.to_dict() == before


def test_non_finite_features_count_as_missing() -> None:
    model = RiskModel(weak_prior, ModelConfig(warmup_labels=1))
    model.learn_one({"price_discount": math.nan, "counterfeit_vocab": 1.0}, True)
    model.learn_one({"price_discount": math.inf, "counterfeit_vocab": 0.0}, False)
    assert "price_discount" not in model.to_dict()["regression"]["weights"]
    score = model.score_one({"price_discount": math.nan, "counterfeit_vocab": 1.0})
    assert math.isfinite(score.probability)


def test_a_prior_outside_zero_one_is_a_processing_error() -> None:
    model = RiskModel(lambda x: (1.5, {}))
    with pytest.raises(ProcessingError):
        model.score_one({"price_discount": 1.0})


@pytest.mark.parametrize(
    "kwargs",
    [
        {"alert_threshold": 1.0},
        {"learning_rate": 0.0},
        {"optimizer": "lbfgs"},
        {"warmup_labels": 10, "full_trust_labels": 5},
        {"stacking": "residual"},
    ],
)
def test_invalid_configs_are_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ModelConfig(**kwargs)  # type: ignore[arg-type]


def test_a_bad_training_example_is_a_processing_error_and_teaches_nothing() -> None:
    model = RiskModel(weak_prior)
    with pytest.raises(ProcessingError):
        model.learn_one({"price_discount": 1.0}, True, scored_probability=math.nan)
    with pytest.raises(ProcessingError):
        model.learn_one({"price_discount": 1.0}, True, delay_seconds=math.inf)
    assert model.labels_seen == 0
    assert model.to_dict() == RiskModel(weak_prior).to_dict()


def test_canonical_features_are_sorted_and_drop_non_finite_values() -> None:
    assert list(_canonical({"b": 1, "a": 2.5})) == ["a", "b"]
    assert _canonical({"b": 1, "a": 2.5}) == {"a": 2.5, "b": 1.0}
    assert _canonical({"x": float("nan"), "y": float("inf"), "z": 1e308, "w": 1e308}) == {
        "w": 1e308, "z": 1e308}


_FEATURE_NAMES = st.sampled_from(["a", "b", "brand_typo", "counterfeit_vocab", "z"])
_FEATURE_VALUES = (st.floats(allow_nan=True, allow_infinity=True) | st.integers(-5, 5)
                   | st.booleans())


def _plain_canonical(x: dict[str, float]) -> dict[str, float]:
    return {k: float(x[k]) for k in sorted(x) if math.isfinite(float(x[k]))}


@given(st.dictionaries(_FEATURE_NAMES, _FEATURE_VALUES))
def test_canonical_is_the_plain_sorted_finite_copy(x: dict[str, float]) -> None:
    got = _canonical(x)
    want = _plain_canonical(x)
    assert list(got) == list(want)
    assert all(got[k].hex() == want[k].hex() for k in want)


def test_canonical_keeps_finite_values_whose_sum_overflows() -> None:
    assert _canonical({"b": 1e308, "a": 1e308, "c": -math.inf}) == {"a": 1e308, "b": 1e308}


def _plain_learned(model: RiskModel, features: dict[str, float]) -> dict[str, float]:
    scaler, weights = model._scaler, model._regression._weights
    out = {}
    for name, value in features.items():
        if name == PRIOR_FEATURE and model.config.stacking == "offset":
            out[name] = weights.get(name, 0.0) * value  # unscaled: it is the offset
            continue
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
        stacked = prior_logit(rule_prior(x)[0])
        probability, contributions = model._learned(x, stacked)
        # the prior's log-odds is the learned model's input too (stacking)
        want = _plain_learned(model, {**x, PRIOR_FEATURE: stacked})
        assert contributions == want and list(contributions) == list(want)
        logit = model._regression.intercept + math.fsum(want.values())
        assert probability == (1.0 / (1.0 + math.exp(-logit)) if logit >= 0
                               else math.exp(logit) / (1.0 + math.exp(logit)))
        model.learn_one(x, rng.random() < 0.4)


def test_with_offset_stacking_the_untrained_model_is_the_prior() -> None:
    model = RiskModel(weak_prior, ModelConfig(warmup_labels=0))
    for x, _ in synthetic_stream(8, 5):
        score = model.score_one(x)
        assert score.learned == pytest.approx(score.prior, rel=1e-12)


def misweighted_prior(x: Mapping[str, float]) -> tuple[float, dict[str, float]]:
    """Right about counterfeit_vocab, blind to price_discount, wrong way round on
    seller_age_days_log: a rule set written for another marketplace."""
    parts = {"counterfeit_vocab": 1.1 * x.get("counterfeit_vocab", 0.0),
             "seller_age_days_log": 0.3 * (x.get("seller_age_days_log", 4.0) - 4.0)}
    logit = sum(parts.values()) - 0.5
    return 1.0 / (1.0 + math.exp(-logit)), parts


def test_the_learned_model_earns_its_weight_where_the_prior_is_wrong() -> None:
    model = RiskModel(misweighted_prior)
    for x, y in synthetic_stream(9, 1500):
        model.learn_one(x, y)
    prior_auc = model.metrics.roc_auc("prior")
    learned_auc = model.metrics.roc_auc("learned")
    assert prior_auc is not None and learned_auc is not None
    assert learned_auc > prior_auc + 0.05
    assert model.trust() > 0.5


def test_rejected_decisions_teach_the_model_as_much_as_upheld_ones() -> None:
    # the prior trusts counterfeit_vocab; every report on such listings is rejected
    model = RiskModel(weak_prior, ModelConfig(warmup_labels=10, full_trust_labels=20))
    rng = random.Random(10)
    for _ in range(300):
        has_vocab = float(rng.random() < 0.5)
        model.learn_one({"counterfeit_vocab": has_vocab, "price_discount": rng.random()},
                        y=not has_vocab and rng.random() < 0.5)
    vocab = model.score_one({"counterfeit_vocab": 1.0, "price_discount": 0.5})
    plain = model.score_one({"counterfeit_vocab": 0.0, "price_discount": 0.5})
    assert vocab.prior > plain.prior  # the rules rank it riskier ...
    assert vocab.learned is not None and plain.learned is not None
    assert vocab.learned < plain.learned  # ... the rejections taught the model otherwise
    assert vocab.learned < vocab.prior - 0.1
    learned_auc, prior_auc = model.metrics.roc_auc("learned"), model.metrics.roc_auc("prior")
    assert learned_auc is not None and prior_auc is not None and learned_auc > prior_auc
