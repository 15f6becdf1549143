"""Listing generation: what each kind of seller puts on the marketplace.

Each tactic returns the title, brand tag, price, images and quantity of a new
listing. Hard negatives (gray market, clearance, accessories, honest sellers in
a brand's category) are built to look like fakes on one signal or another, so a
detector has to combine signals rather than key on one.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from signals.evaluation.simulator.names import (
    ACCESSORY_TEMPLATES,
    CLEARANCE_WORDS,
    COLOURS,
    CONDITION_WORDS,
    FAKE_VOCABULARY,
    GENERIC_PRODUCTS,
    slug,
    typosquat,
)
from signals.evaluation.simulator.world import Brand, Seller, World, random_phash

__all__ = ["INFRINGING_TACTICS", "Draft", "DraftFn", "Listing", "choose_tactic", "make_listing",
           "official_images", "own_photos", "phash_hex", "product_words", "shop_price"]

INFRINGING_TACTICS = frozenset({"blatant_fake", "subtle_fake", "copycat", "stealth_fake"})
_CURRENCY_OF = {"US": "USD", "CA": "USD", "GB": "GBP", "DE": "EUR", "FR": "EUR", "IT": "EUR",
                "ES": "EUR", "NL": "EUR", "PL": "EUR"}


@dataclass(slots=True)
class Listing:
    """A listing as created; ``price`` changes over its life, the rest stays."""

    listing_id: str
    seller: Seller
    created_ms: int
    tactic: str
    title: str
    brand_tag: str | None
    target_brand: str | None
    category: str
    price: float
    currency: str
    retail: float
    quantity: int
    phashes: tuple[str, ...]

    @property
    def infringing(self) -> bool:
        return self.tactic in INFRINGING_TACTICS


@dataclass(frozen=True, slots=True)
class Draft:
    """What a tactic decides about a new listing."""

    title: str
    brand_tag: str | None
    price: float
    phashes: tuple[int, ...]
    quantity: int


#: a marketplace's own version of a branded tactic: (rng, seller, brand, retail) -> draft
DraftFn = Callable[[random.Random, Seller, Brand, float], Draft]


def phash_hex(value: int) -> str:
    """The contract's 16 lower-hex-char form of a 64-bit hash.

    >>> phash_hex(0xABC)
    '0000000000000abc'
    """
    return f"{value:016x}"


def _flip_bits(rng: random.Random, value: int, flips: int) -> int:
    for bit in rng.sample(range(64), k=flips):
        value ^= 1 << bit
    return value


def shop_price(value: float) -> float:
    # shops price at .99 above ten units; cheap goods keep cents as computed
    return float(int(value)) + 0.99 if value >= 10 else max(0.5, round(value, 2))


def official_images(rng: random.Random, brand: Brand, count: int, max_flips: int,
              min_flips: int = 0) -> list[int]:
    picks = rng.sample(brand.official_phashes, k=min(count, len(brand.official_phashes)))
    return [_flip_bits(rng, p, rng.randint(min_flips, max_flips)) for p in picks]


def own_photos(rng: random.Random, low: int, high: int) -> list[int]:
    return [random_phash(rng) for _ in range(rng.randint(low, high))]


def product_words(rng: random.Random, brand: Brand) -> tuple[str, str]:
    return rng.choice(brand.protected_terms), rng.choice(brand.spec.nouns)


def _stray_separator(rng: random.Random) -> str:
    # a pasted title now and then carries U+2028/U+0085: line splitting must use \n only
    roll = rng.random()
    return "\u2028" if roll < 0.0007 else "\u0085" if roll < 0.0012 else " "


def _genuine(rng: random.Random, seller: Seller, category: str) -> Draft:
    nouns, (low, high) = GENERIC_PRODUCTS[category]
    noun, colour = rng.choice(nouns), rng.choice(COLOURS)
    own = seller.own_brand
    title = f"{own} {noun} - {colour}" if own else f"{noun},{_stray_separator(rng)}{colour}"
    if rng.random() < 0.3:
        title += rng.choice((" | Free Shipping", " (Pack of 2)", " - New", " - Gift Idea"))
    images = tuple(random_phash(rng) for _ in range(rng.randint(1, 4)))
    return Draft(title, f"brand-{slug(own)}" if own else None, shop_price(rng.uniform(low, high)),
                  images, rng.randint(0, 40))


def _authorized(rng: random.Random, brand: Brand, retail: float) -> Draft:
    term, noun = product_words(rng, brand)
    title = f"{brand.name} {term} {noun} - {rng.choice(COLOURS)}"
    images = (official_images(rng, brand, rng.randint(1, 3), 1)
              + [random_phash(rng)] * rng.randint(0, 1))
    return Draft(title, brand.brand_id, shop_price(retail * rng.uniform(0.92, 1.05)),
                 tuple(images), rng.randint(1, 60))


def _gray_market(rng: random.Random, brand: Brand, retail: float) -> Draft:
    term, noun = product_words(rng, brand)
    suffix = rng.choice(("imported", "international version", "EU import", "new in box",
                         "parallel import", "sealed"))
    title = f"{brand.name} {term} {noun} ({rng.choice(COLOURS)}) - {suffix}"
    images = [random_phash(rng) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.6:
        images += official_images(rng, brand, 1, 2)
    if rng.random() < 0.2:  # some show nothing but the brand's photos
        images = official_images(rng, brand, rng.randint(1, 2), 1)
    return Draft(title, brand.brand_id, shop_price(retail * rng.uniform(0.75, 1.0)), tuple(images),
                  rng.randint(1, 25))


def _clearance(rng: random.Random, brand: Brand, retail: float) -> Draft:
    term, noun = product_words(rng, brand)
    word, discount = rng.choice(CLEARANCE_WORDS), rng.uniform(0.4, 0.6)
    title = rng.choice((f"{word}: {brand.name} {term} {noun} - {rng.choice(COLOURS)}",
                        f"{brand.name} {term} {noun} - {word} {round(discount * 100)}% off"))
    return Draft(title, brand.brand_id, shop_price(retail * (1 - discount)),
                  tuple(official_images(rng, brand, rng.randint(1, 2), 1)), rng.randint(1, 30))


def _authorized_sale(rng: random.Random, brand: Brand, retail: float) -> Draft:
    """An authorized reseller's promotion: a real discount, not always called a sale."""
    draft = _authorized(rng, brand, retail)
    title = draft.title
    if rng.random() < 0.5:
        title += rng.choice((" - SALE", " | Black Friday deal", " - limited offer", " -30%"))
    return Draft(title, draft.brand_tag, shop_price(retail * rng.uniform(0.6, 0.82)),
                  draft.phashes, draft.quantity)


