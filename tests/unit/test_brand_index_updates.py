"""A brand index updated in place answers exactly like one built from scratch."""

from __future__ import annotations

import random

import pytest

from signals.contract.events import BrandEvent
from signals.features.titles.index.brand_index import BrandIndex

_SYLLABLES = ("vel", "mo", "ra", "nor", "th", "peak", "ri", "dge", "line", "sum", "mit", "ka",
              "iro", "lu", "ne", "ster", "ion", "ax")


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4))).capitalize()


def _brand(rng: random.Random, brand_id: str, ts: float) -> BrandEvent:
    return BrandEvent(f"e-{brand_id}-{ts}", "t", ts, brand_id, _word(rng),
                      aliases=tuple(_word(rng) for _ in range(rng.randint(0, 2))),
                      protected_terms=tuple(f"{_word(rng)} {rng.choice(['', 'Pro', '7'])}".strip()
                                            for _ in range(rng.randint(0, 3))))


def _disguise(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(0, 2)):
        i = rng.randrange(len(chars))
        chars[i] = rng.choice(["", chars[i] * 2, "1", "0", " ", chars[i].upper()])
    return "".join(chars)


def _titles(rng: random.Random, brands: list[BrandEvent], n: int) -> list[str]:
    out = []
    for _ in range(n):
        b = rng.choice(brands)
        term = rng.choice([b.name, *b.aliases, *b.protected_terms])
        out.append(f"{_word(rng)} {_disguise(rng, term)} {_word(rng)} for {_word(rng)}")
    return out


@pytest.mark.parametrize("seed", range(8))
def test_updates_in_place_match_a_fresh_index(seed: int) -> None:
    rng = random.Random(seed)
    brands = {f"b{i}": _brand(rng, f"b{i}", 0.0) for i in range(12)}
    index = BrandIndex.from_brands(brands.values())
    titles = _titles(rng, list(brands.values()), 150)
    for title in titles:
        index.match_title(title)  # fill the remembered lookups and verdicts
    for step in range(1, 6):
        target = rng.choice(sorted(brands))
        if rng.random() < 0.3:
            index.remove(target)
            del brands[target]
        else:
            brands[target] = _brand(rng, target, float(step))
            index.upsert(brands[target])
        titles += _titles(rng, list(brands.values()) or [_brand(rng, "x", 0.0)], 30)
        fresh = BrandIndex.from_brands(brands.values())
        assert [index.match_title(t) for t in titles] == [fresh.match_title(t) for t in titles]


def test_a_new_brand_spelled_like_a_cached_typo_is_that_brand_now() -> None:
    velmora = BrandEvent("e1", "t", 0.0, "v", "Velmora")
    index = BrandIndex.from_brands([velmora])
    assert [(m.brand_id, m.match_kind) for m in index.match_title("Velmorra bag")] == [
        ("v", "typo")]
    index.upsert(BrandEvent("e2", "t", 1.0, "w", "Velmorra"))
    assert [(m.brand_id, m.match_kind) for m in index.match_title("Velmorra bag")] == [
        ("w", "exact")]
    index.remove("w")
    assert [(m.brand_id, m.match_kind) for m in index.match_title("Velmorra bag")] == [
        ("v", "typo")]
