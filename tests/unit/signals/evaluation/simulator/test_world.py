"""The simulated world: brands and their versions, sellers of every kind, unique ids."""

from __future__ import annotations

import random
from collections import Counter

from signals.evaluation.simulator.names import BRAND_CATALOGUE
from signals.evaluation.simulator.scenarios import BAD_KINDS, scenario_config
from signals.evaluation.simulator.world import IdMint, Seller, build_world, random_phash


def test_ids_are_never_repeated_even_from_a_small_space() -> None:
    mint = IdMint(random.Random(1))
    ids = [mint.new("s-", 8) for _ in range(256)]
    assert len(set(ids)) == 256 and all(i.startswith("s-") and len(i) == 4 for i in ids)


def test_a_phash_is_64_bits() -> None:
    rng = random.Random(2)
    assert all(0 <= random_phash(rng) < 2 ** 64 for _ in range(100))


def test_the_world_has_the_scenario_s_population_plus_one_store_per_brand() -> None:
    cfg = scenario_config("mixed", seed=3, days=2.0, scale=0.5)
    rng = random.Random(cfg.seed)
    world = build_world(rng, cfg, IdMint(rng))
    kinds = Counter(s.kind for s in world.sellers)
    stores = len(BRAND_CATALOGUE)
    assert len(world.brands) == stores
    planned = sum(cfg.population.values()) + stores
    for kind, count in cfg.population.items():
        assert kinds[kind] >= count, kind
    # any seller beyond those is a store a mid-stream brand update authorizes
    later = {seller for _, brand in world.brand_updates for seller in brand.authorized}
    extra = world.sellers[planned:]
    assert all(s.kind == "authorized_reseller" and s.seller_id in later for s in extra)
    assert len({s.seller_id for s in world.sellers}) == len(world.sellers)


def test_authorized_sellers_are_never_counterfeiters() -> None:
    cfg = scenario_config("mixed", seed=4, days=2.0, scale=0.5)
    rng = random.Random(cfg.seed)
    world = build_world(rng, cfg, IdMint(rng))
    bad = {s.seller_id for s in world.sellers if s.bad}
    assert bad and all(not set(b.authorized) & bad for b in world.brands.values())
    assert all(s.kind in BAD_KINDS for s in world.sellers if s.seller_id in bad)


def test_brand_at_gives_the_version_in_force() -> None:
    cfg = scenario_config("mixed", seed=5, days=7.0, scale=0.3)
    rng = random.Random(cfg.seed)
    world = build_world(rng, cfg, IdMint(rng))
    assert world.brand_updates, "a week sees brand updates"
    at, version = world.brand_updates[0]
    assert world.brand_at(version.brand_id, at) == version
    assert world.brand_at(version.brand_id, at - 1) == world.brands[version.brand_id]


def test_a_seller_is_bad_exactly_when_its_kind_is() -> None:
    assert Seller("s", "copycat", 0, "CN", 0, 1.0).bad
    assert not Seller("s", "gray_market", 0, "HK", 0, 1.0).bad