def _pre_owned(rng: random.Random, brand: Brand, retail: float) -> Draft:
    """Used, open-box or refurbished goods: cheap, one of a kind, the seller's own photos."""
    term, noun = product_words(rng, brand)
    title = f"{brand.name} {term} {noun}"
    if rng.random() < 0.88:
        title = rng.choice((f"{title} - {rng.choice(CONDITION_WORDS)}",
                            f"{rng.choice(CONDITION_WORDS)}: {title}"))
    images = own_photos(rng, 1, 4)
    if rng.random() < 0.3:
        images += official_images(rng, brand, 1, 1)
    quantity = 1 if rng.random() < 0.8 else rng.randint(2, 4)
    return Draft(title, brand.brand_id if rng.random() < 0.7 else None,
                  shop_price(retail * rng.uniform(0.4, 0.8)), tuple(images), quantity)


def _retail_genuine(rng: random.Random, brand: Brand, retail: float) -> Draft:
    """A general store's genuine branded line, bought wholesale: retail price, own photos."""
    term, noun = product_words(rng, brand)
    title = f"{brand.name} {term} {noun} - {rng.choice(COLOURS)}"
    images = own_photos(rng, 1, 3)
    if rng.random() < 0.3:
        images += official_images(rng, brand, 1, 1)
    return Draft(title, brand.brand_id if rng.random() < 0.6 else None,
                  shop_price(retail * rng.uniform(0.88, 1.1)), tuple(images), rng.randint(1, 12))


