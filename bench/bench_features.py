"""Speed of the listing signal primitives against naive loops, measured in one run.

Run: .venv/bin/python bench/bench_features.py [--brands 10000] [--titles 2000]
     [--naive-titles 5] [--hashes 100000] [--queries 2000] [--seed 1]

Part 1 builds a :class:`BrandIndex` of generated brands (name, sometimes an
alias, one to three protected terms) and times ``match_title`` on 60-120
character titles (cold: caches emptied before every title; as a stream; and
the same titles again). The titles draw filler from a small vocabulary, so
the stream figure flatters; the cold one does not. The titles: some mention
a brand correctly, some with a typo or a look-alike character, some name a
protected term in an accessory listing, some mention nothing. The baseline
is ``scan_title``, the same checks run against every registered term (a loop
over the registry), on a few titles; it also serves as the oracle the
index's answers are compared with.

Part 2 times ``PhashIndex.near`` (threshold 6 bits) over 100k hashes against
a linear scan of the same hashes.
"""

from __future__ import annotations

import argparse
import random
import time
import tracemalloc
from collections.abc import Callable

from signals.contract.events import BrandEvent
from signals.features.phash import PhashIndex, hamming
from signals.features.titles.index.brand_index import BrandIndex, TermMatch

__all__ = ["main"]

_CONSONANTS = "bcdfghjklmnprstvwxz"
_CLUSTERS = ("br", "cr", "dr", "fl", "gr", "kr", "pl", "st", "tr", "th", "sh", "ch", "qu", "sk")
_VOWELS = "aeiouy"
_CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"}
_DIGITS = {"o": "0", "l": "1", "i": "1", "e": "3", "a": "4", "s": "5", "t": "7"}
_NOUNS = ("leather handbag", "running shoes", "wireless headphones", "automatic watch",
          "eau de parfum 100ml", "fleece jacket", "crossbody bag", "sunglasses",
          "power bank 20000mAh", "scented candle", "down parka", "mechanical keyboard")
_WORDS = ("new", "women", "men", "classic", "premium", "black", "navy", "olive", "size 42",
          "free shipping", "gift idea", "limited edition", "2026", "genuine", "fast delivery",
          "pack of 2", "with box", "unisex", "large", "soft", "travel")


def _word(rng: random.Random, low: int, high: int) -> str:
    target = rng.randint(low, high)
    out = ""
    while len(out) < target:
        out += rng.choice(_CLUSTERS) if rng.random() < 0.25 else rng.choice(_CONSONANTS)
        out += rng.choice(_VOWELS)
    return out[:target].capitalize()


def make_brands(rng: random.Random, n: int) -> list[BrandEvent]:
    brands = []
    for i in range(n):
        name = _word(rng, 4, 10)
        if rng.random() < 0.25:
            name += " " + _word(rng, 3, 7)
        aliases: tuple[str, ...] = ()
        if rng.random() < 0.5:
            aliases = (name.replace(" ", "") if " " in name
                       else f"{name} {rng.choice(('Paris', 'Milano', 'Studio', 'Official'))}",)
        terms = tuple(_word(rng, 4, 9) if rng.random() < 0.6
                      else f"{_word(rng, 3, 6)} {rng.randint(2, 999)}"
                      for _ in range(rng.randint(1, 3)))
        brands.append(BrandEvent(f"e{i}", "2026-01-01T00:00:00Z", 0.0, f"brand-{i}", name,
                                 aliases=aliases, protected_terms=terms))
    return brands


def _trick(rng: random.Random, text: str) -> str:
    # away from spaces: "Hote  Guc" or "HoteGuc" for "Hote Guc" are the same words
    spots = [i for i in range(1, len(text) - 1) if " " not in text[i - 1:i + 2]]
    i = rng.choice(spots)
    kind = rng.choice(("double", "drop", "swap", "split"))
    if kind == "double":
        return text[:i] + text[i] + text[i:]
    if kind == "drop":
        return text[:i] + text[i + 1:]
    if kind == "swap":
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text[:i] + rng.choice((" ", "-", ".")) + text[i:]


def _disguise(rng: random.Random, text: str) -> str:
    table = _CYRILLIC if rng.random() < 0.5 else _DIGITS
    spots = [i for i, c in enumerate(text) if c in table and i > 0]
    if not spots:
        return _trick(rng, text)
    i = rng.choice(spots)
    return text[:i] + table[text[i]] + text[i + 1:]


