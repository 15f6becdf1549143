"""Where counterfeit risk concentrates: listings by category, brand tier and seller cohort.

Segments are bounded sets (so they can be Prometheus label values):

* ``category``: the listing's category; the first :data:`MAX_CATEGORIES` seen keep
  their name, later ones count as ``other``; none given is ``none``;
* ``brand`` (tier): how many filed reports the listing's brand has drawn so far:
  ``unbranded``, ``quiet`` (none), ``low`` (< 20), ``mid`` (< 60) or ``high``;
* ``cohort``: ``cross_border`` (shipped from a country whose currency is not the
  listing's), else ``new`` (seller account under 30 days old when listed), else
  ``established``; ``unknown`` without a seller age.

>>> seg = Segmenter()
>>> from signals.contract.events import ListingEvent
>>> ev = ListingEvent("e", "t", 100.0 * 86400, "created", "L1", "S1", brand_id="b1",
...                   category="shoes", currency="EUR", ship_from="CN",
...                   seller_since_ts=99.0 * 86400)
>>> seg.segments(ev, "b1")
{'category': 'shoes', 'brand': 'quiet', 'cohort': 'cross_border'}
>>> for _ in range(25): seg.report("b1")
>>> seg.segments(ev, "b1")["brand"]
'mid'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from signals.contract.events import ListingEvent

__all__ = ["DIMENSIONS", "Segmenter", "brand_tier", "segment_truth"]

DIMENSIONS: Final = ("category", "brand", "cohort")
MAX_CATEGORIES: Final = 12
NEW_SELLER_SECONDS: Final = 30 * 86400.0
#: home currency of the countries sellers ship from (others: never domestic)
HOME_CURRENCY: Final[Mapping[str, str]] = {
    "US": "USD", "GB": "GBP", "CA": "CAD", "AU": "AUD", "JP": "JPY", "CH": "CHF",
    "DE": "EUR", "FR": "EUR", "ES": "EUR", "IT": "EUR", "NL": "EUR", "BE": "EUR",
    "AT": "EUR", "IE": "EUR", "PT": "EUR", "FI": "EUR",
}
_TIERS: Final = ((20, "low"), (60, "mid"))


def brand_tier(reports: int) -> str:
    """Tier of a brand that has drawn ``reports`` filed reports."""
    if reports == 0:
        return "quiet"
    for bound, name in _TIERS:
        if reports < bound:
            return name
    return "high"


class Segmenter:
    """Segments of listings, with the bounded category names and brand report counts."""

    def __init__(self) -> None:
        self._categories: set[str] = set()
        self._reports: dict[str, int] = {}
        self._counts: dict[tuple[str, str, str], int] = {}

    def report(self, brand_id: str | None) -> None:
        """One more filed report on ``brand_id``."""
        if brand_id is not None:
            self._reports[brand_id] = self._reports.get(brand_id, 0) + 1

    def segments(self, ev: ListingEvent, brand_id: str | None) -> dict[str, str]:
        return {"category": self._category(ev.category),
                "brand": "unbranded" if brand_id is None else brand_tier(
                    self._reports.get(brand_id, 0)),
                "cohort": _cohort(ev)}

    def count(self, ev: ListingEvent, brand_id: str | None, risky: bool, alerted: bool) -> None:
        """Count one scored listing in each of its segments, as ``scored`` and, if so,
        ``risky`` and ``alerted``; :meth:`drain` hands the counts over, so a live worker
        moves them into its metrics once per batch, not once per listing.

        >>> seg = Segmenter()
        >>> ev = ListingEvent("e", "t", 0.0, "created", "L1", "S1", category="bags")
        >>> seg.count(ev, None, risky=True, alerted=False)
        >>> seg.count(ev, None, risky=False, alerted=False)
        >>> seg.drain()[("category", "bags", "scored")], seg.drain()
        (2, {})
        """
        counts = self._counts
        for dimension, segment in self.segments(ev, brand_id).items():
            for outcome, applies in (("scored", True), ("risky", risky), ("alerted", alerted)):
                if applies:
                    key = (dimension, segment, outcome)
                    counts[key] = counts.get(key, 0) + 1

    def drain(self) -> dict[tuple[str, str, str], int]:
        """Listings counted since the last drain: (dimension, segment, outcome) -> count."""
        counts, self._counts = self._counts, {}
        return counts

    def _category(self, category: str | None) -> str:
        if category is None:
            return "none"
        if category in self._categories:
            return category
        if len(self._categories) < MAX_CATEGORIES:
            self._categories.add(category)
            return category
        return "other"


def _cohort(ev: ListingEvent) -> str:
    if ev.ship_from is not None and ev.currency is not None and (
            HOME_CURRENCY.get(ev.ship_from) != ev.currency):
        return "cross_border"
    if ev.seller_since_ts is None:
        return "unknown"
    return "new" if ev.ts - ev.seller_since_ts < NEW_SELLER_SECONDS else "established"


def segment_truth(listings: Iterable[tuple[ListingEvent, str | None]],
                  brand_reports: Mapping[str, int], dimension: str,
                  ) -> dict[str, str]:
    """Listing id -> its segment along ``dimension``, for offline evaluation: the first
    event of each listing, brand tiers from the whole file's report counts."""
    segmenter = Segmenter()
    for brand, count in brand_reports.items():
        for _ in range(count):
            segmenter.report(brand)
    out: dict[str, str] = {}
    for ev, brand_id in listings:
        if ev.listing_id not in out:
            out[ev.listing_id] = segmenter.segments(ev, brand_id)[dimension]
    return out


def filter_truth(truth: Mapping[str, Any], listing_ids: set[str]) -> dict[str, Any]:
    """The ground truth restricted to some listings (sellers and incidents dropped)."""
    listings = truth.get("listings") or {}
    return {"listings": {k: v for k, v in listings.items() if k in listing_ids},
            "sellers": {}, "incidents": []}
