"""The drift monitor: one ADWIN per signal, fed from scored listings and delayed labels."""

from __future__ import annotations

import random

from signals.contract.events import ListingEvent
from signals.governance.drift import NEW_SELLER_SECONDS, SIGNALS, DriftMonitor
from signals.governance.observation import ScoredListing


def _scored(ratio: float | None, brand: str | None = "B1", since: float | None = None,
            probability: float = 0.5, ts: float = 1000.0) -> ScoredListing:
    ev = ListingEvent("e", "t", ts, "created", "L1", "S1", seller_since_ts=since)
    return ScoredListing(ev, brand, True, probability, "lr1-0", False, ratio, None, None)


def test_a_stationary_stream_raises_no_detection_and_a_shift_does() -> None:
    rng = random.Random(7)
    monitor = DriftMonitor()
    for _ in range(5000):
        monitor.update("label_rate", float(rng.random() < 0.8))
    assert monitor.detections["label_rate"] == 0
    for _ in range(1000):
        monitor.update("label_rate", float(rng.random() < 0.4))
    assert monitor.detections["label_rate"] >= 1
    assert monitor.mean("label_rate") < 0.6


def test_precision_only_counts_labels_of_listings_scored_as_risky() -> None:
    monitor = DriftMonitor()
    monitor.observe_label(True, served=0.9, threshold=0.6)
    monitor.observe_label(False, served=0.2, threshold=0.6)
    assert monitor.width("precision") == 1 and monitor.width("label_rate") == 2


def test_a_listing_feeds_only_the_signals_it_has_values_for() -> None:
    monitor = DriftMonitor()
    monitor.observe_listing(_scored(None, brand=None))
    widths = {name: monitor.width(name) for name in SIGNALS}
    assert widths == {**dict.fromkeys(SIGNALS, 0), "score": 1}
    monitor.observe_listing(_scored(0.4, since=1000.0 - NEW_SELLER_SECONDS + 1))
    assert all(monitor.width(name) == 1 for name in
               ("price_ratio", "deep_discount", "brand_mix", "new_seller_share"))
    assert monitor.mean("deep_discount") == 1.0 and monitor.mean("new_seller_share") == 1.0


def test_the_price_ratio_is_capped_and_an_old_seller_is_not_new() -> None:
    monitor = DriftMonitor()
    monitor.observe_listing(_scored(7.5, since=1000.0 - NEW_SELLER_SECONDS))
    assert monitor.mean("price_ratio") == 2.0
    assert monitor.mean("deep_discount") == 0.0 and monitor.mean("new_seller_share") == 0.0


def test_the_brand_mix_is_the_share_of_earlier_branded_listings_naming_the_brand() -> None:
    monitor = DriftMonitor()
    for brand in ("A", "A", "B", "A"):
        monitor.observe_listing(_scored(1.0, brand=brand))
    # shares fed: A first (0), A (1/1), B (0/2), A (2/3)
    assert abs(monitor.mean("brand_mix") - (0 + 1 + 0 + 2 / 3) / 4) < 1e-9


def test_a_detection_records_its_event_time() -> None:
    monitor = DriftMonitor()
    drifted_at = [ts for ts in range(2000)
                  if monitor.update("report_rate", 0.0 if ts < 1000 else 1.0, float(ts))]
    assert drifted_at and monitor.detected_at["report_rate"] == float(drifted_at[-1])
    assert monitor.detections["report_rate"] == len(drifted_at)
    assert monitor.detected_at["score"] is None
