"""The pHash index answers like a brute-force scan before and after it widens its bands."""

from __future__ import annotations

import random

import pytest

from signals.features.phash import PhashIndex, hamming


def _near_copy(rng: random.Random, value: int, bits: int) -> int:
    for position in rng.sample(range(64), bits):
        value ^= 1 << position
    return value


@pytest.mark.parametrize("max_distance", [0, 3, 6, 10])
def test_small_and_grown_index_equal_a_scan(max_distance: int) -> None:
    rng = random.Random(max_distance)
    index = PhashIndex(max_distance)
    centre = rng.getrandbits(64)
    pairs: list[tuple[int, str]] = []
    for size in (50, 400, 3000):
        while len(pairs) < size:
            h = _near_copy(rng, centre, rng.randint(0, 14)) if rng.random() < 0.3 else (
                rng.getrandbits(64))
            pairs.append((h, f"o{len(pairs) % 7}"))
            index.add(h, pairs[-1][1])
        for _ in range(30):
            query = _near_copy(rng, centre, rng.randint(0, 4))
            expected = sorted({(h, o, hamming(h, query)) for h, o in pairs
                               if hamming(h, query) <= max_distance},
                              key=lambda item: (item[2], item[0], item[1]))
            assert index.near(query) == expected


def test_a_registry_sized_index_probes_few_buckets() -> None:
    index = PhashIndex()
    rng = random.Random(3)
    for i in range(150):
        index.add(rng.getrandbits(64), f"b{i}")
    assert len(index._masks) == 7 and not any(index._flip_masks)
    for i in range(1000):
        index.add(rng.getrandbits(64), f"s{i}")
    assert len(index._masks) == 4 and all(index._flip_masks)
