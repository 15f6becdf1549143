"""Listing features: which brand a listing trades on, accessories, copycats, images."""

from __future__ import annotations

import pytest

from signals.contract.events import BrandEvent, ListingEvent
from signals.features.listing import FEATURE_NAMES, Evidence, SellerSignals, listing_features
from signals.features.titles.brand_target import compatibility_flags, resolve_target
from signals.features.titles.title_facts import title_facts
from signals.memo import Memo
from signals.registry import Registry

OFFICIAL = ("00000000000000ff", "0000000000ff0000")
NORTH_PEAK = BrandEvent("b1", "t", 0.0, "np", "North Peak", aliases=("NorthPeak",),
                        protected_terms=("Ridgeline", "Summit Pro"), authorized_sellers=("shop",),
                        reference_price=160.0, currency="USD", official_image_phashes=OFFICIAL)
LUMEN = BrandEvent("b2", "t", 0.0, "lm", "Lumenique", reference_price=50.0, currency="USD",
                   official_image_phashes=("ffff000000000000",))
SELLER = SellerSignals(400.0, 1.0, 1, 0.05, 0.0, 0.0, 0.0, 0, 0, 1.0)


def _registry() -> Registry:
    return Registry.from_brands([NORTH_PEAK, LUMEN])


def _features(title: str, *, brand: str | None = None, price: float = 20.0, seller: str = "s1",
              images: tuple[str, ...] = ()) -> tuple[dict[str, float], Evidence]:
    ev = ListingEvent("e", "t", 0.0, "created", "l1", seller, title=title, brand_id=brand,
                      price=price, currency="USD", image_phashes=images)
    return listing_features(ev, _registry(), {}, SELLER)


@pytest.mark.parametrize("title", [
    "Replacement laces for North Peak Ridgeline",
    "Memory foam insoles for North Peak Summit Pro",
    "Leather strap compatible with North Peak Ridgeline",
    "Sole protector fits NorthPeak Ridgeline trail shoes",
    "Spare insoles for use with North Peak",
])
def test_an_untagged_accessory_for_a_brand_is_not_priced_against_it(title: str) -> None:
    x, evidence = _features(title, price=12.0)
    assert evidence.brand_id is None and evidence.role == "compat"
    assert x["accessory_mention"] == 1.0
    assert x["price_discount"] == 0.0 and x["unauthorized"] == 0.0
    assert x["copycat_terms"] == 0.0 and x["brand_mention_untagged"] == 0.0
    assert not evidence.listing_level


def test_a_misspelt_brand_in_a_compatibility_phrase_is_still_a_look_alike() -> None:
    x, evidence = _features("Replacement laces for N0rth Peak Ridgeline")
    assert x["brand_typo"] > 0.9 and evidence.listing_level


def test_for_elsewhere_in_the_title_is_no_compatibility_phrase() -> None:
    x, evidence = _features("Ridgeline Trail Shoes for Men & Women", price=60.0)
    assert x["copycat_terms"] == 1.0
    assert evidence.brand_id == "np" and evidence.role == "copycat"
    assert x["price_discount"] == pytest.approx(1 - 60 / 160)
    assert x["unauthorized"] == 1.0 and evidence.listing_level


def test_a_copycat_tagged_with_its_own_label_is_priced_against_the_borrowed_brand() -> None:
    x, evidence = _features("Trailco Ridgeline Running Shoes", brand="trailco", price=50.0)
    assert evidence.brand_id == "np" and x["copycat_terms"] == 1.0
    assert x["price_discount"] > 0.6


def test_the_brand_s_own_product_name_is_no_copycat() -> None:
    x, evidence = _features("North Peak Ridgeline Running Shoes", price=150.0)
    assert x["copycat_terms"] == 0.0 and x["brand_mention_untagged"] == 1.0
    assert evidence.role == "mention" and evidence.brand_id == "np"


def test_a_tagged_listing_targets_its_registered_tag() -> None:
    x, evidence = _features("Trail running shoes", brand="np", price=80.0, seller="shop")
    assert evidence.brand_id == "np" and evidence.authorized is True and x["authorized"] == 1.0


def test_an_unregistered_label_is_listing_evidence_only_when_far_below_its_price() -> None:
    _, plain = _features("Trailco canvas shoes", brand="trailco")
    assert plain.role == "own_tag" and not plain.listing_level
    cheap = Evidence("trailco", 100.0, 0.3, None, (), (), (), None, "own_tag")
    assert cheap.listing_level


