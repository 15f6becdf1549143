"""Machine-readable reason codes and the sentence an operator can act on.

>>> from signals.features.listing import Evidence
>>> ev = Evidence("b1", 100.0, 0.3, None, ("replica",), (), (), False)
>>> [r.code for r in listing_reasons({"price_discount": 1.4, "counterfeit_vocab": 2.5}, ev, "Acme")]
['COUNTERFEIT_VOCABULARY', 'PRICE_FAR_BELOW_REFERENCE']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from signals.contract.alert import Reason
from signals.features.listing import Evidence

__all__ = ["listing_reasons"]

_Message = Callable[[Evidence, str], str]

_FEATURE_REASONS: dict[str, tuple[str, _Message]] = {
    "brand_typo": ("BRAND_NAME_LOOKALIKE", lambda e, b: (
        f"Title writes '{e.typo.matched_text}' for {e.typo.term_kind} '{e.typo.term}' "
        f"({e.typo.match_kind}); look-alike brand names are a counterfeit tactic."
        if e.typo else "Title uses a look-alike of a registered brand name.")),
    "counterfeit_vocab": ("COUNTERFEIT_VOCABULARY", lambda e, b: (
        f"Title uses counterfeit vocabulary: {', '.join(e.vocab)}.")),
    "copycat_terms": ("COPYCAT_PRODUCT_TERMS", lambda e, b: (
        "Title uses protected product-line terms of another brand: "
        + ", ".join(sorted({f"'{m.term}'" for m in e.copycat})) + ".")),
    "price_discount": ("PRICE_FAR_BELOW_REFERENCE", lambda e, b: _price_message(e, b)),
    "discount_x_unauthorized": ("PRICE_FAR_BELOW_REFERENCE", lambda e, b: _price_message(e, b)),
    "deep_discount": ("PRICE_FAR_BELOW_REFERENCE", lambda e, b: _price_message(e, b)),
    "unauthorized": ("SELLER_NOT_AUTHORIZED", lambda e, b: (
        f"Seller is not on {b}'s authorized seller list.")),
    "official_image_unauthorized": ("OFFICIAL_IMAGE_REUSED", lambda e, b: (
        f"Listing reuses {len(e.images)} official brand image(s) (closest "
        f"{min((m.distance for m in e.images), default=0)} bits off) without authorization.")),
    "official_image_unknown": ("OFFICIAL_IMAGE_USED", lambda e, b: (
        "Listing uses an official brand image; the brand lists no authorized sellers to check.")),
    "brand_mention_untagged": ("BRAND_MENTION_UNTAGGED", lambda e, b: (
        f"Title names {b} but the listing is not tagged with that brand.")),
    "seller_young": ("NEW_SELLER_ACCOUNT", lambda e, b: "Seller account is under 30 days old."),
    "seller_burst": ("LISTING_BURST", lambda e, b: (
        "Seller created many listings in the last hour.")),
    "seller_brand_spread": ("MANY_BRANDS", lambda e, b: (
        "Seller listed many different brands in the last 24 hours.")),
    "seller_problem_rate": ("HIGH_REFUND_DISPUTE_RATE", lambda e, b: (
        "Seller's orders are refunded, returned or disputed unusually often.")),
    "seller_upheld": ("PRIOR_UPHELD_REPORTS", lambda e, b: (
        "Infringement reports against this seller were upheld before.")),
    "seller_reports": ("OPEN_INFRINGEMENT_REPORTS", lambda e, b: (
        "Seller has infringement reports from reliable reporters.")),
    "network_flagged": ("SHARED_IMAGES_WITH_FLAGGED_SELLERS", lambda e, b: (
        "Seller uses the same images as sellers already flagged (likely one network).")),
    "network_shared": ("SHARED_IMAGES", lambda e, b: "Seller shares images with other sellers."),
    "official_image_edited": ("OFFICIAL_IMAGE_EDITED", lambda e, b: (
        f"A listing photo is an edited copy of an official {b} image (a few bits off, not a "
        "re-upload): a brand photo passed off as the seller's own.")),
    "stock_depth": ("DEEP_STOCK", lambda e, b: "Seller offers deep stock of the item."),
    "ship_from_offmarket": ("SHIPS_FROM_OUTSIDE_BRAND_MARKET", lambda e, b: (
        f"Ships from outside {b}'s home market.")),
}

#: what speaks for the listing: named after the reasons against it, weakest last
_MITIGATING: dict[str, tuple[str, str]] = {
    "authorized": ("AUTHORIZED_SELLER", "Seller is on the brand's authorized seller list."),
    "reports_rejected_share": ("REPORTS_REJECTED",
                               "Reports against this seller were mostly rejected on review."),
    "condition_used": ("USED_CONDITION", "Title says the item is used, open-box or refurbished; "
                       "its price is weighed against used goods."),
    "own_photo_share": ("OWN_PHOTOS", "The listing shows the seller's own photos."),
    "sale_language": ("SALE_LANGUAGE", "Title announces a sale or clearance."),
    "seller_established": ("ESTABLISHED_SELLER", "Seller's account is over a year old."),
    "seller_history_depth": ("ORDER_HISTORY", "Seller has a history of completed orders."),
    "single_item": ("SINGLE_ITEM", "One or two items on offer, as for used goods."),
    "accessory_mention": ("ACCESSORY_FOR_BRAND", "Title names the brand as what the item fits."),
}
#: mitigating reasons added after the reasons against
_MITIGATING_KEPT = 2


def _price_message(e: Evidence, brand_name: str) -> str:
    if e.price_ratio is None or e.reference_price is None:
        return "Price is far below what genuine items of this brand sell for."
    pct = round((1.0 - e.price_ratio) * 100)
    return (f"Price is {pct}% below {brand_name}'s reference price "
            f"{e.reference_price:.2f}; genuine stock rarely sells this cheap.")


def listing_reasons(contributions: Mapping[str, float], evidence: Evidence, brand_name: str,
                    limit: int = 5) -> tuple[Reason, ...]:
    """Positive contributions as reasons, strongest first, one per reason code; then up
    to two mitigating ones (negative contributions of what speaks for the listing).

    >>> from signals.features.listing import Evidence
    >>> ev = Evidence("b1", 100.0, 0.5, None, (), (), (), False)
    >>> [(r.code, r.contribution) for r in listing_reasons(
    ...     {"price_discount": 1.0, "reports_rejected_share": -1.2, "own_photo_share": -0.4},
    ...     ev, "Acme")]
    [('PRICE_FAR_BELOW_REFERENCE', 1.0), ('REPORTS_REJECTED', -1.2), ('OWN_PHOTOS', -0.4)]
    """
    out: dict[str, Reason] = {}
    # only the positive parts that have a reason, strongest first, then by name
    ranked = sorted([(-value, name) for name, value in contributions.items()
                     if value > 0 and name in _FEATURE_REASONS])
    for negated, name in ranked:
        code, message = _FEATURE_REASONS[name]
        if code in out:
            continue
        out[code] = Reason(code=code, message=message(evidence, brand_name),
                           value=None, contribution=round(-negated, 4))
        if len(out) == limit:
            break  # the rest would be cut off: no need to write their messages
    if not out:
        return ()  # nothing against the listing: no alert to explain
    against = tuple(out.values())[:limit]
    mitigating = sorted([(value, name) for name, value in contributions.items()
                         if value < 0 and name in _MITIGATING])[:_MITIGATING_KEPT]
    return against + tuple(Reason(code=_MITIGATING[name][0], message=_MITIGATING[name][1],
                                  value=None, contribution=round(value, 4))
                           for value, name in mitigating)
