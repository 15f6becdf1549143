"""The simulated event stream and its ground truth.

``simulate(config)`` returns the file's lines (bytes, without newlines) and the
truth document. Lines are in delivery order: by emit time, ties in generation
order. A valid event is emitted at its ``event_time``, so those lines are sorted
by event time; a duplicate re-delivery repeats an earlier event's exact bytes
some seconds to hours later, so its ``event_time`` lies in the past, as it would
on a real topic. Brand records come first.

>>> from signals.evaluation.simulator.scenarios import scenario_config
>>> sim = simulate(scenario_config("mixed", seed=5, days=0.25, scale=0.1))
>>> sim.lines[0].startswith(b'{"schema":"brand.v1"')
True
>>> sim.truth["events"] == len(sim.lines)
True
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import orjson

from signals.evaluation.simulator.defects import GoodLine, duplicates, malformed
from signals.evaluation.simulator.flood import add_flood
from signals.evaluation.simulator.lifecycle import Emitted, listing_events
from signals.evaluation.simulator.other_market import OTHER_MARKET_DRAFTS
from signals.evaluation.simulator.scenarios import SimConfig
from signals.evaluation.simulator.schedule import listing_times
from signals.evaluation.simulator.tactics import Listing, make_listing, phash_hex
from signals.evaluation.simulator.timefmt import rfc3339
from signals.evaluation.simulator.world import Brand, IdMint, World, build_world

__all__ = ["GENERATOR", "Simulation", "simulate"]

GENERATOR = "brandguard-sim/2"
#: buyers per seller: enough that repeat buyers exist but are not the norm
_BUYERS_PER_SELLER = 40


@dataclass(frozen=True, slots=True)
class Simulation:
    """The generated file (one record per line, no trailing newlines) and its truth."""

    lines: list[bytes]
    truth: dict[str, Any]


def _brand_fields(brand: Brand) -> dict[str, Any]:
    return {"brand_id": brand.brand_id, "name": brand.name, "aliases": list(brand.spec.aliases),
            "protected_terms": list(brand.protected_terms),
            "authorized_sellers": list(brand.authorized),
            "reference_price": brand.reference_price, "currency": brand.spec.currency,
            "official_image_phashes": [phash_hex(p) for p in brand.official_phashes]}


def _brand_events(world: World, start_ms: int) -> list[Emitted]:
    initial: list[Emitted] = [(start_ms, "brand.v1", _brand_fields(b))
                              for b in world.brands.values()]
    return initial + [(at, "brand.v1", _brand_fields(b)) for at, b in world.brand_updates]


def _marketplace_events(rng: random.Random, world: World,
                        cfg: SimConfig) -> tuple[list[Emitted], list[Listing]]:
    buyers = max(100, _BUYERS_PER_SELLER * len(world.sellers))
    events: list[Emitted] = []
    listings: list[Listing] = []
    shift_ms = cfg.shift_ms
    market = OTHER_MARKET_DRAFTS if cfg.market == "other" else None
    for seller in world.sellers:
        for created in listing_times(rng, seller, cfg.end_ms):
            listing = make_listing(rng, world, seller, created,
                                   shifted=shift_ms is not None and created >= shift_ms,
                                   market=market)
            listings.append(listing)
            emitted, _ = listing_events(rng, world, listing, cfg.end_ms, buyers)
            events.extend(emitted)
    return events, listings


def _good_lines(mint: IdMint, emitted: list[Emitted], end_ms: int) -> list[GoodLine]:
    in_window = sorted((e for e in emitted if e[0] < end_ms), key=lambda e: e[0])
    lines = []
    for when, schema, fields in in_window:
        record = {"schema": schema, "event_id": mint.new("e-", 64), "event_time": rfc3339(when),
                  **fields}
        lines.append(GoodLine(when, record, orjson.dumps(record)))
    return lines


def _truth(cfg: SimConfig, world: World, listings: list[Listing]) -> dict[str, Any]:
    return {
        "generator": GENERATOR, "seed": cfg.seed, "scenario": cfg.scenario, "days": cfg.days,
        "start_time": cfg.start_time,
        "listings": {
            item.listing_id: {"seller_id": item.seller.seller_id, "brand_id": item.target_brand,
                              "infringing": item.infringing, "tactic": item.tactic,
                              "created_time": rfc3339(item.created_ms)}
            for item in listings},
        "sellers": {s.seller_id: {"kind": s.kind, "bad": s.bad} for s in world.sellers},
        "incidents": [],
        "bad_records": {}, "duplicates": 0, "events": 0,
    }


def simulate(cfg: SimConfig) -> Simulation:
    """Generate the whole stream of ``cfg``; same config, same bytes."""
    rng = random.Random(cfg.seed)
    mint = IdMint(rng)
    world = build_world(rng, cfg, mint)
    incident = add_flood(rng, world, cfg) if cfg.flood else None
    market, listings = _marketplace_events(rng, world, cfg)
    # a stable sort keeps brand records (generated first) ahead of same-time events
    good = _good_lines(mint, _brand_events(world, cfg.start_ms) + market, cfg.end_ms)
    dupes = duplicates(rng, good, cfg.duplicate_rate, cfg.end_ms)
    bad, bad_counts = malformed(rng, good, cfg.bad_record_rate, mint, cfg.end_ms)
    ordered = sorted([(g.time_ms, g.data) for g in good] + dupes + bad, key=lambda pair: pair[0])
    truth = _truth(cfg, world, listings)
    truth["incidents"] = [incident] if incident else []
    truth["bad_records"] = dict(bad_counts)
    truth["duplicates"] = len(dupes)
    truth["events"] = len(ordered)
    return Simulation(lines=[data for _, data in ordered], truth=truth)
