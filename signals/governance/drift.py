"""Drift of what the model sees and of how it does, with River's ADWIN detectors.

One ADWIN (adaptive windowing: it keeps the longest recent window whose mean is
consistent and drops the older part when two sub-windows' means differ more than
chance allows at confidence ``delta``) per monitored stream:

=================  ======  ==============================================================
signal             kind    value per observation
=================  ======  ==============================================================
price_ratio        input   a branded listing's price over its brand's reference (at most 2)
deep_discount      input   1 if a branded listing is priced below half its reference, else 0
brand_mix          input   share of listings so far that named the listing's brand
new_seller_share   input   1 if the seller's account is younger than 30 days, else 0
report_rate        input   per input event: 1 for a report, 0 for a listing or order
score              score   the champion's probability for a scored listing
label_rate         label   per delayed label: 1 if upheld
precision          label   per delayed label of a listing scored at or above the alert
                           threshold: 1 if upheld
=================  ======  ==============================================================

>>> monitor = DriftMonitor()
>>> for i in range(600):
...     _ = monitor.update("score", 0.1 if i < 300 else 0.9)
>>> monitor.detections["score"] >= 1, round(monitor.mean("score"), 1)
(True, 0.9)
>>> monitor.detections["price_ratio"]
0
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from river.drift import ADWIN

from signals.governance.observation import ScoredListing

__all__ = ["KINDS", "SIGNALS", "DriftMonitor"]

KINDS: Final[dict[str, str]] = {
    "price_ratio": "input", "deep_discount": "input", "brand_mix": "input",
    "new_seller_share": "input", "report_rate": "input", "score": "score",
    "label_rate": "label", "precision": "label",
}
SIGNALS: Final = tuple(KINDS)
NEW_SELLER_SECONDS: Final = 30 * 86400.0
#: ADWIN's confidence: 10x stricter than River's default 0.002, which on the 7-day
#: mixed scenario (no tactic change) raised 2 deep_discount and 2 new_seller_share
#: detections; see README "Drift" for the measurements
DELTA: Final = 0.0002
#: brands counted for the mix; a brand beyond it counts as a new, rare one (share 0)
MAX_BRANDS: Final = 10_000


class DriftMonitor:
    """An ADWIN per signal, the detections so far, and the brand counts of the mix."""

    def __init__(self, delta: float = DELTA) -> None:
        self.delta = delta
        self._detectors = {name: ADWIN(delta=delta) for name in SIGNALS}
        self.detections: dict[str, int] = dict.fromkeys(SIGNALS, 0)
        #: event time of each signal's latest detection (None: never)
        self.detected_at: dict[str, float | None] = dict.fromkeys(SIGNALS)
        self._brands: dict[str, int] = {}
        self._branded = 0

    def update(self, signal: str, value: float, ts: float | None = None) -> bool:
        """Add one value; True when ADWIN detected a change with it."""
        detector = self._detectors[signal]
        detector.update(value)
        if detector.drift_detected:
            self.detections[signal] += 1
            self.detected_at[signal] = ts
            return True
        return False

    def mean(self, signal: str) -> float:
        """The mean of the signal's current (consistent) window."""
        return float(self._detectors[signal].estimation)

    def width(self, signal: str) -> int:
        return int(self._detectors[signal].width)

    def observe_listing(self, scored: ScoredListing) -> list[str]:
        """Feed the input and score signals of one scored listing; the signals that drifted."""
        ev, ts = scored.event, scored.event.ts
        ratio = scored.price_ratio
        drifted = [name for name, value in (
            ("price_ratio", None if ratio is None else min(2.0, ratio)),
            ("deep_discount", None if ratio is None else float(ratio < 0.5)),
            ("brand_mix", self._brand_share(scored.brand_id)),
            ("new_seller_share", _new_seller(ev.seller_since_ts, ts)),
            ("score", scored.probability),
        ) if value is not None and self.update(name, value, ts)]
        return drifted

    def observe_label(self, label: bool, served: float, threshold: float,
                      ts: float | None = None) -> list[str]:
        """Feed the label rate, and the precision when the listing was scored as risky."""
        drifted = ["label_rate"] if self.update("label_rate", float(label), ts) else []
        if served >= threshold and self.update("precision", float(label), ts):
            drifted.append("precision")
        return drifted

    def observe_all(self, listings: Iterable[ScoredListing]) -> list[str]:
        return [name for scored in listings for name in self.observe_listing(scored)]

    def _brand_share(self, brand_id: str | None) -> float | None:
        if brand_id is None:
            return None
        seen = self._brands.get(brand_id, 0)
        share = seen / self._branded if self._branded else 0.0
        if seen or len(self._brands) < MAX_BRANDS:
            self._brands[brand_id] = seen + 1
        self._branded += 1
        return share


def _new_seller(since: float | None, ts: float) -> float | None:
    if since is None:
        return None
    return 1.0 if ts - since < NEW_SELLER_SECONDS else 0.0
