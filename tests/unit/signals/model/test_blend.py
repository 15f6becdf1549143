"""Trust schedule and prior/learned blending (bit for bit the merged-dict computation)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.model.blend import TrustSchedule, blend_contributions, blend_probability

SCHEDULE = TrustSchedule(warmup_labels=50, full_trust_labels=400, max_trust=0.8)


def test_no_trust_before_warmup_whatever_the_auc() -> None:
    assert SCHEDULE.trust(0, 1.0) == 0.0
    assert SCHEDULE.trust(49, 1.0) == 0.0
    assert SCHEDULE.trust(50, 1.0) == 0.0  # the ramp starts at zero on the warm-up label


def test_no_trust_for_a_model_that_ranks_no_better_than_the_floor() -> None:
    for labels in (100, 400, 10_000):
        assert SCHEDULE.trust(labels, 0.55) == 0.0
        assert SCHEDULE.trust(labels, 0.3) == 0.0
        assert SCHEDULE.trust(labels, None) == 0.0


def test_trust_grows_with_labels_and_with_auc_up_to_the_cap() -> None:
    by_labels = [SCHEDULE.trust(n, 0.9) for n in (60, 150, 300, 399)]
    assert by_labels == sorted(by_labels) and by_labels[0] > 0
    by_auc = [SCHEDULE.trust(300, auc) for auc in (0.6, 0.65, 0.7, 0.75)]
    assert by_auc == sorted(by_auc) and by_auc[0] > 0
    assert SCHEDULE.trust(400, 0.8) == 0.8
    assert SCHEDULE.trust(5_000, 1.0) == 0.8


@given(st.integers(0, 100_000), st.one_of(st.none(), st.floats(0.0, 1.0)))
def test_trust_stays_within_zero_and_cap(labels: int, auc: float | None) -> None:
    assert 0.0 <= SCHEDULE.trust(labels, auc) <= SCHEDULE.max_trust


def test_warmup_equal_to_full_trust_is_a_step() -> None:
    step = TrustSchedule(warmup_labels=10, full_trust_labels=10, max_trust=1.0)
    assert step.trust(9, 0.9) == 0.0
    assert step.trust(10, 0.9) == 1.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"warmup_labels": 500, "full_trust_labels": 400},
        {"auc_span": 0.0},
        {"max_trust": 1.5},
    ],
)
def test_invalid_schedules_are_rejected(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        TrustSchedule(**kwargs)  # type: ignore[arg-type]


@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_blended_probability_lies_between_its_parts(prior: float, learned: float, t: float) -> None:
    mixed = blend_probability(prior, learned, t)
    assert min(prior, learned) - 1e-12 <= mixed <= max(prior, learned) + 1e-12


def test_zero_trust_keeps_the_prior_exactly() -> None:
    assert blend_probability(0.123456789, 0.9, 0.0) == 0.123456789
    assert blend_contributions({"a": 0.7}, {"a": 5.0, "b": -9.0}, 0.0) == {"a": 0.7, "b": 0.0}


def test_contributions_are_blended_and_ordered_strongest_first() -> None:
    prior = {"price_discount": 2.0, "counterfeit_vocab": 1.0}
    learned = {"price_discount": 0.0, "counterfeit_vocab": 3.0, "seller_refund_rate": -5.0}
    mixed = blend_contributions(prior, learned, 0.5)
    assert mixed == {"seller_refund_rate": -2.5, "counterfeit_vocab": 2.0, "price_discount": 1.0}
    assert list(mixed) == ["seller_refund_rate", "counterfeit_vocab", "price_discount"]


def test_equal_strengths_are_ordered_by_name_for_a_stable_explanation() -> None:
    mixed = blend_contributions({"zeta": 1.0}, {"alpha": -1.0}, 0.5)
    assert list(mixed) == ["alpha", "zeta"]


def _plain_blend(prior: dict[str, float], learned: dict[str, float],
                 trust: float) -> dict[str, float]:
    keep = 1.0 - trust
    mixed = {n: keep * prior.get(n, 0.0) + trust * learned.get(n, 0.0)
             for n in {**prior, **learned}}
    return dict(sorted(mixed.items(), key=lambda kv: (-abs(kv[1]), kv[0])))


_FEATURE_NAMES = st.sampled_from(["a", "b", "brand_typo", "counterfeit_vocab", "z"])
_FINITE = st.floats(min_value=-50, max_value=50) | st.just(-0.0)


@settings(max_examples=300)
@given(st.dictionaries(_FEATURE_NAMES, _FINITE), st.dictionaries(_FEATURE_NAMES, _FINITE),
       st.floats(min_value=0.0, max_value=1.0))
def test_blend_matches_the_merged_dict_computation(prior: dict[str, float],
                                                   learned: dict[str, float],
                                                   trust: float) -> None:
    got = blend_contributions(prior, learned, trust)
    want = _plain_blend(prior, learned, trust)
    assert list(got) == list(want)
    assert [v.hex() for v in got.values()] == [v.hex() for v in want.values()]