def make_titles(rng: random.Random, brands: list[BrandEvent],
                n: int) -> list[tuple[str, str, str | None]]:
    """(title, planted kind, brand id) with kind exact/typo/homoglyph/accessory/none."""
    out = []
    for _ in range(n):
        b = rng.choice(brands)
        kind = rng.choices(("exact", "typo", "homoglyph", "accessory", "none"),
                           (30, 20, 10, 10, 30))[0]
        while kind in ("typo", "homoglyph") and len(b.name.replace(" ", "")) < 5:
            b = rng.choice(brands)  # shorter names are matched exactly only, by design
        mention = {"exact": b.name, "typo": _trick(rng, b.name),
                   "homoglyph": _disguise(rng, b.name),
                   "accessory": f"case for {b.protected_terms[0]}", "none": ""}[kind]
        parts = [mention, rng.choice(_NOUNS)] if mention else [rng.choice(_NOUNS)]
        while len(" ".join(parts)) < 60 or rng.random() < 0.3:
            parts.append(rng.choice(_WORDS))
        title = " ".join(parts)[:120]
        out.append((title, kind, b.brand_id if kind != "none" else None))
    return out


def _rate(fn: Callable[[], object], count: int) -> tuple[float, float]:
    start = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - start
    return count / elapsed, elapsed


def bench_titles(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    brands = make_brands(rng, args.brands)
    start = time.perf_counter()
    index = BrandIndex.from_brands(brands)
    build = time.perf_counter() - start
    tracemalloc.start()
    traced = BrandIndex.from_brands(brands)
    memory = tracemalloc.get_traced_memory()[0] / 1e6
    tracemalloc.stop()
    del traced
    titles = make_titles(rng, brands, args.titles)
    print(f"brand index: {len(index)} brands, built in {build:.2f} s, ~{memory:.0f} MB; "
          f"{len(titles)} titles of {min(len(t) for t, _, _ in titles)}-"
          f"{max(len(t) for t, _, _ in titles)} chars")

    def uncached(title: str) -> list[TermMatch]:
        index.clear_memos()
        return index.match_title(title)

    alone, _ = _rate(lambda: [uncached(t) for t, _, _ in titles], len(titles))
    results: list[list[TermMatch]] = []
    cold, _ = _rate(lambda: results.extend(index.match_title(t) for t, _, _ in titles),
                    len(titles))
    warm, _ = _rate(lambda: [index.match_title(t) for t, _, _ in titles], len(titles))
    print(f"  match_title: {alone:,.0f} titles/s with nothing remembered, {cold:,.0f} titles/s "
          f"as a stream (lookups of repeated words remembered), {warm:,.0f} titles/s repeated")
    _report_detection(titles, results)

    sample = titles[:args.naive_titles]
    naive, _ = _rate(lambda: [index.scan_title(t) for t, _, _ in sample], len(sample))
    agree = sum(index.scan_title(t) == index.match_title(t) for t, _, _ in sample)
    print(f"  naive loop over every term (scan_title): {naive:,.2f} titles/s on {len(sample)} "
          f"titles -> index is {alone / naive:,.0f}x faster with nothing remembered; "
          f"same answer on {agree}/{len(sample)}")


def _report_detection(titles: list[tuple[str, str, str | None]],
                      results: list[list[TermMatch]]) -> None:
    tally: dict[str, list[int]] = {}
    for (_, kind, brand_id), matches in zip(titles, results, strict=True):
        kinds = {m.match_kind for m in matches if m.brand_id == brand_id}
        if kind == "none":
            hit = not matches
        elif kind in ("exact", "accessory"):
            hit = "exact" in kinds
        else:
            hit = bool(kinds - {"exact"})
        tally.setdefault(kind, [0, 0])[0] += hit
        tally[kind][1] += 1
    shown = ", ".join(f"{k} {h}/{n}" for k, (h, n) in sorted(tally.items()))
    print(f"  planted mentions found with the right kind (none = no match at all): {shown}")


def bench_phash(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    hashes = [rng.getrandbits(64) for _ in range(args.hashes)]
    index = PhashIndex()
    start = time.perf_counter()
    for i, h in enumerate(hashes):
        index.add(h, f"owner-{i}")
    build = time.perf_counter() - start
    queries = []
    for _ in range(args.queries):
        q = rng.choice(hashes)
        for bit in rng.sample(range(64), rng.randint(0, 8)):
            q ^= 1 << bit
        queries.append(q if rng.random() < 0.5 else rng.getrandbits(64))
    fast, _ = _rate(lambda: [index.near(q, 6) for q in queries], len(queries))
    sample = queries[:max(1, args.queries // 40)]

    def linear(q: int) -> list[int]:
        return sorted(h for h in hashes if hamming(h, q) <= 6)

    slow, _ = _rate(lambda: [linear(q) for q in sample], len(sample))
    agree = sum(sorted(h for h, _, _ in index.near(q, 6)) == linear(q) for q in sample)
    print(f"phash index: {len(index):,} hashes, built in {build:.2f} s")
    print(f"  near(max_distance=6): {fast:,.0f} queries/s; linear scan: {slow:,.1f} queries/s "
          f"-> {fast / slow:,.0f}x faster; same answer on {agree}/{len(sample)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--brands", type=int, default=10_000)
    parser.add_argument("--titles", type=int, default=2_000)
    parser.add_argument("--naive-titles", type=int, default=5)
    parser.add_argument("--hashes", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    bench_titles(args)
    bench_phash(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