def test_only_official_images_and_no_authorization_is_its_own_feature() -> None:
    x, evidence = _features("North Peak Ridgeline", brand="np", price=150.0, images=OFFICIAL)
    assert x["official_images_only"] == 1.0 and x["official_image_unauthorized"] == 1.0
    assert len(evidence.images) == 2
    y, _ = _features("North Peak Ridgeline", brand="np", price=150.0,
                     images=(OFFICIAL[0], "0123456789abcdef"))
    assert y["official_images_only"] == 0.0 and y["official_image_unauthorized"] == 1.0
    z, _ = _features("North Peak Ridgeline", brand="np", price=150.0, images=OFFICIAL,
                     seller="shop")
    assert z["official_images_only"] == 0.0 and z["official_image_unauthorized"] == 0.0


def test_a_brand_without_an_authorized_list_gives_unknown_not_unauthorized() -> None:
    x, evidence = _features("Lumenique serum", brand="lm", price=30.0,
                            images=("ffff000000000000",))
    assert evidence.authorized is None and x["unauthorized"] == 0.0
    assert x["official_image_unknown"] == 1.0 and x["official_images_only"] == 1.0


def test_the_feature_vector_is_dense_and_named() -> None:
    x, _ = _features("Ceramic mug")
    assert tuple(x) == FEATURE_NAMES


def test_compatibility_chains_through_adjacent_mentions_only() -> None:
    reg = _registry()
    title = "Case for North Peak Ridgeline, also Summit Pro style"
    matches = reg.match_title(title)
    flags = compatibility_flags(title, matches)
    assert [m.term for m in matches] == ["North Peak", "Ridgeline", "Summit Pro"]
    assert flags == [True, True, False]


def test_resolve_target_prefers_a_named_brand_over_a_borrowed_term() -> None:
    reg = _registry()
    matches = reg.match_title("Lumenique Ridgeline serum")
    target = resolve_target(None, matches, [False] * len(matches), reg.__contains__)
    assert target.brand_id == "lm" and target.role == "mention"
    assert [m.term for m in target.copycat] == ["Ridgeline"]


def test_title_facts_are_recomputed_when_the_registry_changes() -> None:
    reg = Registry.from_brands([NORTH_PEAK])
    before = title_facts(reg, "Lumenique serum")
    assert before.matches == ()
    reg.upsert(LUMEN)
    after = title_facts(reg, "Lumenique serum")
    assert [m.brand_id for m in after.matches] == ["lm"]


def test_the_title_cache_is_bounded_and_keeps_the_recently_used() -> None:
    reg = _registry()
    reg.title_memo = Memo(2, lru=True)
    first = title_facts(reg, "a North Peak")
    title_facts(reg, "b")
    assert title_facts(reg, "a North Peak") is first  # touched: now the most recent
    title_facts(reg, "c")
    assert len(reg.title_memo) == 2
    assert title_facts(reg, "a North Peak") is first


def test_without_seller_since_no_seller_is_called_young() -> None:
    reg = _registry()
    ev = ListingEvent("e", "t", 0.0, "created", "l1", "s1", title="Ceramic mug", price=9.0,
                      currency="USD")
    fresh = SellerSignals(2.0, 1.0, 1, 0.05, 0.0, 0.0, 0.0, 0, 0, 1.0, age_known=False)
    x, _ = listing_features(ev, reg, {}, fresh)
    assert x["seller_young"] == 0.0
    y, _ = listing_features(ev, reg, {}, SellerSignals(2.0, 1.0, 1, 0.05, 0.0, 0.0, 0.0, 0, 0))
    assert y["seller_young"] == 1.0


def test_a_new_price_or_seller_list_keeps_the_title_cache_a_new_term_empties_it() -> None:
    reg = Registry.from_brands([NORTH_PEAK])
    facts = title_facts(reg, "North Peak Ridgeline")
    assert [m.term for m in title_facts(reg, "Summit Pro boots").matches] == ["Summit Pro"]
    version = reg.terms_version
    reg.upsert(BrandEvent("b1b", "t", 1.0, "np", "North Peak", aliases=("NorthPeak",),
                          protected_terms=("Ridgeline", "Summit Pro"),
                          authorized_sellers=("shop", "other"), reference_price=170.0,
                          currency="USD"))
    assert reg.terms_version == version and reg.is_authorized("np", "other")
    assert title_facts(reg, "North Peak Ridgeline") is facts
    reg.upsert(BrandEvent("b1c", "t", 2.0, "np", "North Peak", protected_terms=("Ridgeline",)))
    assert reg.terms_version != version
    assert title_facts(reg, "Summit Pro boots").matches == ()
