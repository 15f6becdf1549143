"""Delayed-label metrics: exact AUC, precision/recall at threshold, window, delay."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signals.model.delayed_metrics import DelayedLabelMetrics, exact_roc_auc


def brute_force_auc(pairs: list[tuple[float, bool]]) -> float | None:
    positives = [p for p, label in pairs if label]
    negatives = [p for p, label in pairs if not label]
    if not positives or not negatives:
        return None
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def test_rolling_auc_matches_brute_force_on_the_window() -> None:
    rng = random.Random(7)
    metrics = DelayedLabelMetrics(window=150, threshold=0.5)
    history: list[tuple[float, float, bool]] = []
    for step in range(600):
        label = rng.random() < 0.3
        # Rounded scores make ties common, the case a naive AUC gets wrong.
        served = round(min(1.0, max(0.0, rng.gauss(0.6 if label else 0.4, 0.2))), 1)
        learned = round(rng.random(), 2)
        metrics.update(label, served, learned)
        history.append((served, learned, label))
        if step % 37 == 0 or step == 599:
            window = history[-150:]
            served_auc = metrics.roc_auc("served")
            assert served_auc == pytest.approx(brute_force_auc([(s, y) for s, _, y in window]))
            learned_auc = metrics.roc_auc("learned")
            assert learned_auc == pytest.approx(brute_force_auc([(lp, y) for _, lp, y in window]))
    assert metrics.labels_seen == 600
    assert len(metrics.records) == 150


@given(st.lists(st.tuples(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]), st.booleans())))
def test_exact_auc_equals_pairwise_count(pairs: list[tuple[float, bool]]) -> None:
    expected = brute_force_auc(pairs)
    actual = exact_roc_auc(pairs)
    if expected is None:
        assert actual is None
    else:
        assert actual == pytest.approx(expected)


def test_auc_is_undefined_until_both_classes_are_in_the_window() -> None:
    metrics = DelayedLabelMetrics(window=2)
    metrics.update(True, 0.9, 0.9)
    assert metrics.roc_auc("served") is None
    metrics.update(False, 0.1, 0.1)
    assert metrics.roc_auc("served") == 1.0
    metrics.update(False, 0.2, 0.2)  # evicts the only positive
    assert metrics.roc_auc("served") is None
    assert math.isnan(metrics.snapshot()["served_roc_auc"])


def test_precision_and_recall_at_threshold_count_the_window_only() -> None:
    metrics = DelayedLabelMetrics(window=5, threshold=0.6)
    # Falls out of the window: an alerted false positive that must not count.
    metrics.update(False, 0.95, 0.0)
    for label, served in [(True, 0.6), (True, 0.59), (False, 0.7), (True, 0.9), (False, 0.1)]:
        metrics.update(label, served, 0.5)
    # At 0.6 the alerted ones are 0.6 (T), 0.7 (F), 0.9 (T); the 0.59 positive is missed.
    assert metrics.precision("served") == pytest.approx(2 / 3)
    assert metrics.recall("served") == pytest.approx(2 / 3)
    # Every learned probability is 0.5, below the threshold: nothing alerted.
    assert metrics.precision("learned") is None
    assert metrics.recall("learned") == 0.0
    assert metrics.positives_seen == 3 and metrics.negatives_seen == 3


def test_mean_delay_ignores_labels_without_a_delay() -> None:
    metrics = DelayedLabelMetrics(window=10)
    metrics.update(True, 0.9, 0.5, delay_seconds=3600.0)
    metrics.update(False, 0.1, 0.5)
    metrics.update(False, 0.2, 0.5, delay_seconds=7200.0)
    assert metrics.mean_delay_seconds() == 5400.0
    assert DelayedLabelMetrics(window=3).mean_delay_seconds() is None


def test_snapshot_has_numbers_only_and_round_trips_through_to_dict() -> None:
    rng = random.Random(3)
    metrics = DelayedLabelMetrics(window=20, threshold=0.4)
    for _ in range(45):
        metrics.update(rng.random() < 0.5, rng.random(), rng.random(), rng.uniform(0, 9e4))
    snapshot = metrics.snapshot()
    assert all(isinstance(value, (int, float)) for value in snapshot.values())
    restored = DelayedLabelMetrics.from_dict(metrics.to_dict())
    assert restored.records == metrics.records
    assert restored.labels_seen == 45
    assert restored.snapshot() == snapshot


def test_window_must_be_positive() -> None:
    with pytest.raises(ValueError):
        DelayedLabelMetrics(window=0)


def test_non_finite_probabilities_are_refused() -> None:
    metrics = DelayedLabelMetrics(window=3)
    with pytest.raises(ValueError):
        metrics.update(True, math.nan, 0.5)
    with pytest.raises(ValueError):
        metrics.update(True, 0.5, 0.5, delay_seconds=math.inf)
    assert metrics.labels_seen == 0
