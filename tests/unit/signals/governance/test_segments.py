"""Segments of listings: bounded category labels, brand tiers and seller cohorts."""

from __future__ import annotations

from signals.contract.events import ListingEvent
from signals.governance.drift import NEW_SELLER_SECONDS
from signals.governance.segments import (
    MAX_CATEGORIES,
    Segmenter,
    brand_tier,
    filter_truth,
    segment_truth,
)


def _listing(listing_id: str = "L1", ts: float = 100 * 86400.0, **kw: object) -> ListingEvent:
    return ListingEvent("e", "t", ts, "created", listing_id, "S", **kw)  # type: ignore[arg-type]


def test_segment_labels_stay_bounded() -> None:
    seg = Segmenter()
    seen = {seg.segments(ListingEvent("e", "t", 0.0, "created", f"L{i}", "S", category=f"c{i}"),
                         None)["category"] for i in range(100)}
    assert len(seen) == MAX_CATEGORIES + 1 and "other" in seen
    assert [brand_tier(n) for n in (0, 1, 19, 20, 59, 60)] == [
        "quiet", "low", "low", "mid", "mid", "high"]


def test_a_category_seen_before_the_bound_keeps_its_name_after_it() -> None:
    seg = Segmenter()
    for i in range(MAX_CATEGORIES + 5):
        seg.segments(_listing(category=f"c{i}"), None)
    assert seg.segments(_listing(category="c0"), None)["category"] == "c0"
    assert seg.segments(_listing(), None)["category"] == "none"


def test_the_brand_segment_follows_the_reports_filed_so_far() -> None:
    seg = Segmenter()
    assert seg.segments(_listing(), None)["brand"] == "unbranded"
    assert seg.segments(_listing(), "B1")["brand"] == "quiet"
    for _ in range(20):
        seg.report("B1")
    seg.report(None)
    assert seg.segments(_listing(), "B1")["brand"] == "mid"


def test_cohorts_cross_border_new_established_and_unknown() -> None:
    seg = Segmenter()
    ts = 100 * 86400.0

    def cohort(**kw: object) -> str:
        return seg.segments(_listing(ts=ts, **kw), None)["cohort"]

    assert cohort(ship_from="DE", currency="USD", seller_since_ts=0.0) == "cross_border"
    assert cohort(ship_from="DE", currency="EUR") == "unknown"
    assert cohort(seller_since_ts=ts - NEW_SELLER_SECONDS + 1) == "new"
    assert cohort(seller_since_ts=ts - NEW_SELLER_SECONDS) == "established"


def test_segment_truth_takes_each_listing_s_first_event_and_the_file_s_report_counts() -> None:
    listings = [(_listing("L1", category="shoes"), "B1"), (_listing("L1", category="bags"), "B1"),
                (_listing("L2"), None)]
    assert segment_truth(listings, {"B1": 60}, "category") == {"L1": "shoes", "L2": "none"}
    assert segment_truth(listings, {"B1": 60}, "brand") == {"L1": "high", "L2": "unbranded"}


def test_filter_truth_keeps_only_the_named_listings() -> None:
    truth = {"listings": {"L1": {"bad": True}, "L2": {"bad": False}}, "sellers": {"S": {}},
             "incidents": [{"id": 1}]}
    assert filter_truth(truth, {"L2", "L3"}) == {"listings": {"L2": {"bad": False}},
                                                "sellers": {}, "incidents": []}
    assert filter_truth({}, {"L1"})["listings"] == {}
