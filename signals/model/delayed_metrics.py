"""Progressive validation on delayed labels.

A label (a report decision) arrives hours or days after the listing was scored.
Each label is recorded with two probabilities for the same example:

* ``served``: the probability the pipeline actually gave when it scored the
  listing (what operators saw, so what the alert threshold acted on);
* ``learned``: the learned model's own prediction made just *before* it learns
  from this label (progressive validation: never scored on data it trained on).

Both are kept in one rolling window of the last ``window`` labels, so every
windowed figure (ROC AUC, precision and recall at the alert threshold, mean
label delay) describes the same set of labels.

>>> m = DelayedLabelMetrics(window=4, threshold=0.5)
>>> for served, learned, label in [(0.9, 0.8, True), (0.2, 0.6, False),
...                                (0.7, 0.3, True), (0.6, 0.1, False)]:
...     m.update(label, served, learned, delay_seconds=3600.0)
>>> m.roc_auc("served"), m.roc_auc("learned")
(1.0, 0.75)
>>> m.precision("served"), m.recall("served")
(0.6666666666666666, 1.0)
>>> m.snapshot()["mean_label_delay_seconds"]
3600.0
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right, insort
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["DelayedLabelMetrics", "LabelRecord", "RollingAuc", "Track", "exact_roc_auc"]

Track = Literal["served", "learned", "prior"]
#: ``prior`` is the rule prior alone on the same example: the learned model earns its
#: weight in the blend only where it ranks labels better than the prior does
TRACKS: tuple[Track, ...] = ("served", "learned", "prior")


@dataclass(frozen=True, slots=True)
class LabelRecord:
    """One delayed label and the probabilities given for its example."""

    label: bool
    served: float
    learned: float
    delay_seconds: float | None = None
    prior: float = 0.0


def exact_roc_auc(scored: Iterable[tuple[float, bool]]) -> float | None:
    """Exact ROC AUC (Mann-Whitney U, ties count one half); None without both classes.

    >>> exact_roc_auc([(0.1, False), (0.4, True), (0.4, False), (0.9, True)])
    0.875
    >>> exact_roc_auc([(0.3, True)]) is None
    True
    """
    ordered = sorted(scored, key=lambda pair: pair[0])
    positives = sum(1 for _, label in ordered if label)
    negatives = len(ordered) - positives
    if positives == 0 or negatives == 0:
        return None
    wins = 0.0
    negatives_below = 0
    start = 0
    # Walk groups of tied scores: a positive beats every lower negative and
    # half-beats the negatives tied with it.
    while start < len(ordered):
        end = start
        while end < len(ordered) and ordered[end][0] == ordered[start][0]:
            end += 1
        group_pos = sum(1 for _, label in ordered[start:end] if label)
        group_neg = (end - start) - group_pos
        wins += group_pos * (negatives_below + 0.5 * group_neg)
        negatives_below += group_neg
        start = end
    return wins / (positives * negatives)


class RollingAuc:
    """Exact ROC AUC of a multiset of (score, label) that grows and shrinks.

    Keeps the positives' and negatives' scores sorted and the Mann-Whitney U
    (pairs a positive wins, ties one half) up to date: O(log n) search per
    change. U is a sum of halves, so it stays exact in a float.

    >>> auc = RollingAuc()
    >>> for score, label in [(0.1, False), (0.4, True), (0.4, False), (0.9, True)]:
    ...     auc.add(score, label)
    >>> auc.value()
    0.875
    >>> auc.remove(0.4, False); auc.value()
    1.0
    """

    def __init__(self) -> None:
        self._positives: list[float] = []
        self._negatives: list[float] = []
        self._wins = 0.0

    def _pair_wins(self, score: float, label: bool) -> float:
        if label:
            below, tied = _below_and_tied(self._negatives, score)
            return below + 0.5 * tied
        below, tied = _below_and_tied(self._positives, score)
        return len(self._positives) - below - tied + 0.5 * tied

    def add(self, score: float, label: bool) -> None:
        """Count one more scored label."""
        self._wins += self._pair_wins(score, label)
        insort(self._positives if label else self._negatives, score)

    def remove(self, score: float, label: bool) -> None:
        """Forget one scored label that was added before."""
        side = self._positives if label else self._negatives
        index = bisect_left(side, score)
        if index == len(side) or side[index] != score:
            raise ValueError(f"no {label} label scored {score} to remove")
        del side[index]
        self._wins -= self._pair_wins(score, label)

    def value(self) -> float | None:
        """The AUC, or None unless both classes are present."""
        pairs = len(self._positives) * len(self._negatives)
        return self._wins / pairs if pairs else None


def _below_and_tied(ordered: list[float], score: float) -> tuple[int, int]:
    low = bisect_left(ordered, score)
    return low, bisect_right(ordered, score) - low


class DelayedLabelMetrics:
    """Rolling-window quality metrics of served and learned probabilities."""

    def __init__(self, window: int = 1000, threshold: float = 0.5) -> None:
        if window < 1:
            raise ValueError(f"window must be >= 1, got {window}")
        self.window = window
        self.threshold = threshold
        self.labels_seen = 0
        self.positives_seen = 0
        self._records: deque[LabelRecord] = deque(maxlen=window)
        # Trust reads the learned AUC on every score and labels arrive one at a
        # time, so the AUC is kept up to date per label instead of re-sorted.
        self._auc: dict[Track, RollingAuc] = {track: RollingAuc() for track in TRACKS}

    @property
    def negatives_seen(self) -> int:
        """Negative labels seen since the start (not only in the window)."""
        return self.labels_seen - self.positives_seen

    @property
    def records(self) -> tuple[LabelRecord, ...]:
        """The labels in the window, oldest first."""
        return tuple(self._records)

    def update(
        self,
        label: bool,
        served: float,
        learned: float,
        delay_seconds: float | None = None,
        prior: float | None = None,
    ) -> None:
        """Record one label with the probabilities given for its example (``prior``, the
        rule prior's alone, defaults to ``served``)."""
        prior = served if prior is None else prior
        if not (math.isfinite(served) and math.isfinite(learned) and math.isfinite(prior)):
            raise ValueError(f"probabilities must be finite, got {served!r}, {learned!r}, "
                             f"{prior!r}")
        if delay_seconds is not None and not math.isfinite(delay_seconds):
            raise ValueError(f"delay must be finite, got {delay_seconds!r}")
        record = LabelRecord(bool(label), float(served), float(learned), delay_seconds,
                             float(prior))
        if len(self._records) == self.window:
            evicted = self._records[0]
            for track in TRACKS:
                self._auc[track].remove(getattr(evicted, track), evicted.label)
        self._records.append(record)
        for track in TRACKS:
            self._auc[track].add(getattr(record, track), record.label)
        self.labels_seen += 1
        self.positives_seen += int(record.label)

    def roc_auc(self, track: Track) -> float | None:
        """Exact ROC AUC over the window; None until it holds both classes."""
        return self._auc[track].value()

    def _confusion(self, track: Track) -> tuple[int, int, int]:
        true_pos = false_pos = false_neg = 0
        for record in self._records:
            alerted = getattr(record, track) >= self.threshold
            true_pos += alerted and record.label
            false_pos += alerted and not record.label
            false_neg += (not alerted) and record.label
        return true_pos, false_pos, false_neg

    def precision(self, track: Track) -> float | None:
        """Share of window examples at or above the threshold that were upheld."""
        true_pos, false_pos, _ = self._confusion(track)
        return true_pos / (true_pos + false_pos) if true_pos + false_pos else None

    def recall(self, track: Track) -> float | None:
        """Share of upheld window examples that were at or above the threshold."""
        true_pos, _, false_neg = self._confusion(track)
        return true_pos / (true_pos + false_neg) if true_pos + false_neg else None

    def mean_delay_seconds(self) -> float | None:
        """Mean label delay over the window's labels that carried one."""
        delays = [r.delay_seconds for r in self._records if r.delay_seconds is not None]
        return sum(delays) / len(delays) if delays else None

    def snapshot(self) -> dict[str, float | int]:
        """Flat numbers for export as gauges; an undefined figure is NaN."""
        out: dict[str, float | int] = {
            "labels_seen": self.labels_seen,
            "positives_seen": self.positives_seen,
            "negatives_seen": self.negatives_seen,
            "window_labels": len(self._records),
        }
        for track in TRACKS:
            out[f"{track}_roc_auc"] = _or_nan(self.roc_auc(track))
            out[f"{track}_precision"] = _or_nan(self.precision(track))
            out[f"{track}_recall"] = _or_nan(self.recall(track))
        out["mean_label_delay_seconds"] = _or_nan(self.mean_delay_seconds())
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible state (the window as ``[label, served, learned, delay,
        prior]``)."""
        return {
            "window": self.window,
            "threshold": self.threshold,
            "labels_seen": self.labels_seen,
            "positives_seen": self.positives_seen,
            "records": [[r.label, r.served, r.learned, r.delay_seconds, r.prior]
                        for r in self._records],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DelayedLabelMetrics:
        """Inverse of :meth:`to_dict`; raises KeyError/TypeError/ValueError on bad data."""
        metrics = cls(window=int(data["window"]), threshold=float(data["threshold"]))
        for label, served, learned, delay, *prior in data["records"]:
            # a snapshot from before the prior track: the served score stands in
            metrics.update(bool(label), served, learned, None if delay is None else float(delay),
                           prior[0] if prior else None)
        metrics.labels_seen = int(data["labels_seen"])
        metrics.positives_seen = int(data["positives_seen"])
        return metrics


def _or_nan(value: float | None) -> float:
    return math.nan if value is None else value
