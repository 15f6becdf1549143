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
from typing import Final

from signals.contract.events import ListingEvent
from signals.features.lookalikes import (
    LOOKALIKE_FEATURES,
    condition_adjusted_ratio,
    history_depth,
    image_provenance,
    offmarket,
    price_consistency,
    rejected_share,
    stock_features,
)
from signals.features.price import price_ratio
from signals.features.titles.brand_target import TargetRole, resolve_target
from signals.features.titles.index.brand_index import TermMatch
from signals.features.titles.title_facts import title_facts
from signals.registry import ImageMatch, Registry

__all__ = ["FEATURE_NAMES", "OWN_TAG_CHEAP", "BrandView", "Evidence", "SellerSignals",
           "listing_features"]

#: an unregistered label priced below this share of its usual price is worth a look
OWN_TAG_CHEAP: Final = 0.6

FEATURE_NAMES: tuple[str, ...] = (
    "brand_tagged", "brand_typo", "brand_mention_untagged", "accessory_mention",
    "counterfeit_vocab", "copycat_terms", "sale_language", "price_discount", "deep_discount",
    "price_unknown", "unauthorized", "authorized", "discount_x_unauthorized",
    "official_image_unauthorized", "official_image_unknown", "official_images_only",
    "seller_young", "seller_age_log", "seller_burst", "seller_velocity", "seller_brand_spread",
    "seller_problem_rate", "seller_upheld", "seller_rejected", "seller_reports",
    "network_shared", "network_flagged", *LOOKALIKE_FEATURES,
)


