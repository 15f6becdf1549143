"""Perceptual-hash parsing, distance and the banded near-neighbour index, whose answers
equal a brute-force Hamming scan in both band layouts and across the switch between them."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.features.phash import PhashIndex, format_phash, hamming, parse_phash

hashes64 = st.integers(min_value=0, max_value=2**64 - 1)


def flip(rng: random.Random, value: int, bits: int) -> int:
    for position in rng.sample(range(64), bits):
        value ^= 1 << position
    return value


def brute_force(pairs: list[tuple[int, str]], query: int, limit: int) -> list[tuple[int, str, int]]:
    found = {(h, o, hamming(h, query)) for h, o in pairs if hamming(h, query) <= limit}
    return sorted(found, key=lambda item: (item[2], item[0], item[1]))


@pytest.mark.parametrize(
    "bad", ["", "123", "0123456789abcdeg", "0123456789abcdef0", " 123456789abcdef"])
def test_parse_rejects_malformed(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_phash(bad)


@given(hashes64)
def test_parse_and_format_round_trip(value: int) -> None:
    assert parse_phash(format_phash(value)) == value
    assert parse_phash(format_phash(value).upper()) == value


@given(hashes64, hashes64)
def test_hamming_is_a_metric_on_bits(a: int, b: int) -> None:
    assert hamming(a, b) == hamming(b, a) == bin(a ^ b).count("1")
    assert hamming(a, a) == 0


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=0, max_value=12),
       st.integers(min_value=0, max_value=12))
def test_near_equals_brute_force(seed: int, built_for: int, asked: int) -> None:
    limit = min(built_for, asked)
    rng = random.Random(seed)
    index = PhashIndex(max_distance=built_for)
    centre = rng.getrandbits(64)
    pairs = [(flip(rng, centre, rng.randint(0, 16)), f"o{rng.randint(0, 30)}") for _ in range(300)]
    pairs += [(rng.getrandbits(64), "random") for _ in range(300)]
    for h, owner in pairs:
        index.add(h, owner)
    query = flip(rng, centre, rng.randint(0, 3))
    assert index.near(query, limit) == brute_force(pairs, query, limit)


def test_every_hash_within_the_distance_is_found() -> None:
    rng = random.Random(5)
    index = PhashIndex()  # default: 6 bits
    base = rng.getrandbits(64)
    for bits in range(0, 8):
        index.add(flip(rng, base, bits), f"d{bits}")
    assert [owner for _, owner, _ in index.near(base)] == [f"d{b}" for b in range(7)]
    assert [d for _, _, d in index.near(base)] == list(range(7))


def test_discard_removes_one_owner_then_the_hash() -> None:
    index = PhashIndex()
    index.add(0xFF, "a")
    index.add(0xFF, "b")
    index.discard(0xFF, "a")
    assert index.near(0xFE) == [(0xFF, "b", 1)]
    index.discard(0xFF, "b")
    index.discard(0xFF, "b")  # discarding twice is harmless
    assert index.near(0xFE) == [] and len(index) == 0
    assert all(not band for band in index._bands)  # no empty buckets left behind


def test_distance_beyond_the_built_one_is_refused() -> None:
    index = PhashIndex(max_distance=4)
    with pytest.raises(ValueError):
        index.near(0, 5)
    with pytest.raises(ValueError):
        PhashIndex(max_distance=64)


def test_pairs_round_trip_through_json() -> None:
    rng = random.Random(9)
    index = PhashIndex()
    for i in range(200):
        index.add(rng.getrandbits(64), f"seller-{i % 17}")
    restored = PhashIndex.from_pairs(json.loads(json.dumps(index.to_pairs())))
    assert restored.to_pairs() == index.to_pairs()
    probe = index.to_pairs()[3][0] ^ 0b101
    assert restored.near(probe) == index.near(probe)
    as_hex = PhashIndex.from_pairs([(format_phash(h), o) for h, o in index.to_pairs()])
    assert as_hex.to_pairs() == index.to_pairs()


def test_lookup_reads_a_small_fraction_of_100k_hashes() -> None:
    rng = random.Random(1)
    index = PhashIndex()
    for i in range(100_000):
        index.add(rng.getrandbits(64), f"s{i}")
    query = rng.getrandbits(64)
    assert len(index._candidates(query)) < 100_000 / 200


@pytest.mark.parametrize("max_distance", [0, 3, 6, 10])
def test_small_and_grown_index_equal_a_scan(max_distance: int) -> None:
    rng = random.Random(max_distance)
    index = PhashIndex(max_distance)
    centre = rng.getrandbits(64)
    pairs: list[tuple[int, str]] = []
    for size in (50, 400, 3000):
        while len(pairs) < size:
            h = flip(rng, centre, rng.randint(0, 14)) if rng.random() < 0.3 else (
                rng.getrandbits(64))
            pairs.append((h, f"o{len(pairs) % 7}"))
            index.add(h, pairs[-1][1])
        for _ in range(30):
            query = flip(rng, centre, rng.randint(0, 4))
            assert index.near(query) == brute_force(pairs, query, max_distance)


def test_a_registry_sized_index_probes_few_buckets() -> None:
    index = PhashIndex()
    rng = random.Random(3)
    for i in range(150):
        index.add(rng.getrandbits(64), f"b{i}")
    assert len(index._masks) == 7 and not any(index._flip_masks)
    for i in range(1000):
        index.add(rng.getrandbits(64), f"s{i}")
    assert len(index._masks) == 4 and all(index._flip_masks)


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
            pairs = [(h, o) for h, owners in stored.items() for o in owners]
            for base in rng.sample(sorted(stored), min(10, len(stored))):
                probe = flip(rng, base, rng.randint(0, 8))
                for limit in (0, 3, 6):
                    assert index.near(probe, limit) == brute_force(pairs, probe, limit)
    assert layouts == {True, False}
