"""Delivery defects of a real feed: redelivered duplicates and malformed records.

Duplicates are the exact bytes of an earlier event (same ``event_id``) showing
up again a little later, as after a producer retry or a consumer replay.
Malformed records are built from real ones so they look like what a buggy
producer sends: cut-off JSON, a negative price, ``quantity: 2.0``, a schema
version nobody knows. Each is counted by the dead-letter code it must get.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

import orjson

from signals.evaluation.simulator.timefmt import HOUR_MS, MINUTE_MS, rfc3339
from signals.evaluation.simulator.world import IdMint

__all__ = ["BAD_RECORD_KINDS", "GoodLine", "duplicates", "malformed"]

BAD_RECORD_KINDS = ("invalid_json", "schema_violation", "unknown_schema")


@dataclass(frozen=True, slots=True)
class GoodLine:
    """A valid event as written: its time, record and exact bytes."""

    time_ms: int
    record: dict[str, Any]
    data: bytes


def duplicates(rng: random.Random, lines: list[GoodLine], rate: float,
               end_ms: int) -> list[tuple[int, bytes]]:
    """Re-deliveries as (emit time, bytes): mostly seconds later, some hours later."""
    extra: list[tuple[int, bytes]] = []
    for line in lines:
        if rng.random() >= rate:
            continue
        soon = rng.random() < 0.7
        delay = rng.randint(1_000, MINUTE_MS) if soon else rng.randint(MINUTE_MS, 3 * HOUR_MS)
        if line.time_ms + delay < end_ms:
            extra.append((line.time_ms + delay, line.data))
    return extra


def _invalid_json(rng: random.Random, line: GoodLine) -> bytes:
    data = line.data
    trick = rng.randrange(4)
    if trick == 0:
        return data[: rng.randint(1, len(data) - 2)]  # an object cut short is never valid JSON
    if trick == 1:
        return data[:-1] + b",}"
    if trick == 2:
        return b"[" + data + b"]"  # JSON, but not an object
    cut = data.index(b'"event_time"')
    return data[:cut] + b"\xff\xfe" + data[cut:]  # not UTF-8


def _schema_violation(rng: random.Random, record: dict[str, Any]) -> dict[str, Any]:
    broken = dict(record)
    if broken["schema"] == "order.v1":
        choice = rng.choice(("quantity", "status", "buyer_id", "unit_price"))
        patch = {"quantity": 2.0, "status": "shipped", "unit_price": 0}
    else:
        choice = rng.choice(("price", "title", "listing_id", "currency", "image_phashes"))
        patch = {"price": -abs(broken.get("price") or 1.0), "title": "", "currency": "usd",
                 "image_phashes": ["abc123"]}
    if choice in patch:
        broken[choice] = patch[choice]
    else:
        del broken[choice]
    return broken


def _unknown_schema(rng: random.Random, record: dict[str, Any]) -> dict[str, Any]:
    names = ("order.v2", "payment.v1") if record["schema"] == "order.v1" else ("listing.v2",
                                                                                "review.v1")
    return {**record, "schema": rng.choice(names)}


def _malformed_line(rng: random.Random, kind: str, line: GoodLine, event_id: str,
                    when: int) -> bytes:
    record = {**line.record, "event_id": event_id, "event_time": rfc3339(when)}
    if kind == "invalid_json":
        return _invalid_json(rng, GoodLine(when, record, orjson.dumps(record)))
    if kind == "schema_violation":
        return orjson.dumps(_schema_violation(rng, record))
    return orjson.dumps(_unknown_schema(rng, record))


def malformed(rng: random.Random, lines: list[GoodLine], rate: float, mint: IdMint,
              end_ms: int) -> tuple[list[tuple[int, bytes]], Counter[str]]:
    """Bad records as (emit time, bytes), about ``rate`` per good line, and counts by kind."""
    sources = [line for line in lines
               if line.record["schema"] == "order.v1"
               or line.record.get("action") in ("created", "updated")]
    counts: Counter[str] = Counter({kind: 0 for kind in BAD_RECORD_KINDS})
    extra: list[tuple[int, bytes]] = []
    if not sources:
        return extra, counts
    wanted = sum(1 for _ in lines if rng.random() < rate)
    for _ in range(wanted):
        source = rng.choice(sources)
        kind = rng.choices(BAD_RECORD_KINDS, weights=(4, 4, 2))[0]
        when = min(end_ms - 1, source.time_ms + rng.randint(1, MINUTE_MS))
        extra.append((when, _malformed_line(rng, kind, source, mint.new("e-", 64), when)))
        counts[kind] += 1
    return extra, counts
