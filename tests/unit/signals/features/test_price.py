"""Price ratio with its currency guard, and the streaming quantile sketch."""

from __future__ import annotations

import json
import random
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signals.features.price import QuantileSketch, discount, price_ratio


def test_ratio_and_discount() -> None:
    assert price_ratio(45.0, 90.0) == pytest.approx(0.5)
    assert discount(45.0, 90.0) == pytest.approx(0.5)
    assert discount(180.0, 90.0) == pytest.approx(-1.0)


@pytest.mark.parametrize(("args"), [
    (10.0, 100.0, "EUR", "USD"),
    (10.0, 100.0, "EUR", None),
    (10.0, 100.0, None, "EUR"),
    (None, 100.0, None, None),
    (10.0, None, None, None),
    (10.0, 0.0, None, None),
    (-1.0, 100.0, None, None),
])
def test_ratio_is_none_when_it_would_mean_nothing(
        args: tuple[float | None, float | None, str | None, str | None]) -> None:
    assert price_ratio(*args) is None
    assert discount(*args) is None


def test_same_currency_gives_a_ratio() -> None:
    assert price_ratio(10.0, 100.0, "EUR", "EUR") == pytest.approx(0.1)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_median_within_two_percent_of_exact(seed: int) -> None:
    rng = random.Random(seed)
    values = [rng.lognormvariate(5.0, 0.8) for _ in range(20_000)]
    sketch = QuantileSketch()
    for v in values:
        sketch.add(v)
    exact = sorted(values)
    for q in (0.1, 0.5, 0.9):
        truth = exact[int(q * (len(values) - 1))]
        got = sketch.quantile(q)
        assert got is not None and abs(got - truth) / truth <= 0.02
    assert abs(sketch.median() - statistics.median(values)) / statistics.median(values) < 0.02  # type: ignore[operator]


def test_order_does_not_matter() -> None:
    rng = random.Random(4)
    values = [round(rng.uniform(1, 5000), 2) for _ in range(3000)]
    forward, backward = QuantileSketch(), QuantileSketch()
    for v in values:
        forward.add(v)
    for v in reversed(values):
        backward.add(v)
    assert forward == backward
    assert forward.to_dict() == backward.to_dict()


def test_memory_is_bounded_whatever_the_values() -> None:
    sketch = QuantileSketch()
    rng = random.Random(6)
    for _ in range(50_000):
        sketch.add(10 ** rng.uniform(-8, 9))  # beyond the contract's range on both sides
    assert len(sketch) <= 1400
    assert sketch.quantile(1.0) == pytest.approx(10_000_000, rel=0.02)


def test_round_trip_through_json_and_merge() -> None:
    a, b = QuantileSketch(), QuantileSketch()
    for v in (10.0, 20.0, 30.0):
        a.add(v)
    for v in (40.0, 50.0):
        b.add(v, weight=2)
    restored = QuantileSketch.from_dict(json.loads(json.dumps(a.to_dict())))
    assert restored == a and restored.count == 3
    restored.merge(b)
    assert restored.count == 7
    assert restored.quantile(0.5) == pytest.approx(40.0, rel=0.011)


def test_empty_and_invalid() -> None:
    sketch = QuantileSketch()
    assert sketch.quantile(0.5) is None and sketch.count == 0
    sketch.add(0.0)
    sketch.add(-5.0)
    sketch.add(float("nan"))
    assert sketch.count == 0
    with pytest.raises(ValueError):
        sketch.quantile(1.5)
    with pytest.raises(ValueError):
        QuantileSketch(relative_accuracy=0.0)
    with pytest.raises(ValueError):
        sketch.merge(QuantileSketch(relative_accuracy=0.05))


@given(st.lists(st.floats(min_value=0.01, max_value=1e7), min_size=1, max_size=200),
       st.floats(min_value=0, max_value=1))
def test_every_answer_is_close_to_a_value_at_that_rank(values: list[float], q: float) -> None:
    sketch = QuantileSketch()
    for v in values:
        sketch.add(v)
    truth = sorted(values)[int(q * (len(values) - 1))]
    got = sketch.quantile(q)
    assert got is not None and abs(got - truth) <= 0.0101 * truth
