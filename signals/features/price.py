"""Price helpers: ratio to a reference price, and a streaming quantile sketch.

:class:`QuantileSketch` is a log-bucket histogram (the DDSketch idea): a value
``v`` is counted in bucket ``ceil(log(v) / log(gamma))`` with
``gamma = (1 + a) / (1 - a)``, and a quantile is answered with the bucket's
midpoint, so every answer is within relative error ``a`` of a value that sits
at that rank. Counts only add up, so the sketch is deterministic,
independent of arrival order and mergeable; values are clamped to
``[MIN_VALUE, MAX_VALUE]``, so it never holds more than about 1,300 buckets at
the default 1 % accuracy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["MAX_VALUE", "MIN_VALUE", "QuantileSketch", "discount", "price_ratio"]

#: prices are bounded by the wire contract (0 < price <= 10,000,000)
MAX_VALUE = 10_000_000.0
MIN_VALUE = 1e-4


def price_ratio(price: float | None, reference: float | None,
                currency: str | None = None, reference_currency: str | None = None) -> float | None:
    """``price / reference``, or None when unknown, not positive, or in other currencies.

    Currencies are compared only when given; giving one side but not the
    other is treated as a mismatch, because a ratio across currencies is
    meaningless and silently assuming equality would fake a discount.

    >>> price_ratio(25.0, 100.0), price_ratio(25.0, 100.0, "EUR", "EUR")
    (0.25, 0.25)
    >>> price_ratio(25.0, 100.0, "EUR", "USD"), price_ratio(25.0, 100.0, "EUR"), price_ratio(5, 0)
    (None, None, None)
    """
    if price is None or reference is None or price <= 0 or reference <= 0:
        return None
    if currency != reference_currency:
        return None
    return price / reference


def discount(price: float | None, reference: float | None,
             currency: str | None = None, reference_currency: str | None = None) -> float | None:
    """``1 - price / reference`` (0.8 = 80 % below reference; negative = above it).

    >>> discount(20.0, 100.0), discount(150.0, 100.0), discount(20.0, 100.0, "EUR", "GBP")
    (0.8, -0.5, None)
    """
    ratio = price_ratio(price, reference, currency, reference_currency)
    return None if ratio is None else 1.0 - ratio


class QuantileSketch:
    """Bounded, order-independent quantiles of a stream of positive values.

    >>> sketch = QuantileSketch()
    >>> for price in [120.0, 80.0, 100.0, 95.0, 105.0]:
    ...     sketch.add(price)
    >>> sketch.count, abs(sketch.quantile(0.5) - 100.0) <= 1.0
    (5, True)
    >>> QuantileSketch.from_dict(sketch.to_dict()).quantile(0.5) == sketch.quantile(0.5)
    True
    """

    __slots__ = ("_buckets", "_log_gamma", "count", "relative_accuracy")

    def __init__(self, relative_accuracy: float = 0.01) -> None:
        if not 0.0 < relative_accuracy < 1.0:
            raise ValueError(f"relative_accuracy must be in (0, 1), got {relative_accuracy}")
        self.relative_accuracy = relative_accuracy
        self._log_gamma = math.log((1 + relative_accuracy) / (1 - relative_accuracy))
        self._buckets: dict[int, int] = {}
        self.count = 0

    def __len__(self) -> int:
        """Number of buckets in use (the memory footprint)."""
        return len(self._buckets)

    def _bucket(self, value: float) -> int:
        clamped = min(MAX_VALUE, max(MIN_VALUE, value))
        return math.ceil(math.log(clamped) / self._log_gamma)

    def _value(self, bucket: int) -> float:
        # midpoint of (gamma^(b-1), gamma^b] in the relative sense: error <= a both ways
        gamma = math.exp(self._log_gamma)
        return 2.0 * gamma ** bucket / (gamma + 1.0)

    def add(self, value: float, weight: int = 1) -> None:
        """Count ``value`` ``weight`` times; non-positive or NaN values are ignored."""
        if not value > 0 or weight <= 0:
            return
        bucket = self._bucket(value)
        self._buckets[bucket] = self._buckets.get(bucket, 0) + weight
        self.count += weight

    def merge(self, other: QuantileSketch) -> None:
        """Add another sketch's counts (same accuracy only)."""
        if other.relative_accuracy != self.relative_accuracy:
            raise ValueError("cannot merge sketches of different accuracy")
        for bucket, n in other._buckets.items():
            self._buckets[bucket] = self._buckets.get(bucket, 0) + n
        self.count += other.count

    def quantile(self, q: float) -> float | None:
        """The value at rank ``q`` (0..1), or None while empty.

        >>> s = QuantileSketch()
        >>> s.quantile(0.5) is None
        True
        """
        if not 0.0 <= q <= 1.0:
            raise ValueError(f"q must be in [0, 1], got {q}")
        if self.count == 0:
            return None
        rank = q * (self.count - 1)
        seen = 0
        for bucket in sorted(self._buckets):
            seen += self._buckets[bucket]
            if seen > rank:
                return self._value(bucket)
        return self._value(max(self._buckets))

    def median(self) -> float | None:
        return self.quantile(0.5)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: bucket keys as strings, in ascending order."""
        return {
            "relative_accuracy": self.relative_accuracy,
            "count": self.count,
            "buckets": {str(b): self._buckets[b] for b in sorted(self._buckets)},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QuantileSketch:
        sketch = cls(float(data["relative_accuracy"]))
        sketch._buckets = {int(b): int(n) for b, n in data["buckets"].items()}
        sketch.count = sum(sketch._buckets.values())
        return sketch

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, QuantileSketch):
            return NotImplemented
        return (self.relative_accuracy, self._buckets) == (other.relative_accuracy,
                                                            other._buckets)

    __hash__ = None  # type: ignore[assignment]
