"""When sellers list: steady for honest and careful sellers, bursts for counterfeiters."""

from __future__ import annotations

import itertools
import random

from signals.evaluation.simulator.schedule import listing_times
from signals.evaluation.simulator.timefmt import DAY_MS, HOUR_MS, MINUTE_MS
from signals.evaluation.simulator.world import Seller

DAYS = 30


def _seller(kind: str, careful: bool = False, in_flood: bool = False,
            active_from: int = 0) -> Seller:
    return Seller("s", kind, 0, "US", active_from, listings_per_day=9.0, careful=careful,
                  in_flood=in_flood)


def _gaps(times: list[int]) -> list[int]:
    return [b - a for a, b in itertools.pairwise(times)]


def test_times_are_sorted_within_the_activity_window() -> None:
    for seller in (_seller("honest", active_from=DAY_MS), _seller("blatant_counterfeiter")):
        times = listing_times(random.Random(3), seller, DAYS * DAY_MS)
        assert times == sorted(times)
        assert all(seller.active_from_ms <= t < DAYS * DAY_MS for t in times)
    assert listing_times(random.Random(3), _seller("honest", active_from=DAY_MS), DAY_MS) == []


def test_counterfeiters_list_in_bursts_and_honest_sellers_do_not() -> None:
    def short_gap_share(seller: Seller) -> float:
        gaps = _gaps(listing_times(random.Random(8), seller, DAYS * DAY_MS))
        return sum(g <= 15 * MINUTE_MS for g in gaps) / len(gaps)

    assert short_gap_share(_seller("blatant_counterfeiter")) > 0.7
    assert short_gap_share(_seller("honest")) < 0.2
    assert short_gap_share(_seller("subtle_counterfeiter", careful=True)) < 0.2


def test_the_rate_is_about_the_seller_s_listings_per_day() -> None:
    counts = [len(listing_times(random.Random(seed), _seller("honest"), DAYS * DAY_MS))
              for seed in range(5)]
    assert all(0.7 * 9 * DAYS < n < 1.3 * 9 * DAYS for n in counts)


def test_a_flood_seller_lists_at_once() -> None:
    seller = _seller("blatant_counterfeiter", in_flood=True, active_from=5 * HOUR_MS)
    for seed in range(5):
        assert listing_times(random.Random(seed), seller, DAYS * DAY_MS)[0] == 5 * HOUR_MS
