"""The ``brand_flood`` incident: a wave of brand-new counterfeit accounts hits
one brand within a few hours, as when a counterfeit ring opens shop before a
holiday or a product launch.

Flood sellers' accounts open at most three days before the flood and their
first listing falls within ``FLOOD_WINDOW_MS`` of the incident's start.
"""

from __future__ import annotations

import random
from typing import Any

from signals.evaluation.simulator.scenarios import SimConfig
from signals.evaluation.simulator.timefmt import DAY_MS, HOUR_MS, MINUTE_MS, rfc3339
from signals.evaluation.simulator.world import Seller, World, random_phash

__all__ = ["FLOOD_WINDOW_MS", "add_flood"]

#: every flood seller lists for the first time within this long after the start
FLOOD_WINDOW_MS = 4 * HOUR_MS
_FIRST_LISTING_SPREAD_MS = 3 * HOUR_MS


def add_flood(rng: random.Random, world: World, cfg: SimConfig) -> dict[str, Any]:
    """Add the flood sellers to ``world``; return the ground-truth incident."""
    brand_id = rng.choice(sorted(world.brands))
    span = cfg.end_ms - cfg.start_ms
    start = cfg.start_ms + (round(span * rng.uniform(0.3, 0.6)) // MINUTE_MS) * MINUTE_MS
    count = rng.randint(*cfg.flood_sellers)
    rings = [[random_phash(rng) for _ in range(rng.randint(8, 16))] for _ in range(2)]
    members: list[str] = []
    for _ in range(count):
        kind = "blatant_counterfeiter" if rng.random() < 0.75 else "subtle_counterfeiter"
        seller = Seller(
            seller_id=world.mint.new("s-", 40), kind=kind,
            since_ms=start - round(rng.uniform(0.05, 3.0) * DAY_MS),
            ship_from=rng.choice(("CN", "CN", "HK", "HK", "VN", "TR")),
            active_from_ms=start + rng.randint(0, _FIRST_LISTING_SPREAD_MS),
            listings_per_day=rng.uniform(3.0, 8.0), brand_ids=[brand_id],
            categories=[world.brands[brand_id].spec.category],
            image_pool=rng.choice(rings), in_flood=True)
        world.sellers.append(seller)
        members.append(seller.seller_id)
    return {"brand_id": brand_id, "kind": "counterfeit_flood", "start_time": rfc3339(start),
            "sellers": members}
