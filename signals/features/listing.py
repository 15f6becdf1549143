"""The per-listing feature vector, assembled from the signal primitives.

Each feature is a float with a stable name; :class:`Evidence` keeps what an
analyst needs to read the score (which brand, which term, which price).
Features only use what is known when the listing is scored: the event, the
seller's aggregates so far, the registry and the brand views.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from signals.events import ListingEvent
from signals.features.brand_index import TermMatch
from signals.features.price import price_ratio
from signals.features.vocabulary import counterfeit_terms, sale_terms
from signals.registry import ImageMatch, Registry

__all__ = ["FEATURE_NAMES", "BrandView", "Evidence", "SellerSignals", "listing_features",
           "target_brand"]

FEATURE_NAMES: tuple[str, ...] = (
    "brand_tagged", "brand_typo", "brand_mention_untagged", "counterfeit_vocab",
    "copycat_terms", "sale_language", "price_discount", "deep_discount", "price_unknown",
    "unauthorized", "authorized", "discount_x_unauthorized", "official_image_unauthorized",
    "official_image_unknown", "seller_young", "seller_age_log", "seller_burst",
    "seller_brand_spread", "seller_problem_rate", "seller_upheld", "seller_rejected",
    "seller_reports", "network_shared", "network_flagged",
)


@dataclass(frozen=True, slots=True)
class BrandView:
    """What the brand processor publishes about a brand for scorers everywhere."""

    brand_id: str
    reference_prices: Mapping[str, float] = field(default_factory=dict)
    reliability: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SellerSignals:
    """Seller-level numbers the listing features use (from seller state)."""

    account_age_days: float
    listings_1h: float
    brands_24h: int
    problem_order_rate: float
    upheld_weight: float
    rejected_count: float
    report_weight: float
    sharing_sellers: int
    flagged_sellers: int


@dataclass(frozen=True, slots=True)
class Evidence:
    brand_id: str | None
    reference_price: float | None
    price_ratio: float | None
    typo: TermMatch | None
    vocab: tuple[str, ...]
    copycat: tuple[TermMatch, ...]
    images: tuple[ImageMatch, ...]
    authorized: bool | None


def target_brand(ev: ListingEvent, matches: list[TermMatch]) -> str | None:
    """The brand a listing trades on: its tag, else the strongest title match.

    >>> target_brand(ListingEvent("e", "t", 0.0, "created", "l", "s", brand_id="b9"), [])
    'b9'
    """
    if ev.brand_id is not None:
        return ev.brand_id
    names = [m for m in matches if m.term_kind != "protected_term"]
    if not names:
        return None
    return max(names, key=lambda m: (m.similarity, m.brand_id)).brand_id


def _reference(reg: Registry, views: Mapping[str, BrandView], brand_id: str | None,
               currency: str | None) -> float | None:
    if brand_id is None or currency is None:
        return None
    brand = reg.brand(brand_id)
    if brand is not None and brand.reference_price is not None and brand.currency == currency:
        return brand.reference_price
    view = views.get(brand_id)
    return None if view is None else view.reference_prices.get(currency)


def _copycat(matches: list[TermMatch], brand_id: str | None, title: str) -> tuple[TermMatch, ...]:
    """Another brand's product-line term, not in a compatibility phrase ("case for X7")."""
    lowered = f" {title.casefold()} "
    compat = any(w in lowered for w in (" for ", " compatible ", " fits ", " replacement "))
    if compat:
        return ()
    return tuple(m for m in matches if m.term_kind == "protected_term" and m.brand_id != brand_id)


def _images(reg: Registry, ev: ListingEvent) -> tuple[tuple[ImageMatch, ...], bool, bool]:
    """Official images used by a seller not authorised (known) or not known for that brand."""
    found = tuple(reg.official_images(ev.image_phashes)) if ev.image_phashes else ()
    unauthorized = unknown = False
    for m in found:
        allowed = reg.is_authorized(m.brand_id, ev.seller_id)
        unauthorized |= allowed is False
        unknown |= allowed is None and m.brand_id != ev.seller_id
    return found, unauthorized, unknown


def listing_features(ev: ListingEvent, reg: Registry, views: Mapping[str, BrandView],
                     seller: SellerSignals) -> tuple[dict[str, float], Evidence]:
    title = ev.title or ""
    matches = reg.match_title(title) if title else []
    brand_id = target_brand(ev, matches)
    ref = _reference(reg, views, brand_id, ev.currency)
    ratio = price_ratio(ev.price, ref) if ev.price is not None and ref is not None else None
    discount = 0.0 if ratio is None else min(1.0, max(0.0, 1.0 - ratio))
    typos = [m for m in matches if m.match_kind != "exact" and m.term_kind != "protected_term"]
    typo = max(typos, key=lambda m: (m.similarity, m.brand_id)) if typos else None
    vocab = counterfeit_terms(title)
    copycat = _copycat(matches, ev.brand_id, title)
    authorized = reg.is_authorized(brand_id, ev.seller_id) if brand_id else None
    images, img_unauth, img_unknown = _images(reg, ev)
    mention_untagged = any(m.match_kind == "exact" and m.term_kind != "protected_term"
                           and m.brand_id != ev.brand_id for m in matches)
    unauth = 1.0 if authorized is False else 0.0
    x = {
        "brand_tagged": 1.0 if ev.brand_id is not None else 0.0,
        "brand_typo": typo.similarity if typo else 0.0,
        "brand_mention_untagged": 1.0 if mention_untagged and not copycat else 0.0,
        "counterfeit_vocab": float(min(len(vocab), 3)),
        "copycat_terms": float(min(len(copycat), 2)),
        "sale_language": 1.0 if sale_terms(title) else 0.0,
        "price_discount": discount,
        "deep_discount": 1.0 if discount >= 0.5 else 0.0,
        "price_unknown": 1.0 if ratio is None else 0.0,
        "unauthorized": unauth,
        "authorized": 1.0 if authorized else 0.0,
        "discount_x_unauthorized": discount * unauth,
        "official_image_unauthorized": 1.0 if img_unauth else 0.0,
        "official_image_unknown": 1.0 if img_unknown and not img_unauth else 0.0,
        **_seller_features(seller),
    }
    evidence = Evidence(brand_id, ref, ratio, typo, vocab, copycat, images, authorized)
    return x, evidence


def _seller_features(s: SellerSignals) -> dict[str, float]:
    return {
        "seller_young": 1.0 if s.account_age_days < 30 else 0.0,
        "seller_age_log": math.log1p(s.account_age_days),
        "seller_burst": math.log1p(max(0.0, s.listings_1h - 1)),
        "seller_brand_spread": min(s.brands_24h, 10) / 10.0,
        "seller_problem_rate": s.problem_order_rate,
        "seller_upheld": min(s.upheld_weight, 3.0),
        "seller_rejected": min(s.rejected_count, 3.0),
        "seller_reports": min(s.report_weight, 3.0),
        "network_shared": min(s.sharing_sellers, 5) / 5.0,
        "network_flagged": min(s.flagged_sellers, 3) / 3.0,
    }
