"""Named simulator configurations (``--scenario``).

A scenario fixes the seller population (per kind, at scale 1), whether a
counterfeit flood hits one brand, and whether tactics change mid-stream
(``drift``: at 35 % of the span every blatant counterfeiter switches to subtle
fakes, and each counterfeiter turns stealthy at its own time between 35 % and
65 %, with near-retail prices, clean titles and edited official photos).
``scale`` multiplies every population except the brands' own stores, which
stay one per brand.

``other_market`` is a marketplace the rule prior was not written for (see
:mod:`signals.evaluation.simulator.other_market`): a cross-border catalogue
marketplace where honest resellers show the catalogue's official photos and
run platform sales, and counterfeiters, kept off typos and replica vocabulary
by keyword filters, show photos of their own stock and ship deep stock from
abroad. Its populations lean to gray-market importers and careful fakes.

>>> cfg = scenario_config("brand_flood", seed=7, days=2.0, scale=0.5)
>>> cfg.flood, cfg.population["blatant_counterfeiter"], cfg.start_time
(True, 18, '2026-11-01T00:00:00.000Z')
>>> scenario_config("nope", seed=1, days=1.0, scale=1.0)
Traceback (most recent call last):
...
ValueError: unknown scenario 'nope'; choose one of: brand_flood, copycat, drift, mixed, \
other_market, subtle
>>> scenario_config("other_market", seed=1, days=1.0, scale=1.0).market
'other'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from signals.evaluation.simulator.timefmt import rfc3339

__all__ = [
    "BAD_KINDS",
    "SCENARIOS",
    "SELLER_KINDS",
    "START_MS",
    "SimConfig",
    "scenario_config",
]

#: 2026-11-01T00:00:00Z in epoch milliseconds: a fixed start keeps files reproducible
START_MS = 1_793_491_200_000

SELLER_KINDS: tuple[str, ...] = (
    "honest", "authorized_reseller", "gray_market", "clearance", "abused_honest",
    "refurbisher", "accessory_maker", "general_store",
    "blatant_counterfeiter", "subtle_counterfeiter", "copycat", "stealth_counterfeiter",
)
BAD_KINDS = frozenset({"blatant_counterfeiter", "subtle_counterfeiter", "copycat",
                       "stealth_counterfeiter"})

# Honest look-alikes make up about a third of the sellers who trade on registered
# brands, as on a real marketplace: gray-market importers, authorized resellers
# running sales, used-goods and accessory shops, general stores that stock a few
# branded lines, and honest sellers whom an over-reporting rights owner targets.
_MIXED: dict[str, int] = {
    "honest": 240, "authorized_reseller": 20, "gray_market": 30, "clearance": 8,
    "abused_honest": 14, "refurbisher": 14, "accessory_maker": 12, "general_store": 16,
    "blatant_counterfeiter": 36, "subtle_counterfeiter": 16, "copycat": 14,
    "stealth_counterfeiter": 10,
}

SCENARIOS: dict[str, dict[str, int]] = {
    "mixed": _MIXED,
    "brand_flood": _MIXED,
    # the hard case: fakes that look like genuine goods among many look-alike honest sellers
    "subtle": {**_MIXED, "gray_market": 44, "clearance": 14, "abused_honest": 22,
               "refurbisher": 20, "general_store": 22, "blatant_counterfeiter": 5,
               "subtle_counterfeiter": 34, "copycat": 4, "stealth_counterfeiter": 22},
    "copycat": {**_MIXED, "blatant_counterfeiter": 5, "subtle_counterfeiter": 4, "copycat": 44,
                "stealth_counterfeiter": 4},
    # tactics change mid-stream: blatant and subtle counterfeiters turn stealthy
    "drift": _MIXED,
    # a marketplace the rules were not written for: importers and careful fakes abound
    "other_market": {**_MIXED, "gray_market": 50, "clearance": 10, "general_store": 24,
                     "blatant_counterfeiter": 14, "subtle_counterfeiter": 30, "copycat": 10,
                     "stealth_counterfeiter": 20},
}


@dataclass(frozen=True, slots=True)
class SimConfig:
    """Everything that determines a simulated file; equal configs give equal bytes."""

    seed: int
    scenario: str
    days: float
    scale: float
    population: Mapping[str, int] = field(default_factory=dict)
    flood: bool = False
    #: counterfeiters switch to near-retail prices and edited official photos mid-stream
    drift: bool = False
    flood_sellers: tuple[int, int] = (15, 30)
    bad_record_rate: float = 0.002
    duplicate_rate: float = 0.01
    start_ms: int = START_MS
    #: share of the run after which blatant counterfeiters list subtle fakes instead
    tactic_shift: float | None = None
    #: ``home`` (the marketplace the rule prior was written for) or ``other``
    #: (:mod:`signals.evaluation.simulator.other_market`)
    market: str = "home"

    @property
    def end_ms(self) -> int:
        return self.start_ms + round(self.days * 86_400_000)

    @property
    def shift_ms(self) -> int | None:
        """When tactics change (``tactic_shift``), or None."""
        if self.tactic_shift is None:
            return None
        return self.start_ms + round(self.days * 86_400_000 * self.tactic_shift)

    @property
    def start_time(self) -> str:
        return rfc3339(self.start_ms)


def scenario_config(name: str, *, seed: int, days: float, scale: float,
                    bad_record_rate: float = 0.002) -> SimConfig:
    """Build the configuration of scenario ``name`` (see module docstring)."""
    if name not in SCENARIOS:
        known = ", ".join(sorted(SCENARIOS))
        raise ValueError(f"unknown scenario {name!r}; choose one of: {known}")
    if days <= 0 or scale <= 0:
        raise ValueError("days and scale must be positive")
    population = {kind: max(1, round(count * scale)) if count else 0
                  for kind, count in SCENARIOS[name].items()}
    return SimConfig(seed=seed, scenario=name, days=float(days), scale=float(scale),
                     population=population, flood=name == "brand_flood", drift=name == "drift",
                     bad_record_rate=bad_record_rate,
                     # the first counterfeiters turn stealthy at 35 % of the span
                     tactic_shift=0.35 if name == "drift" else None,
                     market="other" if name == "other_market" else "home")