def _accessory(rng: random.Random, seller: Seller, brand: Brand) -> Draft:
    term = rng.choice(brand.protected_terms)
    title = rng.choice(ACCESSORY_TEMPLATES[brand.spec.category]).format(brand=brand.name, term=term)
    images = tuple(random_phash(rng) for _ in range(rng.randint(1, 3)))
    stock = rng.randint(20, 800) if seller.kind == "accessory_maker" else rng.randint(5, 200)
    return Draft(title, None, shop_price(rng.uniform(5.0, 40.0)), images, stock)


def _blatant(rng: random.Random, seller: Seller, brand: Brand, retail: float) -> Draft:
    term, noun = product_words(rng, brand)
    shown = rng.choice((brand.name, *brand.spec.aliases)) if rng.random() < 0.25 else typosquat(
        rng, brand.name)
    vocab = " ".join(rng.sample(FAKE_VOCABULARY, k=rng.randint(1, 2)))
    title = rng.choice((f"{vocab} {shown} {term} {noun}",
                        f"{shown} {term} {noun} {vocab} free shipping",
                        f"{shown} {noun} {vocab} {rng.choice(COLOURS)}", f"{vocab} {shown} {noun}"))
    pool = seller.image_pool or [random_phash(rng)]
    images = rng.sample(pool, k=min(len(pool), rng.randint(1, 4))) if rng.random() < 0.7 else [
        random_phash(rng)]
    if rng.random() < 0.25:
        images += official_images(rng, brand, 1, 0)
    tag = brand.brand_id if rng.random() < 0.4 else None
    return Draft(title, tag, shop_price(retail * rng.uniform(0.10, 0.30)), tuple(images),
                  rng.randint(20, 999))


def _subtle(rng: random.Random, seller: Seller, brand: Brand, retail: float) -> Draft:
    term, noun = product_words(rng, brand)
    title = f"{brand.name} {term} {noun} - {rng.choice(COLOURS)}"
    if rng.random() < 0.15:
        title += rng.choice((" 100% Authentic", " Genuine", " Original"))
    images = official_images(rng, brand, rng.randint(1, 3), 4)
    if seller.image_pool and rng.random() < 0.4:
        images.append(rng.choice(seller.image_pool))
    return Draft(title, brand.brand_id, shop_price(retail * rng.uniform(0.60, 0.85)), tuple(images),
                  rng.randint(5, 200))


