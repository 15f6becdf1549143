"""The transparent rule-based prior: a hand-set logistic score over named features.

Before the online model has earned trust from delayed labels, this is the
score. Every weight is written here, so an analyst can read exactly why a
listing scored as it did; contributions are weight x value.

>>> p, why = rule_prior({"counterfeit_vocab": 2.0, "brand_typo": 0.9, "authorized": 0.0})
>>> round(p, 3), why
(0.99, {'brand_typo': 3.6, 'counterfeit_vocab': 5.0})
>>> round(rule_prior({})[0], 3)
0.018
>>> rule_prior({"price_discount": 2.5e308})[0] > 0.999_999   # saturates, no OverflowError
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

__all__ = ["MAX_LOGIT", "PRIOR_INTERCEPT", "PRIOR_WEIGHTS", "rule_prior"]

PRIOR_INTERCEPT: Final = -4.0
MAX_LOGIT: Final = 30.0

#: Log-odds per unit of each feature. Positive raises risk.
PRIOR_WEIGHTS: Mapping[str, float] = {
    # what the listing says about itself
    "brand_typo": 4.0,              # a misspelt or look-alike brand name is rarely innocent
    "counterfeit_vocab": 2.5,       # "replica", "1:1", "AAA" ... per phrase
    "copycat_terms": 3.0,           # another brand's product-line name
    "brand_mention_untagged": 0.5,
    "accessory_mention": -1.0,      # named only as what the item fits ("case for X7")
    "sale_language": -2.0,          # clearance/outlet explains a low price
    # price against the brand's reference
    "price_discount": 2.0,
    "deep_discount": 1.0,
    "discount_x_unauthorized": 5.0, # a discount only an unauthorised seller offers
    # who sells it and with which images
    "unauthorized": 1.0,
    "authorized": -6.0,             # the brand vouches for this seller: outweighs any discount
    "official_image_unauthorized": 1.0,
    "official_image_unknown": 1.0,
    "official_images_only": 1.5,    # no photo of its own: the seller may not hold the goods
    # the seller's history
    "seller_young": 0.7,
    "seller_burst": 0.8,
    "seller_velocity": 0.6,
    "seller_brand_spread": 0.8,
    "seller_problem_rate": 4.0,
    "seller_upheld": 1.2,
    "seller_rejected": -0.6,
    "seller_reports": 0.4,
    "network_shared": 0.8,          # own photos shared with other sellers (official ones excluded)
    "network_flagged": 2.0,
    # what honest look-alikes have and counterfeiters lack (signals.features.lookalikes)
    "reports_rejected_share": -2.0,  # reports against the seller were rejected on review
    "condition_used": -1.0,          # used/open-box/refurbished: price weighed as used goods
    "ship_from_offmarket": 0.3,      # weak: gray-market genuine goods travel too
    "seller_history_depth": -0.5,
    "seller_established": -0.5,
    "own_photo_share": -1.5,         # photos of the seller's own stock
    "official_image_edited": 2.0,    # a brand photo edited to dodge image matching
    "stock_depth": 1.0,
    "single_item": -0.8,
    "seller_discount_mean": 0.5,     # discounts on everything, not one promotion
}


_WEIGHT_ITEMS: Final = tuple(PRIOR_WEIGHTS.items())


def rule_prior(x: Mapping[str, float]) -> tuple[float, dict[str, float]]:
    """Probability of infringement and each non-zero feature's contribution (log-odds),
    in :data:`PRIOR_WEIGHTS` order; a :class:`~signals.model.online.ModelScore` orders
    them strongest first when they are read."""
    features = x if isinstance(x, dict) else dict(x)
    contributions: dict[str, float] = {}
    # summed in PRIOR_WEIGHTS order, always: float addition is not associative
    total = 0.0
    for name, weight in _WEIGHT_ITEMS:
        value = features.get(name, 0.0)
        if value != 0.0:
            contribution = contributions[name] = weight * value
            total += contribution
    # clamped: a huge feature value must not overflow exp()
    logit = min(MAX_LOGIT, max(-MAX_LOGIT, PRIOR_INTERCEPT + total))
    return 1.0 / (1.0 + math.exp(-logit)), contributions
