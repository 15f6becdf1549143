"""Calibration of delayed-label probabilities: do scores of 0.8 come true 80 % of the time?

Computed over the labels of a model's metrics window, for either track of
:class:`~signals.model.delayed_metrics.DelayedLabelMetrics` (``served``: what
operators saw; ``learned``: the learned model's progressive prediction).

>>> from signals.model.delayed_metrics import LabelRecord
>>> records = [LabelRecord(True, 0.9, 0.8), LabelRecord(False, 0.2, 0.1),
...            LabelRecord(True, 0.7, 0.6), LabelRecord(False, 0.6, 0.3)]
>>> figures = calibration(records, "served")
>>> figures["brier"], figures["mean_predicted"], figures["positive_rate"]
(0.125, 0.6, 0.5)
>>> round(figures["ece"], 3)
0.3
>>> calibration([], "served")["brier"] is None
True
"""

from __future__ import annotations

from collections.abc import Sequence

from signals.model.delayed_metrics import LabelRecord, Track

__all__ = ["calibration"]

BINS = 10


def calibration(records: Sequence[LabelRecord], track: Track) -> dict[str, float | int | None]:
    """Brier score, expected calibration error (10 equal-width bins), mean prediction and
    positive rate; None for each while there is no label."""
    n = len(records)
    if n == 0:
        return {"labels": 0, "brier": None, "ece": None, "mean_predicted": None,
                "positive_rate": None}
    predicted = [getattr(r, track) for r in records]
    outcome = [1.0 if r.label else 0.0 for r in records]
    bins: list[list[int]] = [[] for _ in range(BINS)]
    for i, p in enumerate(predicted):
        bins[min(BINS - 1, int(p * BINS))].append(i)
    ece = 0.0
    for members in bins:
        if members:
            gap = sum(predicted[i] - outcome[i] for i in members) / len(members)
            ece += len(members) / n * abs(gap)
    return {
        "labels": n,
        "brier": sum((p - y) ** 2 for p, y in zip(predicted, outcome, strict=True)) / n,
        "ece": ece,
        "mean_predicted": sum(predicted) / n,
        "positive_rate": sum(outcome) / n,
    }
