"""How fast is the decoder, against the floor (bare orjson) and the obvious alternative.

Times, over the same realistic ~400-byte ``listing.v1`` record on one core:
(a) ``orjson.loads`` alone, (b) ``signals.contract.decode.decode``, (c) ``orjson.loads``
plus a ``jsonschema`` Draft 2020-12 validation with format checking (what
validating every event against the shipped schema would cost). Prints
events/s and each one's ratio to bare orjson measured in the same run.

Run: ``.venv/bin/python bench/bench_decode.py [--n 200000]``
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import orjson

from signals.contract.decode import decode
from signals.contract.schema_files import contract_validator

__all__ = ["LISTING", "main", "measure"]

LISTING: dict[str, Any] = {
    "schema": "listing.v1",
    "event_id": "evt-7f3a9c2d41b8",
    "event_time": "2026-11-27T14:03:11.250Z",
    "action": "created",
    "listing_id": "lst-8f3a2b1c9d",
    "seller_id": "slr-77421",
    "title": "Classic Flap Bag Medium Quilted Lambskin Black",
    "brand_id": "brd-0042",
    "category": "bags/handbags",
    "price": 129.99,
    "currency": "EUR",
    "quantity": 3,
    "image_phashes": ["c3a1f0e2d4b59687", "8e7d6c5b4a392817"],
    "ship_from": "CN",
    "seller_since": "2026-10-02T08:15:00Z",
}


def _rate(step: Callable[[bytes], object], raw: bytes, count: int) -> float:
    """Events per CPU-second of ``step`` over ``count`` calls, best of three runs.

    CPU time of this process rather than wall time, so that other work on a
    shared machine inflates the result less.
    """
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for _ in range(count):
            step(raw)
        best = min(best, time.process_time() - started)
    return count / best


def measure(count: int = 200_000, jsonschema_count: int = 10_000) -> dict[str, float]:
    """Events/s of each way to decode ``LISTING``, keyed by name."""
    raw = orjson.dumps(LISTING)
    validator = contract_validator("listing.v1")
    assert validator.is_valid(LISTING), "the benchmark record must be valid"

    def with_jsonschema(data: bytes) -> object:
        record = orjson.loads(data)
        validator.validate(record)
        return record

    return {
        "orjson.loads": _rate(orjson.loads, raw, count),
        "decode": _rate(decode, raw, count),
        "orjson.loads + jsonschema": _rate(with_jsonschema, raw, jsonschema_count),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=200_000, help="decodes per timed run")
    parser.add_argument("--n-jsonschema", type=int, default=10_000, help="validations per run")
    args = parser.parse_args(argv)
    size = len(orjson.dumps(LISTING))
    print(f"listing.v1 record of {size} bytes; best of 3 runs; CPU time; one core")
    rates = measure(args.n, args.n_jsonschema)
    floor = rates["orjson.loads"]
    for name, rate in rates.items():
        print(f"{name:28s} {rate:12,.0f} events/s  {rate / floor:6.3f} x orjson")
    print(f"decode is {rates['decode'] / rates['orjson.loads + jsonschema']:.1f}x jsonschema")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
