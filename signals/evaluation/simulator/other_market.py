"""A marketplace the rule prior was not written for (scenario ``other_market``).

The rule prior (``signals/model/prior.py``) encodes how honest and counterfeit
listings look on the home marketplace. This module is how they look on a
different one, a cross-border marketplace with a shared product catalogue,
platform-wide sale events and keyword filters at listing time. Each habit
below is common on such marketplaces; together they move the meaning of some
tells the prior relies on, and leave others (complaints, reports, price) as
they were:

* **catalogue photos**: a seller who offers a catalogued product shows the
  catalogue page's photos, which are the brand's official ones. Most honest
  resellers show nothing else; the prior reads official-only images from an
  unauthorized seller as "may not hold the goods".
* **"real shots"**: counterfeiters advertise photos of their own stock
  ("actual product photos") to look like a trustworthy shop; the prior reads
  own photos as evidence for the seller.
* **platform sales**: honest resellers, gray-market importers included, run
  the platform's sale events at 10-40 % off and say so in the title.
* **keyword filters** reject replica vocabulary and most misspelt brand
  names, so the counterfeiters that remain avoid those tells.
* **where stock sits**: importers hold stock in the buyers' country (see
  ``world._other_market_country``); fakes ship deep stock from abroad. The
  prior weighs both weakly.

Each function here is a :data:`~signals.evaluation.simulator.tactics.DraftFn`
for one tactic; :data:`OTHER_MARKET_DRAFTS` maps tactic names to them.

>>> import random
>>> from signals.evaluation.simulator.world import _make_brands, Seller
>>> brand = next(iter(_make_brands(random.Random(3)).values()))
>>> seller = Seller("s-1", "subtle_counterfeiter", 0, "CN", 0, 1.0)
>>> draft = _subtle(random.Random(4), seller, brand, 100.0)
>>> 50 <= draft.price <= 80 and draft.quantity >= 40
True
"""

from __future__ import annotations

import random

from signals.evaluation.simulator.names import COLOURS, FAKE_VOCABULARY, typosquat
from signals.evaluation.simulator.tactics import (
    Draft,
    DraftFn,
    official_images,
    own_photos,
    product_words,
    shop_price,
)
from signals.evaluation.simulator.world import Brand, Seller, random_phash

__all__ = ["OTHER_MARKET_DRAFTS"]

_SALE_TAGS = (" - 11.11 Sale", " | Mega Sale", " - Flash Sale", " (Payday Sale)", " - SALE")


def _catalogue_or_own(rng: random.Random, brand: Brand, catalogue: float) -> list[int]:
    """The catalogue page's photos (the brand's, re-uploaded) with chance ``catalogue``,
    else a few photos of the seller's own stock, sometimes beside one catalogue photo."""
    if rng.random() < catalogue:
        return official_images(rng, brand, rng.randint(1, 3), 1)
    images = own_photos(rng, 1, 4)
    if rng.random() < 0.4:
        images += official_images(rng, brand, 1, 1)
    return images


def _on_sale(rng: random.Random, title: str, retail: float, share: float,
             low: float, high: float) -> tuple[str, float]:
    """A platform sale with chance ``share`` (``low``-``high`` off, said in the title),
    else a price around retail."""
    if rng.random() < share:
        return title + rng.choice(_SALE_TAGS), retail * (1.0 - rng.uniform(low, high))
    return title, retail * rng.uniform(0.85, 1.02)


def _gray_market(rng: random.Random, seller: Seller, brand: Brand, retail: float) -> Draft:
    """A domestic importer of genuine goods: catalogue photos, platform sales."""
    term, noun = product_words(rng, brand)
    title = f"{brand.name} {term} {noun} ({rng.choice(COLOURS)})"
    if rng.random() < 0.3:
        title += rng.choice((" - imported", " - international version", " - parallel import"))
    title, price = _on_sale(rng, title, retail, 0.45, 0.1, 0.4)
    images = _catalogue_or_own(rng, brand, 0.7)
    return Draft(title, brand.brand_id, shop_price(price), tuple(images), rng.randint(1, 40))


def _retail_genuine(rng: random.Random, seller: Seller, brand: Brand, retail: float) -> Draft:
    """A general store's genuine branded line: catalogue photos, sometimes on sale."""
    term, noun = product_words(rng, brand)
    title, price = _on_sale(rng, f"{brand.name} {term} {noun} - {rng.choice(COLOURS)}", retail,
                            0.35, 0.1, 0.35)
    return Draft(title, brand.brand_id if rng.random() < 0.7 else None, shop_price(price),
                 tuple(_catalogue_or_own(rng, brand, 0.6)), rng.randint(1, 20))


def _real_shots(rng: random.Random, seller: Seller, brand: Brand) -> list[int]:
    """A counterfeiter's photos: its own stock ("real shots", shared within a ring),
    else the catalogue's, re-uploaded or edited."""
    if rng.random() < 0.6:
        pool = seller.image_pool
        shots = rng.sample(pool, k=min(len(pool), rng.randint(1, 3))) if pool else []
        return shots + own_photos(rng, 1, 3)
    return official_images(rng, brand, rng.randint(1, 3), 5)


def _subtle(rng: random.Random, seller: Seller, brand: Brand, retail: float) -> Draft:
    """A fake at a believable discount, photographed as stock, shipped from the factory."""
    term, noun = product_words(rng, brand)
    title = f"{brand.name} {term} {noun} - {rng.choice(COLOURS)}"
    price = retail * rng.uniform(0.5, 0.8)
    if rng.random() < 0.15:  # fakes ride the platform's sale events too
        title += rng.choice(_SALE_TAGS)
    return Draft(title, brand.brand_id, shop_price(price), tuple(_real_shots(rng, seller, brand)),
                 rng.randint(40, 999))


def _stealth(rng: random.Random, seller: Seller, brand: Brand, retail: float) -> Draft:
    """A fake close to retail from an aged account: the subtle fake's habits, less discount."""
    term, noun = product_words(rng, brand)
    title = f"{brand.name} {term} {noun} - {rng.choice(COLOURS)}"
    return Draft(title, brand.brand_id if rng.random() < 0.85 else None,
                 shop_price(retail * rng.uniform(0.75, 0.95)),
                 tuple(_real_shots(rng, seller, brand)), rng.randint(60, 999))


def _blatant(rng: random.Random, seller: Seller, brand: Brand, retail: float) -> Draft:
    """A cheap fake that got past the keyword filter: mostly the brand spelt right and
    no replica vocabulary; a few misspellings and code words slip through."""
    term, noun = product_words(rng, brand)
    shown = typosquat(rng, brand.name) if rng.random() < 0.25 else brand.name
    title = f"{shown} {term} {noun} - {rng.choice(COLOURS)}"
    if rng.random() < 0.15:
        title += f" {rng.choice(FAKE_VOCABULARY)}"
    images = _real_shots(rng, seller, brand) if rng.random() < 0.8 else [random_phash(rng)]
    return Draft(title, brand.brand_id if rng.random() < 0.6 else None,
                 shop_price(retail * rng.uniform(0.15, 0.4)), tuple(images), rng.randint(50, 999))


OTHER_MARKET_DRAFTS: dict[str, DraftFn] = {
    "gray_market": _gray_market, "retail_genuine": _retail_genuine,
    "subtle_fake": _subtle, "stealth_fake": _stealth, "blatant_fake": _blatant,
}