def _copycat(rng: random.Random, seller: Seller, brand: Brand, retail: float) -> Draft:
    term, noun = product_words(rng, brand)
    if rng.random() < 0.25 and " " not in term and len(term) > 5:
        term = f"{term[:len(term) // 2]} {term[len(term) // 2:]}"
    own = seller.own_brand
    colour = rng.choice(COLOURS)
    title = rng.choice((f"{own} {term} {noun} - {colour}" if own else f"{term} {noun}",
                        f"{term} Style {noun}, {colour}", f"{term} {noun} for Men & Women"))
    images = [random_phash(rng) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.3:
        images += official_images(rng, brand, 1, 8)
    tag = f"brand-{slug(own)}" if own and rng.random() < 0.7 else None
    return Draft(title, tag, shop_price(retail * rng.uniform(0.25, 0.6)), tuple(images),
                  rng.randint(10, 500))


def _stealth(rng: random.Random, seller: Seller, brand: Brand, retail: float) -> Draft:
    """A counterfeit without the obvious tells: near retail, a clean title, the brand's
    photos edited (cropped, re-coloured, watermark removed), an aged account."""
    term, noun = product_words(rng, brand)
    title = f"{brand.name} {term} {noun} - {rng.choice(COLOURS)}"
    if rng.random() < 0.2:
        title += rng.choice((" - Authentic", " New with tags", " Genuine", " Fast dispatch"))
    images = official_images(rng, brand, rng.randint(1, 3), 7, min_flips=3)
    if rng.random() < 0.25:
        images += own_photos(rng, 1, 1)
    return Draft(title, brand.brand_id if rng.random() < 0.85 else None,
                  shop_price(retail * rng.uniform(0.8, 0.98)), tuple(images), rng.randint(15, 400))


_COVER = {"blatant_counterfeiter": 0.12, "subtle_counterfeiter": 0.1, "copycat": 0.15,
          "stealth_counterfeiter": 0.1}
_FAKE_TACTIC = {"blatant_counterfeiter": "blatant_fake", "subtle_counterfeiter": "subtle_fake",
                "stealth_counterfeiter": "stealth_fake", "copycat": "copycat"}


def choose_tactic(rng: random.Random, seller: Seller, brand: Brand | None,
                  created_ms: int = 0, shifted: bool = False) -> str:
    """The tactic of the next listing of ``seller`` about ``brand`` (if any); ``shifted``:
    after a scenario's tactic change (``tactic_shift``), when blatant counterfeiters
    turn subtle."""
    kind = seller.kind
    if kind in _COVER:
        # bad actors list some ordinary goods too, so seller and listing labels differ
        if rng.random() < _COVER[kind]:
            return "genuine"
        if seller.drift_at_ms is not None and created_ms >= seller.drift_at_ms:
            return "stealth_fake"
        if shifted and kind == "blatant_counterfeiter":
            return "subtle_fake"
        return _FAKE_TACTIC[kind]
    if kind in ("honest", "abused_honest"):
        accessory_ok = brand is not None and brand.spec.category in ACCESSORY_TEMPLATES
        return "accessory" if accessory_ok and rng.random() < 0.3 else "genuine"
    simple = {"gray_market": "gray_market", "refurbisher": "pre_owned",
              "accessory_maker": "accessory"}
    if kind in simple:
        return simple[kind]
    if kind == "general_store":
        return "retail_genuine" if rng.random() < 0.35 else "genuine"
    if kind == "clearance":
        return "clearance" if rng.random() < 0.6 else "authorized_reseller"
    roll = rng.random()
    return "clearance" if roll < 0.04 else "authorized_sale" if roll < 0.2 else (
        "authorized_reseller")


def _draft(rng: random.Random, tactic: str, seller: Seller, brand: Brand | None,
           category: str, retail: float, market: Mapping[str, DraftFn] | None) -> Draft:
    if brand is None or tactic == "genuine":
        return _genuine(rng, seller, category)
    if market is not None and tactic in market:
        return market[tactic](rng, seller, brand, retail)
    if tactic == "accessory":
        return _accessory(rng, seller, brand)
    makers = {"authorized_reseller": _authorized, "gray_market": _gray_market,
              "clearance": _clearance, "authorized_sale": _authorized_sale,
              "pre_owned": _pre_owned, "retail_genuine": _retail_genuine}
    if tactic in makers:
        return makers[tactic](rng, brand, retail)
    fakes = {"blatant_fake": _blatant, "subtle_fake": _subtle, "copycat": _copycat,
             "stealth_fake": _stealth}
    return fakes[tactic](rng, seller, brand, retail)


def make_listing(rng: random.Random, world: World, seller: Seller, created_ms: int,
                 shifted: bool = False, market: Mapping[str, DraftFn] | None = None) -> Listing:
    """A new listing by ``seller`` at ``created_ms``, with its ground-truth tactic
    (``shifted``: see :func:`choose_tactic`; ``market``: tactics this marketplace
    carries out its own way, by tactic name)."""
    brand_id = rng.choice(seller.brand_ids) if seller.brand_ids else None
    brand = world.brand_at(brand_id, created_ms) if brand_id else None
    if seller.kind == "honest" and brand is None:
        accessory_brands = [b for b in world.brands.values()
                            if b.spec.category in seller.categories]
        brand = rng.choice(accessory_brands) if accessory_brands else None
    tactic = choose_tactic(rng, seller, brand, created_ms, shifted)
    branded = brand is not None and tactic != "genuine"
    category = brand.spec.category if brand and branded else rng.choice(seller.categories)
    retail = brand.reference_price * rng.uniform(0.75, 1.3) if brand else 0.0
    draft = _draft(rng, tactic, seller, brand, category, retail, market)
    generic = tactic == "genuine"
    currency = _CURRENCY_OF.get(seller.ship_from, "USD") if generic or tactic == "accessory" else (
        brand.spec.currency if brand else "USD")
    return Listing(listing_id=world.mint.new("l-", 48), seller=seller, created_ms=created_ms,
                   tactic=tactic, title=draft.title, brand_tag=draft.brand_tag,
                   target_brand=None if generic or brand is None else brand.brand_id,
                   category=category, price=draft.price, currency=currency,
                   retail=round(retail, 2), quantity=draft.quantity,
                   phashes=tuple(phash_hex(p) for p in draft.phashes[:20]))
