"""What happens to a listing after it is created: price changes, orders and
their outcomes, infringement reports and their decisions, removal.

Labels arrive late and incompletely on purpose: only some infringing listings
are ever reported, decisions come hours to days after the filing, and some
reports are abusive (filed against honest sellers, then rejected).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from signals.evaluation.simulator.tactics import Listing
from signals.evaluation.simulator.timefmt import DAY_MS, HOUR_MS, MINUTE_MS, rfc3339
from signals.evaluation.simulator.world import World

__all__ = ["Emitted", "listing_events", "listing_fields"]

#: (event time in epoch ms, schema, record fields other than schema/event_id/event_time)
Emitted = tuple[int, str, dict[str, Any]]

_ORDER_RATE = {"genuine": (0.3, 1.5), "accessory": (0.5, 2.0), "authorized_reseller": (0.8, 2.5),
               "gray_market": (0.8, 2.0), "clearance": (2.0, 4.0), "blatant_fake": (1.0, 3.0),
               "subtle_fake": (1.5, 3.5), "copycat": (1.0, 3.0), "stealth_fake": (1.0, 3.0),
               "authorized_sale": (1.5, 3.5), "pre_owned": (0.3, 1.2),
               "retail_genuine": (0.3, 1.5)}
#: chance of each follow-up status (cancelled, refunded, returned, disputed); fakes disappoint
_OUTCOMES_HONEST = (0.05, 0.03, 0.04, 0.01)
_OUTCOMES_FAKE = (0.06, 0.14, 0.09, 0.10)
_OUTCOME_DELAY_H = ((0.1, 12.0), (24.0, 120.0), (48.0, 168.0), (24.0, 144.0))
_STATUSES = ("cancelled", "refunded", "returned", "disputed")
_OWNER_REPORT_RATE = {"blatant_fake": 0.55, "subtle_fake": 0.35, "copycat": 0.4,
                      "stealth_fake": 0.25}
_OWNER_REASONS = {"blatant_fake": ("counterfeit", "counterfeit", "trademark"),
                  "subtle_fake": ("counterfeit",), "stealth_fake": ("counterfeit",),
                  "copycat": ("design", "trademark", "trademark")}
#: honest sellers an over-reporting rights owner files against, per listing
_ABUSIVE_RATE = {"abused_honest": 0.5, "gray_market": 0.3, "refurbisher": 0.25,
                 "general_store": 0.2, "accessory_maker": 0.1}
#: owners also report lawful listings they dislike; review upholds few of these
_NUISANCE_RATE = {"gray_market": 0.06, "pre_owned": 0.04, "retail_genuine": 0.03,
                  "authorized_sale": 0.01}


@dataclass(slots=True)
class _Story:
    """Everything emitted for one listing, plus when it was taken down."""

    listing: Listing
    removed_ms: int | None = None
    events: list[Emitted] = field(default_factory=list)


def _hours(rng: random.Random, low: float, high: float) -> int:
    return round(rng.uniform(low, high) * HOUR_MS)


def listing_fields(rng: random.Random, listing: Listing, action: str) -> dict[str, Any]:
    """A ``listing.v1`` body; optional fields are sometimes omitted, as real producers do."""
    seller = listing.seller
    fields: dict[str, Any] = {"action": action, "listing_id": listing.listing_id,
                              "seller_id": seller.seller_id}
    if action == "removed":
        return fields
    fields.update(title=listing.title, brand_id=listing.brand_tag, category=listing.category,
                  price=listing.price, currency=listing.currency, quantity=listing.quantity,
                  image_phashes=list(listing.phashes), ship_from=seller.ship_from,
                  seller_since=rfc3339(seller.since_ms))
    if listing.brand_tag is None and rng.random() < 0.3:
        del fields["brand_id"]
    if rng.random() < 0.05:
        del fields["category"]
    return fields


def _report(world: World, story: _Story, filed_ms: int, reporter: str, reason: str,
            upheld: bool, brand_id: str | None, rng: random.Random) -> int | None:
    """File a report and, some hours to days later, decide it; returns the decision time."""
    listing = story.listing
    body = {"report_id": world.mint.new("r-", 48), "listing_id": listing.listing_id,
            "seller_id": listing.seller.seller_id, "brand_id": brand_id, "reporter": reporter,
            "reason": reason}
    decided_ms = filed_ms + _hours(rng, 4.0, 60.0)
    story.events.append((filed_ms, "report.v1", {**body, "status": "filed"}))
    story.events.append((decided_ms, "report.v1",
                         {**body, "status": "upheld" if upheld else "rejected"}))
    return decided_ms if upheld else None


def _take_down(rng: random.Random, story: _Story, decided_ms: int | None) -> None:
    if decided_ms is not None and rng.random() < 0.85:
        removal = decided_ms + _hours(rng, 1.0, 12.0)
        if story.removed_ms is None or removal < story.removed_ms:
            story.removed_ms = removal


def _proactive_reports(rng: random.Random, world: World, story: _Story) -> None:
    """Rights owners and the platform report what they notice, some of it wrongly."""
    listing, created = story.listing, story.listing.created_ms
    tactic, target = listing.tactic, listing.target_brand
    if target and rng.random() < _OWNER_REPORT_RATE.get(tactic, 0.0):
        decided = _report(world, story, created + _hours(rng, 2.0, 96.0), "rights_owner",
                          rng.choice(_OWNER_REASONS[tactic]), rng.random() < 0.92, target, rng)
        _take_down(rng, story, decided)
    abuser = next((b for b in listing.seller.brand_ids if world.brands[b].over_reports), None)
    abusive_rate = _ABUSIVE_RATE.get(listing.seller.kind, 0.0)
    if abuser and not listing.infringing and rng.random() < abusive_rate:
        # an over-reporting owner files against lawful listings; review rejects most
        reason = rng.choice(("counterfeit", "trademark"))
        decided = _report(world, story, created + _hours(rng, 1.0, 72.0), "rights_owner",
                          reason, rng.random() < 0.05, abuser, rng)
        _take_down(rng, story, decided)
    elif target and rng.random() < _NUISANCE_RATE.get(tactic, 0.0):
        decided = _report(world, story, created + _hours(rng, 4.0, 96.0), "rights_owner",
                          "trademark", rng.random() < 0.15, target, rng)
        _take_down(rng, story, decided)
    platform_rate = 0.04 if listing.infringing else 0.004
    if rng.random() < platform_rate:
        decided = _report(world, story, created + _hours(rng, 0.5, 48.0), "platform",
                          "counterfeit" if listing.infringing else "other",
                          rng.random() < (0.9 if listing.infringing else 0.2),
                          listing.brand_tag or target, rng)
        _take_down(rng, story, decided)


def _voluntary_removal(rng: random.Random, story: _Story) -> None:
    hit_and_run = story.listing.tactic == "blatant_fake" and rng.random() < 0.2
    if hit_and_run or rng.random() < 0.06:
        when = story.listing.created_ms + _hours(rng, 12.0 if hit_and_run else 6.0, 96.0)
        if story.removed_ms is None or when < story.removed_ms:
            story.removed_ms = when


def _price_updates(rng: random.Random, story: _Story, end_ms: int) -> list[tuple[int, float]]:
    """Price changes as (time, new price); also emitted as ``updated`` listings."""
    listing, changes = story.listing, []
    stop = min(end_ms, story.removed_ms or end_ms)
    if stop <= listing.created_ms or rng.random() >= 0.15:
        return []
    cuts = listing.infringing or listing.tactic in ("clearance", "pre_owned", "authorized_sale")
    low, high = (0.7, 0.95) if cuts else (0.85, 1.1)
    price = listing.price
    for when in sorted(rng.randint(listing.created_ms + 1, stop) for _ in range(rng.randint(1, 2))):
        price = round(max(0.5, price * rng.uniform(low, high)), 2)
        changes.append((when, price))
        listing.price = price
        story.events.append((when, "listing.v1", listing_fields(rng, listing, "updated")))
    return changes


def _price_at(base: float, changes: list[tuple[int, float]], when: int) -> float:
    price = base
    for at, new_price in changes:
        if at <= when:
            price = new_price
    return price


def _order_story(rng: random.Random, world: World, story: _Story, placed: int,
                 unit_price: float, buyers: int) -> list[Emitted]:
    listing = story.listing
    body = {"order_id": world.mint.new("o-", 48), "listing_id": listing.listing_id,
            "seller_id": listing.seller.seller_id, "buyer_id": f"u-{rng.randrange(buyers):07d}",
            "unit_price": unit_price, "currency": listing.currency,
            "quantity": 1 if rng.random() < 0.8 else rng.randint(2, 3),
            "brand_id": listing.brand_tag}
    events: list[Emitted] = [(placed, "order.v1", {**body, "status": "placed"})]
    odds = _OUTCOMES_FAKE if listing.infringing else _OUTCOMES_HONEST
    roll = rng.random()
    for status, chance, (low, high) in zip(_STATUSES, odds, _OUTCOME_DELAY_H, strict=True):
        if roll < chance:
            events.append((placed + _hours(rng, low, high), "order.v1", {**body, "status": status}))
            break
        roll -= chance
    return events


def _buyer_report(rng: random.Random, world: World, story: _Story, order: list[Emitted]) -> None:
    """A disappointed buyer sometimes reports the listing after a refund or dispute."""
    last_time, _, last = order[-1]
    listing = story.listing
    chance = 0.35 if listing.infringing else 0.08
    if last["status"] in ("refunded", "disputed") and rng.random() < chance:
        upheld = rng.random() < (0.8 if listing.infringing else 0.1)
        decided = _report(world, story, last_time + _hours(rng, 0.5, 48.0), "buyer",
                          "counterfeit", upheld, listing.brand_tag or listing.target_brand, rng)
        _take_down(rng, story, decided)


def _orders(rng: random.Random, world: World, story: _Story, changes: list[tuple[int, float]],
            end_ms: int, buyers: int) -> None:
    """Orders arrive as a Poisson process until the listing is removed or time runs out.

    A buyer report upheld mid-way moves the removal earlier; the loop re-reads it."""
    listing, base_price = story.listing, story.listing.price
    rate_per_ms = rng.uniform(*_ORDER_RATE[listing.tactic]) / DAY_MS
    placed = listing.created_ms + _hours(rng, 0.05, 2.0)
    while placed < min(end_ms, story.removed_ms or end_ms):
        order = _order_story(rng, world, story, placed, _price_at(base_price, changes, placed),
                             buyers)
        story.events.extend(order)
        _buyer_report(rng, world, story, order)
        placed += max(MINUTE_MS, round(rng.expovariate(rate_per_ms)))


def listing_events(rng: random.Random, world: World, listing: Listing, end_ms: int,
                   buyers: int) -> tuple[list[Emitted], int | None]:
    """All events of ``listing`` (creation first) and its removal time, if any."""
    story = _Story(listing)
    story.events.append((listing.created_ms, "listing.v1", listing_fields(rng, listing, "created")))
    _proactive_reports(rng, world, story)
    _voluntary_removal(rng, story)
    created_price = listing.price
    changes = _price_updates(rng, story, end_ms)
    listing.price = created_price
    _orders(rng, world, story, changes, end_ms, buyers)
    removed = story.removed_ms
    if removed is not None:
        # a later buyer-driven take-down can pre-empt price changes drawn earlier
        story.events = [e for e in story.events
                        if e[0] <= removed or e[1] != "listing.v1"]
        story.events.append((removed, "listing.v1", listing_fields(rng, listing, "removed")))
    return story.events, removed
