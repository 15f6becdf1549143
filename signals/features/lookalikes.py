"""Signals that tell honest look-alikes from counterfeits.

Gray-market importers, resellers of used goods, authorized resellers on sale
and sellers targeted by abusive reports each look like a counterfeiter on one
axis (a discount, an official photo, a report, a foreign warehouse). What
they do *not* share with counterfeiters is measured here, each as a named
feature (see :data:`LOOKALIKE_FEATURES`) that the prior weighs, the learned
model learns and an alert's reasons name:

* ``reports_rejected_share``: report outcomes. A rejected report is evidence
  *for* the seller, more so the more of its decided reports were rejected.
* ``condition_used`` and the condition-adjusted price: a used, open-box or
  refurbished item is expected to sell well under the new price.
* ``ship_from_offmarket``: shipped from outside the brand's home market
  (weak on its own: gray-market goods travel too).
* ``seller_history_depth`` and ``seller_established``: orders completed and
  a year or more of account history.
* ``own_photo_share`` and ``official_image_edited``: the seller's own photos
  against near-copies of official ones (an official photo within a few bits
  is a re-upload; 3 to 6 bits off is an edited copy: cropped, re-coloured, a
  watermark removed).
* ``stock_depth`` and ``single_item``: the quantity on offer. Counterfeiters
  list deep stock; used goods are one of a kind.
* ``seller_discount_mean`` and ``seller_discount_spread``: how the seller
  prices its other branded listings against their references. One sale item
  among full-price stock is a promotion; everything at a steady discount is a
  pricing formula, which the learned model may find telling either way.

All are pure functions of the listing event, the registry and the seller's
history so far.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

__all__ = [
    "CONDITION_PRICE_FACTOR",
    "EDITED_MIN_BITS",
    "LOOKALIKE_FEATURES",
    "condition_adjusted_ratio",
    "history_depth",
    "image_provenance",
    "offmarket",
    "price_consistency",
    "rejected_share",
    "stock_features",
]

LOOKALIKE_FEATURES: tuple[str, ...] = (
    "reports_rejected_share", "condition_used", "ship_from_offmarket",
    "seller_history_depth", "seller_established", "own_photo_share",
    "official_image_edited", "stock_depth", "single_item",
    "seller_discount_mean", "seller_discount_spread",
)

#: a used or refurbished item typically sells at this share of the new price
CONDITION_PRICE_FACTOR: Final = 0.6
#: an official image this many bits off or more (within the match distance) was edited
EDITED_MIN_BITS: Final = 3
#: stock of this many items counts as fully deep
_DEEP_STOCK: Final = 1000
#: orders that make a history fully deep
_DEEP_HISTORY: Final = 200

#: home markets by the currency a brand prices in (ISO 4217 -> ISO 3166 alpha-2)
_MARKETS: dict[str, frozenset[str]] = {
    "EUR": frozenset(["AT", "BE", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "IE",
                      "IT", "LT", "LU", "LV", "MT", "NL", "PT", "SI", "SK"]),
    "USD": frozenset({"US"}), "GBP": frozenset({"GB"}), "CAD": frozenset({"CA"}),
    "JPY": frozenset({"JP"}), "AUD": frozenset({"AU"}), "CHF": frozenset({"CH"}),
}


def rejected_share(rejected: float, upheld: float) -> float:
    """Share of the seller's decided reports that were rejected, shrunk towards 0 for
    few decisions (one pseudo-decision): one rejection is weaker evidence than five.

    >>> rejected_share(0, 0), rejected_share(1, 0), rejected_share(4, 0), rejected_share(1, 3)
    (0.0, 0.5, 0.8, 0.2)
    """
    return rejected / (rejected + upheld + 1.0)


def condition_adjusted_ratio(ratio: float | None, condition: bool) -> float | None:
    """Price against the brand's reference, against what a used item fetches when the
    title says it is used (:data:`CONDITION_PRICE_FACTOR` of the new price).

    >>> condition_adjusted_ratio(0.5, False), round(condition_adjusted_ratio(0.5, True), 3)
    (0.5, 0.833)
    >>> condition_adjusted_ratio(None, True) is None
    True
    """
    if ratio is None or not condition:
        return ratio
    return ratio / CONDITION_PRICE_FACTOR


def offmarket(ship_from: str | None, currency: str | None) -> float:
    """1.0 when the listing ships from outside the home market of ``currency`` (the
    brand's pricing currency), 0.0 when inside or when either is unknown.

    >>> offmarket("CN", "EUR"), offmarket("DE", "EUR"), offmarket(None, "USD")
    (1.0, 0.0, 0.0)
    >>> offmarket("US", "XYZ")  # a currency whose market is not known: no evidence
    0.0
    """
    if ship_from is None or currency is None:
        return 0.0
    market = _MARKETS.get(currency)
    return 0.0 if market is None or ship_from in market else 1.0


def history_depth(orders_placed: int, account_age_days: float,
                  age_known: bool) -> tuple[float, float]:
    """``seller_history_depth`` (orders seen, log-scaled to [0, 1]) and
    ``seller_established`` (an account known to be a year old or more).

    >>> history_depth(0, 10.0, True), history_depth(200, 400.0, True)
    ((0.0, 0.0), (1.0, 1.0))
    >>> history_depth(14, 900.0, False)[1]
    0.0
    """
    depth = min(1.0, math.log1p(orders_placed) / math.log1p(_DEEP_HISTORY))
    return depth, 1.0 if age_known and account_age_days >= 365.0 else 0.0


def image_provenance(phashes: Sequence[str], official: dict[str, int]) -> tuple[float, float]:
    """``own_photo_share`` (images that are no official brand image) and
    ``official_image_edited`` (an official image 3 to 6 bits off: an edited copy).
    ``official`` maps the listing's hashes that matched an official image to the
    closest distance.

    >>> image_provenance(["a", "b", "c", "d"], {"a": 0, "b": 1})
    (0.5, 0.0)
    >>> image_provenance(["a", "b"], {"a": 4, "b": 5})
    (0.0, 1.0)
    >>> image_provenance([], {})
    (0.0, 0.0)
    """
    if not phashes:
        return 0.0, 0.0
    distinct = set(phashes)
    own = sum(1 for h in distinct if h not in official) / len(distinct)
    edited = any(d >= EDITED_MIN_BITS for d in official.values())
    return own, 1.0 if edited else 0.0


def stock_features(quantity: int | None) -> tuple[float, float]:
    """``stock_depth`` (log-scaled to [0, 1]) and ``single_item`` (one or two on offer);
    both 0 when the quantity is not given.

    >>> stock_features(None), stock_features(999), round(stock_features(1)[0], 3)
    ((0.0, 0.0), (1.0, 0.0), 0.1)
    """
    if quantity is None:
        return 0.0, 0.0
    depth = min(1.0, math.log1p(quantity) / math.log1p(_DEEP_STOCK - 1))
    return depth, 1.0 if 1 <= quantity <= 2 else 0.0


def price_consistency(ratios: Sequence[float]) -> tuple[float, float]:
    """Mean discount (1 - price/reference, clipped to [0, 1]) over the seller's recent
    branded listings, and its standard deviation; (0, 0) without any.

    >>> price_consistency([])
    (0.0, 0.0)
    >>> price_consistency([0.7, 0.7, 0.7])  # everything 30 % off: a formula
    (0.3, 0.0)
    >>> mean, spread = price_consistency([1.0, 1.0, 0.6, 1.05])  # one sale item
    >>> round(mean, 3), round(spread, 3)
    (0.1, 0.173)
    """
    if not ratios:
        return 0.0, 0.0
    discounts = [min(1.0, max(0.0, 1.0 - r)) for r in ratios]
    mean = math.fsum(discounts) / len(discounts)
    variance = math.fsum((d - mean) ** 2 for d in discounts) / len(discounts)
    return round(mean, 12), math.sqrt(variance)
