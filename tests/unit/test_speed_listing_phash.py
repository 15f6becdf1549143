"""The near-image index with its lookups unpacked per layout finds exactly what a
brute-force Hamming scan finds, in both layouts and across the switch between them."""

from __future__ import annotations

import random

from signals.features.phash import PhashIndex, hamming


def _flip(rng: random.Random, phash: int, bits: int) -> int:
    for bit in rng.sample(range(64), bits):
        phash ^= 1 << bit
    return phash


def _brute(stored: dict[int, set[str]], phash: int, limit: int) -> list[tuple[int, str, int]]:
    found = [(h, o, hamming(h, phash)) for h, owners in stored.items() for o in owners
             if hamming(h, phash) <= limit]
    return sorted(found, key=lambda item: (item[2], item[0], item[1]))


def test_near_matches_a_brute_force_scan_through_the_layout_switch() -> None:
    rng = random.Random(7)
    index = PhashIndex()
    stored: dict[int, set[str]] = {}
    layouts = set()
    for step in range(1400):
        phash = rng.getrandbits(64)
        owner = f"o{step % 13}"
        index.add(phash, owner)
        stored.setdefault(phash, set()).add(owner)
        if step % 9 == 0:  # some hashes leave again: their band entries must go too
            victim = rng.choice(sorted(stored))
            for o in sorted(stored.pop(victim)):
                index.discard(victim, o)
        if step % 50 == 0:
            layouts.add(index._narrow)
            for base in rng.sample(sorted(stored), min(10, len(stored))):
                probe = _flip(rng, base, rng.randint(0, 8))
                for limit in (0, 3, 6):
                    assert index.near(probe, limit) == _brute(stored, probe, limit)
    assert layouts == {True, False}
