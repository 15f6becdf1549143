"""The simulated marketplace's cast: the brand registry and the seller population.

``build_world`` is deterministic in its ``random.Random``. Sellers carry the
ground truth (``kind``) that detection must recover from behaviour alone;
their ids are opaque random strings so nothing leaks through a name.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from signals.evaluation.simulator.names import BRAND_CATALOGUE, BrandSpec, own_brand_name, slug
from signals.evaluation.simulator.scenarios import BAD_KINDS, SimConfig
from signals.evaluation.simulator.timefmt import DAY_MS, HOUR_MS

__all__ = ["Brand", "IdMint", "Seller", "World", "build_world", "random_phash"]

_HONEST_COUNTRIES = ("US", "US", "US", "GB", "DE", "FR", "IT", "ES", "NL", "PL", "CN", "CA")
_FAKE_COUNTRIES = ("CN", "CN", "HK", "HK", "TR", "VN", "MY", "US", "AE", "TH")
#: gray-market goods come from wherever the brand sells cheaper or in surplus
_GRAY_COUNTRIES = ("HK", "JP", "AE", "SG", "KR", "US", "GB", "DE", "IT", "CN")
#: accessory makers are often factories abroad, and honest
_MAKER_COUNTRIES = ("CN", "CN", "CN", "HK", "VN", "US", "DE")
_RATES = {"honest": (0.4, 2.0), "abused_honest": (0.6, 2.0), "authorized_reseller": (1.0, 3.0),
          "gray_market": (0.8, 2.2), "clearance": (1.0, 2.5), "refurbisher": (0.8, 2.5),
          "accessory_maker": (2.0, 5.0), "general_store": (1.0, 3.0),
          "stealth_counterfeiter": (0.8, 2.0)}


def random_phash(rng: random.Random) -> int:
    """A random 64-bit perceptual hash (a photo nobody else took)."""
    return rng.getrandbits(64)


class IdMint:
    """Opaque unique ids: ``prefix`` + random hex, never repeated within a run."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def new(self, prefix: str, bits: int = 48) -> str:
        while True:
            candidate = f"{prefix}{self._rng.getrandbits(bits):0{bits // 4}x}"
            if candidate not in self._used:
                self._used.add(candidate)
                return candidate


@dataclass(frozen=True, slots=True)
class Brand:
    """One version of a registered brand (a ``brand.v1`` record)."""

    brand_id: str
    spec: BrandSpec
    official_phashes: tuple[int, ...]
    authorized: tuple[str, ...]
    protected_terms: tuple[str, ...]
    reference_price: float
    over_reports: bool = False

    @property
    def name(self) -> str:
        return self.spec.name


@dataclass(slots=True)
class Seller:
    """A seller account and the behaviour the generator gives it."""

    seller_id: str
    kind: str
    since_ms: int
    ship_from: str
    active_from_ms: int
    listings_per_day: float
    brand_ids: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    own_brand: str | None = None
    image_pool: list[int] = field(default_factory=list)
    careful: bool = False
    in_flood: bool = False
    #: from this time on (drift scenario) the seller's fakes turn stealthy
    drift_at_ms: int | None = None

    @property
    def bad(self) -> bool:
        return self.kind in BAD_KINDS


@dataclass(slots=True)
class World:
    """Brands (with their mid-stream versions) and sellers."""

    brands: dict[str, Brand]
    sellers: list[Seller]
    mint: IdMint
    brand_updates: list[tuple[int, Brand]] = field(default_factory=list)
    #: which marketplace's listing habits (SimConfig.market)
    market: str = "home"

    def brand_at(self, brand_id: str, time_ms: int) -> Brand:
        """The registry version of ``brand_id`` in force at ``time_ms``."""
        current = self.brands[brand_id]
        for at, version in self.brand_updates:
            if at <= time_ms and version.brand_id == brand_id:
                current = version
        return current


def _make_brands(rng: random.Random) -> dict[str, Brand]:
    brands: dict[str, Brand] = {}
    over_reporters = set(rng.sample(range(len(BRAND_CATALOGUE)), k=3))
    for index, spec in enumerate(BRAND_CATALOGUE):
        phashes = tuple(random_phash(rng) for _ in range(rng.randint(3, 8)))
        brand = Brand(brand_id=f"brand-{slug(spec.name)}", spec=spec, official_phashes=phashes,
                      authorized=(), protected_terms=spec.protected_terms,
                      reference_price=spec.reference_price, over_reports=index in over_reporters)
        brands[brand.brand_id] = brand
    return brands


