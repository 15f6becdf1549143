"""When sellers create listings.

Honest sellers and careful bad actors list at a steady random rate (a Poisson
process). Most counterfeiters list in bursts: a dozen listings in an hour,
then silence, which is itself a signal a detector can use.

>>> import random
>>> from signals.evaluation.simulator.world import Seller
>>> seller = Seller("s-1", "honest", 0, "US", 0, listings_per_day=24.0)
>>> times = listing_times(random.Random(1), seller, 86_400_000)
>>> 10 < len(times) < 45 and times == sorted(times) and times[-1] < 86_400_000
True
"""

from __future__ import annotations

import random

from signals.evaluation.simulator.timefmt import DAY_MS, MINUTE_MS
from signals.evaluation.simulator.world import Seller

__all__ = ["listing_times"]


def _steady(rng: random.Random, start: int, end: int, per_day: float) -> list[int]:
    times: list[int] = []
    when = start + round(rng.expovariate(per_day / DAY_MS))
    while when < end:
        times.append(when)
        when += max(1, round(rng.expovariate(per_day / DAY_MS)))
    return times


def _burst(rng: random.Random, start: int, end: int) -> list[int]:
    times, when = [], start
    for _ in range(rng.randint(4, 14)):
        if when >= end:
            break
        times.append(when)
        when += rng.randint(MINUTE_MS // 2, 15 * MINUTE_MS)
    return times


def listing_times(rng: random.Random, seller: Seller, end_ms: int) -> list[int]:
    """Sorted creation times (epoch ms, before ``end_ms``) of ``seller``'s listings."""
    start = seller.active_from_ms
    if start >= end_ms:
        return []
    if not seller.bad or seller.careful:
        return _steady(rng, start, end_ms, seller.listings_per_day)
    # a burst holds ~9 listings on average, so bursts come at a ninth of the listing rate
    burst_starts = _steady(rng, start, end_ms, seller.listings_per_day / 9.0)
    if seller.in_flood:
        burst_starts = [start, *burst_starts]
    elif not burst_starts and rng.random() < 0.5:
        burst_starts = [rng.randint(start, end_ms - 1)]
    times: list[int] = []
    for burst_start in burst_starts:
        times.extend(_burst(rng, burst_start, end_ms))
    return sorted(times)
