"""Listing tactics: each has the traits that define it, and honest look-alikes overlap
the fakes on price."""

from __future__ import annotations

from collections import Counter

from signals.contract.events import ListingEvent
from signals.evaluation.simulator import Simulation
from signals.evaluation.simulator.names import CONDITION_WORDS, FAKE_VOCABULARY
from tests.unit.signals.evaluation.simulator.sim_views import brands_of, unique_events


def test_tactics_have_their_defining_traits(mixed: Simulation) -> None:
    brands, truth = brands_of(mixed), mixed.truth["listings"]
    counts: Counter[str] = Counter()
    for event in unique_events(mixed):
        if not (isinstance(event, ListingEvent) and event.action == "created"):
            continue
        item = truth[event.listing_id]
        tactic, brand = item["tactic"], brands.get(item["brand_id"] or "")
        counts[tactic] += 1
        if tactic == "blatant_fake":
            assert any(w.lower() in (event.title or "").lower() for w in FAKE_VOCABULARY)
        if tactic == "subtle_fake":
            assert brand is not None and event.brand_id == brand.brand_id
            assert brand.name in (event.title or "")
            assert event.seller_id not in brand.authorized_sellers
        if tactic == "gray_market":
            assert brand is not None and event.seller_id not in brand.authorized_sellers
        if tactic == "accessory":
            assert event.brand_id is None and brand is not None
            assert brand.name in (event.title or "")
    assert {"blatant_fake", "subtle_fake", "copycat", "gray_market", "clearance"} <= set(counts)


def test_fakes_are_cheap_relative_to_reference_price(mixed: Simulation) -> None:
    brands, truth = brands_of(mixed), mixed.truth["listings"]
    ratios: dict[str, list[float]] = {}
    for event in unique_events(mixed):
        if isinstance(event, ListingEvent) and event.action == "created":
            brand = brands.get(truth[event.listing_id]["brand_id"] or "")
            if brand and brand.reference_price and event.price:
                ratios.setdefault(truth[event.listing_id]["tactic"], []).append(
                    event.price / brand.reference_price)
    median = {tactic: sorted(r)[len(r) // 2] for tactic, r in ratios.items()}
    assert median["blatant_fake"] < 0.35 < median["subtle_fake"] < 0.8 < median["gray_market"]
    # the honest look-alikes overlap the fakes on price: price alone cannot separate them
    assert median["pre_owned"] < median["stealth_fake"]
    assert median["authorized_sale"] < median["stealth_fake"]
    assert median["clearance"] < median["gray_market"]


def test_stealth_fakes_show_edited_official_photos_and_used_goods_say_so(
        mixed: Simulation) -> None:
    brands, truth = brands_of(mixed), mixed.truth["listings"]
    edited = used_words = used = 0
    for event in unique_events(mixed):
        if not (isinstance(event, ListingEvent) and event.action == "created"):
            continue
        item = truth[event.listing_id]
        brand = brands.get(item["brand_id"] or "")
        if item["tactic"] == "stealth_fake" and brand is not None:
            official = [int(h, 16) for h in brand.official_image_phashes]
            distances = [min(bin(int(h, 16) ^ o).count("1") for o in official)
                         for h in event.image_phashes]
            edited += any(3 <= d <= 7 for d in distances)
            assert all(d >= 3 for d in distances)  # never an untouched official photo
        if item["tactic"] == "pre_owned":
            used += 1
            used_words += any(w.lower() in (event.title or "").lower()
                              for w in CONDITION_WORDS)
    assert edited > 0 and used > 0 and used_words > 0.75 * used