def _since(rng: random.Random, at_ms: int, young: bool) -> int:
    days = rng.uniform(0.5, 45.0) if young else rng.uniform(120.0, 3000.0)
    return at_ms - round(days * DAY_MS)


def _country(rng: random.Random, kind: str, bad: bool, market: str = "home") -> str:
    if market == "other":
        return _other_market_country(rng, kind, bad)
    if kind == "gray_market":
        return rng.choice(_GRAY_COUNTRIES)
    if kind == "accessory_maker":
        return rng.choice(_MAKER_COUNTRIES)
    if kind == "stealth_counterfeiter":  # ships from where the brand's buyers expect
        return rng.choice(_FAKE_COUNTRIES if rng.random() < 0.35 else _HONEST_COUNTRIES)
    return rng.choice(_FAKE_COUNTRIES if bad and rng.random() < 0.75 else _HONEST_COUNTRIES)


def _other_market_country(rng: random.Random, kind: str, bad: bool) -> str:
    """On the other marketplace importers hold stock in the buyers' country (gray-market
    goods arrive in bulk and ship domestically), and fakes ship from the factories."""
    if bad:
        return rng.choice(_FAKE_COUNTRIES if rng.random() < 0.8 else _HONEST_COUNTRIES)
    if kind == "gray_market":
        return rng.choice(_GRAY_COUNTRIES if rng.random() < 0.3 else _HONEST_COUNTRIES)
    if kind == "accessory_maker":
        return rng.choice(_MAKER_COUNTRIES)
    return rng.choice(_HONEST_COUNTRIES)


def _new_seller(rng: random.Random, mint: IdMint, cfg: SimConfig, kind: str) -> Seller:
    bad = kind in BAD_KINDS
    # stealth counterfeiters are careful by definition: aged accounts, steady listing
    careful = kind == "stealth_counterfeiter" or (
        bad and rng.random() < (0.35 if kind == "subtle_counterfeiter" else 0.2))
    # new shops open every day, so account age alone must not separate good from bad;
    # gray-market importers and used-goods shops have long histories
    young_rate = {"gray_market": 0.0, "refurbisher": 0.03, "accessory_maker": 0.3}
    young = rng.random() < (0.8 if bad and not careful else 0.0 if careful
                            else young_rate.get(kind, 0.12))
    low, high = _RATES.get(kind, (2.0, 5.0))
    rate = rng.uniform(low, high)
    since = _since(rng, cfg.start_ms, young)
    return Seller(seller_id=mint.new("s-", 40), kind=kind, since_ms=since,
                  ship_from=_country(rng, kind, bad, cfg.market), active_from_ms=cfg.start_ms,
                  listings_per_day=rate / 3.0 if careful and kind != "stealth_counterfeiter"
                  else rate, careful=careful)


def _pick_brands(rng: random.Random, brands: list[Brand], low: int, high: int) -> list[str]:
    return [b.brand_id for b in rng.sample(brands, k=min(len(brands), rng.randint(low, high)))]


def _authorize(brands: dict[str, Brand], seller: Seller) -> None:
    for brand_id in seller.brand_ids:
        brand = brands[brand_id]
        brands[brand_id] = replace(brand, authorized=(*brand.authorized, seller.seller_id))


def _cast_seller(rng: random.Random, seller: Seller, brands: dict[str, Brand]) -> None:
    """Give ``seller`` the brands/categories/images its kind works with."""
    pool = list(brands.values())
    kind = seller.kind
    if kind in ("honest", "abused_honest"):
        categories = {rng.choice(pool).spec.category for _ in range(rng.randint(1, 2))}
        if kind == "abused_honest":
            # trades in an over-reporting brand's category, so its owner files against it
            abuser = rng.choice([b for b in pool if b.over_reports])
            seller.brand_ids = [abuser.brand_id]
            categories.add(abuser.spec.category)
        seller.categories = sorted(categories)
        seller.own_brand = own_brand_name(rng) if rng.random() < 0.35 else None
    elif kind in ("authorized_reseller", "clearance"):
        seller.brand_ids = _pick_brands(rng, pool, 1, 3 if kind == "authorized_reseller" else 2)
        _authorize(brands, seller)
    elif kind in ("gray_market", "refurbisher"):
        # gray-market arbitrage and used goods pay only on pricier goods
        pricey = sorted(pool, key=lambda b: -b.reference_price)[:15]
        seller.brand_ids = _pick_brands(rng, pricey, 1, 4 if kind == "gray_market" else 3)
    elif kind == "accessory_maker":
        seller.brand_ids = _pick_brands(rng, pool, 2, 6)
    elif kind == "general_store":
        # mostly unbranded goods, plus a few genuine branded lines bought wholesale
        seller.brand_ids = _pick_brands(rng, pool, 1, 2)
        seller.categories = sorted({rng.choice(pool).spec.category,
                                    *(brands[b].spec.category for b in seller.brand_ids)})
    elif kind == "copycat":
        seller.brand_ids = _pick_brands(rng, pool, 1, 3)
        seller.own_brand = own_brand_name(rng) if rng.random() < 0.6 else None
    else:
        many = {"subtle_counterfeiter": 3, "stealth_counterfeiter": 2}.get(kind, 5)
        seller.brand_ids = _pick_brands(rng, pool, 1, many)
    if not seller.categories:
        seller.categories = sorted({brands[b].spec.category for b in seller.brand_ids})