@dataclass(frozen=True, slots=True)
class BrandView:
    """What the brand processor publishes about a brand for scorers everywhere."""

    brand_id: str
    reference_prices: Mapping[str, float] = field(default_factory=dict)
    reliability: Mapping[str, float] = field(default_factory=dict)

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, brand_id: str, reference_prices: Mapping[str, float] | None = None,
                 reliability: Mapping[str, float] | None = None) -> None:
        object.__setattr__(self, "brand_id", brand_id)
        object.__setattr__(self, "reference_prices",
                           {} if reference_prices is None else reference_prices)
        object.__setattr__(self, "reliability", {} if reliability is None else reliability)


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
    listings_per_day: float = 0.0
    #: whether the age comes from ``seller_since``; counted from the first event seen
    #: instead, every seller looks new when a stream starts, so none is called young
    age_known: bool = True
    #: decided reports upheld (a count, beside the reliability-weighted ``upheld_weight``)
    upheld_count: float = 0.0
    #: orders placed with the seller so far
    orders_placed: int = 0
    #: price / reference of the seller's recent branded listings, oldest first
    price_ratios: tuple[float, ...] = ()

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, account_age_days: float, listings_1h: float, brands_24h: int,
                 problem_order_rate: float, upheld_weight: float, rejected_count: float,
                 report_weight: float, sharing_sellers: int, flagged_sellers: int,
                 listings_per_day: float = 0.0, age_known: bool = True,
                 upheld_count: float = 0.0, orders_placed: int = 0,
                 price_ratios: tuple[float, ...] = ()) -> None:
        object.__setattr__(self, "account_age_days", account_age_days)
        object.__setattr__(self, "listings_1h", listings_1h)
        object.__setattr__(self, "brands_24h", brands_24h)
        object.__setattr__(self, "problem_order_rate", problem_order_rate)
        object.__setattr__(self, "upheld_weight", upheld_weight)
        object.__setattr__(self, "rejected_count", rejected_count)
        object.__setattr__(self, "report_weight", report_weight)
        object.__setattr__(self, "sharing_sellers", sharing_sellers)
        object.__setattr__(self, "flagged_sellers", flagged_sellers)
        object.__setattr__(self, "listings_per_day", listings_per_day)
        object.__setattr__(self, "age_known", age_known)
        object.__setattr__(self, "upheld_count", upheld_count)
        object.__setattr__(self, "orders_placed", orders_placed)
        object.__setattr__(self, "price_ratios", price_ratios)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the features were computed from, for the alert's reasons.

    ``role`` says how ``brand_id`` was found (see
    :mod:`signals.features.titles.brand_target`).
    """

    brand_id: str | None
    reference_price: float | None
    price_ratio: float | None
    typo: TermMatch | None
    vocab: tuple[str, ...]
    copycat: tuple[TermMatch, ...]
    images: tuple[ImageMatch, ...]
    authorized: bool | None
    role: TargetRole = "tag"

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, brand_id: str | None, reference_price: float | None,
                 price_ratio: float | None, typo: TermMatch | None, vocab: tuple[str, ...],
                 copycat: tuple[TermMatch, ...], images: tuple[ImageMatch, ...],
                 authorized: bool | None, role: TargetRole = "tag") -> None:
        object.__setattr__(self, "brand_id", brand_id)
        object.__setattr__(self, "reference_price", reference_price)
        object.__setattr__(self, "price_ratio", price_ratio)
        object.__setattr__(self, "typo", typo)
        object.__setattr__(self, "vocab", vocab)
        object.__setattr__(self, "copycat", copycat)
        object.__setattr__(self, "images", images)
        object.__setattr__(self, "authorized", authorized)
        object.__setattr__(self, "role", role)

    @property
    def listing_level(self) -> bool:
        """Whether the listing itself says anything infringing could be going on.

        A registered brand it trades on, a look-alike name, counterfeit
        vocabulary, a borrowed product-line term, or a price far below what an
        unregistered label usually sells for. Without any of these (an
        unbranded mug, a shop's own label, an accessory *for* a brand) a
        seller's history is no reason to flag the listing.

        >>> Evidence(None, None, None, None, (), (), (), None, "compat").listing_level
        False
        >>> Evidence(None, None, None, None, ("replica",), (), (), None, "none").listing_level
        True
        >>> Evidence("own", 40.0, 0.95, None, (), (), (), None, "own_tag").listing_level
        False

        A seller on the brand's authorized list selling that brand is what the
        list is for: only the title's own tells still count.

        >>> Evidence("b", 100.0, 0.5, None, (), (), (), True).listing_level
        False
        """
        if self.typo is not None or self.vocab or self.copycat:
            return True
        if self.authorized:
            return False
        if self.role == "own_tag":
            return self.price_ratio is not None and self.price_ratio < OWN_TAG_CHEAP
        return self.brand_id is not None


def _reference(reg: Registry, views: Mapping[str, BrandView], brand_id: str | None,
               currency: str | None) -> float | None:
    if brand_id is None or currency is None:
        return None
    brand = reg.brand(brand_id)
    if brand is not None and brand.reference_price is not None and brand.currency == currency:
        return brand.reference_price
    view = views.get(brand_id)
    return None if view is None else view.reference_prices.get(currency)


def _images(reg: Registry, ev: ListingEvent
            ) -> tuple[tuple[ImageMatch, ...], bool, bool, bool, dict[str, int]]:
    """Official images used by a seller not authorised (known) or not known for that brand,
    whether the listing shows nothing but official images (no photo of its own), and the
    closest official distance of each matching hash."""
    if not ev.image_phashes:
        return (), False, False, False, {}
    found = tuple(reg.official_images(ev.image_phashes))
    unauthorized = unknown = False
    closest: dict[str, int] = {}
    for m in found:
        allowed = reg.is_authorized(m.brand_id, ev.seller_id)
        unauthorized |= allowed is False
        unknown |= allowed is None
        closest[m.phash] = min(m.distance, closest.get(m.phash, m.distance))
    only = bool(found) and set(closest) >= set(ev.image_phashes)
    return found, unauthorized, unknown, only and (unauthorized or unknown), closest


def _market_currency(reg: Registry, brand_id: str | None, currency: str | None) -> str | None:
    brand = reg.brand(brand_id) if brand_id is not None else None
    if brand is not None and brand.currency is not None:
        return brand.currency
    return currency


def listing_features(ev: ListingEvent, reg: Registry, views: Mapping[str, BrandView],
                     seller: SellerSignals) -> tuple[dict[str, float], Evidence]:
    """The feature vector of one listing event and the evidence behind it."""
    facts = title_facts(reg, ev.title or "")
    target = resolve_target(ev.brand_id, facts.matches, facts.compat, reg.__contains__)
    brand_id = target.brand_id
    ref = _reference(reg, views, brand_id, ev.currency)
    ratio = price_ratio(ev.price, ref) if ev.price is not None and ref is not None else None
    # a used item's price is weighed against what used goods fetch
    fair = condition_adjusted_ratio(ratio, facts.condition)
    discount = 0.0 if fair is None else min(1.0, max(0.0, 1.0 - fair))
    typo, vocab = facts.typo, facts.vocab
    authorized = reg.is_authorized(brand_id, ev.seller_id) if brand_id else None
    images, img_unauth, img_unknown, img_only, closest = _images(reg, ev)
    unauth = 1.0 if authorized is False else 0.0
    own_share, edited = image_provenance(ev.image_phashes, closest)
    stock, single = stock_features(ev.quantity)
    x = {
        "brand_tagged": 1.0 if ev.brand_id is not None else 0.0,
        "brand_typo": typo.similarity if typo else 0.0,
        "brand_mention_untagged": 1.0 if target.role == "mention" and ev.brand_id is None else 0.0,
        "accessory_mention": 1.0 if target.role == "compat" else 0.0,
        "counterfeit_vocab": float(min(len(vocab), 3)),
        "copycat_terms": float(min(len(target.copycat), 2)),
        "sale_language": 1.0 if facts.sale else 0.0,
        "price_discount": discount,
        "deep_discount": 1.0 if discount >= 0.5 else 0.0,
        "price_unknown": 1.0 if ratio is None else 0.0,
        "unauthorized": unauth,
        "authorized": 1.0 if authorized else 0.0,
        "discount_x_unauthorized": discount * unauth,
        "official_image_unauthorized": 1.0 if img_unauth else 0.0,
        "official_image_unknown": 1.0 if img_unknown and not img_unauth else 0.0,
        "official_images_only": 1.0 if img_only else 0.0,
    }
    _add_seller_features(x, seller)
    depth, established = history_depth(seller.orders_placed, seller.account_age_days,
                                       seller.age_known)
    x["reports_rejected_share"] = rejected_share(seller.rejected_count, seller.upheld_count)
    x["condition_used"] = 1.0 if facts.condition else 0.0
    x["ship_from_offmarket"] = (
        offmarket(ev.ship_from, _market_currency(reg, brand_id, ev.currency))
        if brand_id is not None else 0.0)
    x["seller_history_depth"] = depth
    x["seller_established"] = established
    x["own_photo_share"] = own_share
    x["official_image_edited"] = edited
    x["stock_depth"] = stock
    x["single_item"] = single
    x["seller_discount_mean"], x["seller_discount_spread"] = price_consistency(
        seller.price_ratios)
    evidence = Evidence(brand_id, ref, ratio, typo, vocab, target.copycat, images, authorized,
                        target.role)
    return x, evidence


def _add_seller_features(x: dict[str, float], s: SellerSignals) -> None:
    x["seller_young"] = 1.0 if s.age_known and s.account_age_days < 30 else 0.0
    x["seller_age_log"] = math.log1p(s.account_age_days)
    x["seller_burst"] = math.log1p(max(0.0, s.listings_1h - 1))
    x["seller_velocity"] = math.log1p(s.listings_per_day)
    x["seller_brand_spread"] = min(s.brands_24h, 10) / 10.0
    x["seller_problem_rate"] = s.problem_order_rate
    x["seller_upheld"] = min(s.upheld_weight, 3.0)
    x["seller_rejected"] = min(s.rejected_count, 3.0)
    x["seller_reports"] = min(s.report_weight, 3.0)
    x["network_shared"] = min(s.sharing_sellers, 5) / 5.0
    x["network_flagged"] = min(s.flagged_sellers, 3) / 3.0