def _form_networks(rng: random.Random, sellers: list[Seller]) -> None:
    """Counterfeiters work in rings that share product photos and often brands."""
    crooks = [s for s in sellers if s.kind in ("blatant_counterfeiter", "subtle_counterfeiter")]
    rng.shuffle(crooks)
    while crooks:
        size = 1 if rng.random() < 0.2 else rng.randint(2, 7)
        ring, crooks = crooks[:size], crooks[size:]
        shared_images = [random_phash(rng) for _ in range(rng.randint(6, 20))]
        shared_brand = ring[0].brand_ids[0]
        for member in ring:
            member.image_pool = shared_images
            if shared_brand not in member.brand_ids:
                member.brand_ids.append(shared_brand)


def build_world(rng: random.Random, cfg: SimConfig, mint: IdMint) -> World:
    """Brands, brand stores, the seller population of ``cfg`` and its networks."""
    brands = _make_brands(rng)
    sellers: list[Seller] = []
    for brand_id in list(brands):
        store = _new_seller(rng, mint, cfg, "authorized_reseller")
        store.brand_ids = [brand_id]
        _authorize(brands, store)
        sellers.append(store)
    for kind, count in cfg.population.items():
        for _ in range(count):
            seller = _new_seller(rng, mint, cfg, kind)
            _cast_seller(rng, seller, brands)
            sellers.append(seller)
    _form_networks(rng, sellers)
    if cfg.drift:
        _schedule_drift(rng, sellers, cfg)
    for brand_id in rng.sample(sorted(brands), k=4):
        # no list known: the registry cannot tell gray-market from authorized here
        brands[brand_id] = replace(brands[brand_id], authorized=())
    world = World(brands=brands, sellers=sellers, mint=mint, market=cfg.market)
    _schedule_brand_updates(rng, world, cfg)
    return world


def _schedule_drift(rng: random.Random, sellers: list[Seller], cfg: SimConfig) -> None:
    """Counterfeiters learn what gets caught: from a point mid-stream they price near
    retail, drop the vocabulary and show edited official photos."""
    span = cfg.end_ms - cfg.start_ms
    for seller in sellers:
        if seller.kind in ("blatant_counterfeiter", "subtle_counterfeiter"):
            seller.drift_at_ms = cfg.start_ms + round(span * rng.uniform(0.35, 0.65))


def _schedule_brand_updates(rng: random.Random, world: World, cfg: SimConfig) -> None:
    """Mid-stream registry changes: product launches and newly authorized resellers."""
    span = cfg.end_ms - cfg.start_ms
    for brand_id in rng.sample(sorted(world.brands), k=4):
        at = cfg.start_ms + round(span * rng.uniform(0.2, 0.8))
        brand = world.brand_at(brand_id, at)
        if rng.random() < 0.5 or not brand.authorized:
            term = f"{brand.spec.protected_terms[0]} {rng.choice(('II', 'Neo', 'Max', 'Lite'))}"
            update = replace(brand, protected_terms=(*brand.protected_terms, term),
                             official_phashes=(*brand.official_phashes, random_phash(rng)),
                             reference_price=round(brand.reference_price * 1.05, 2))
        else:
            newcomer = _new_seller(rng, world.mint, cfg, "authorized_reseller")
            newcomer.brand_ids, newcomer.active_from_ms = [brand_id], at + HOUR_MS
            newcomer.categories = [brand.spec.category]
            world.sellers.append(newcomer)
            update = replace(brand, authorized=(*brand.authorized, newcomer.seller_id))
        world.brand_updates.append((at, update))
    world.brand_updates.sort(key=lambda pair: pair[0])
