"""Words of the simulated marketplace: the fictional brand catalogue, generic
products, and the spelling tricks counterfeiters use to dodge keyword filters.

All brands are invented. Tricks are pure functions of a seeded ``random.Random``.

>>> import random
>>> rng = random.Random(3)
>>> squatted = typosquat(rng, "Velmora")
>>> squatted != "Velmora" and len(squatted) >= 5
True
>>> slug("Kestrel & Vane")
'kestrel-vane'
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

__all__ = [
    "ACCESSORY_TEMPLATES",
    "BRAND_CATALOGUE",
    "CLEARANCE_WORDS",
    "COLOURS",
    "CONDITION_WORDS",
    "FAKE_VOCABULARY",
    "GENERIC_PRODUCTS",
    "BrandSpec",
    "homoglyph",
    "own_brand_name",
    "slug",
    "typosquat",
]


@dataclass(frozen=True, slots=True)
class BrandSpec:
    """One row of the brand catalogue, before ids and images are assigned."""

    name: str
    category: str
    currency: str
    reference_price: float
    protected_terms: tuple[str, ...]
    nouns: tuple[str, ...]
    aliases: tuple[str, ...] = ()


# name | category | currency | reference price | protected terms | product nouns | aliases
_CATALOGUE_TABLE = """
Velmora|handbags|EUR|890|Celeste;Mira Tote;Lune|Leather Handbag;Shoulder Bag;Tote|Velmora Paris;VLMR
North Peak|footwear|USD|165|AirGlide;Summit Pro;Ridgeline|Running Shoes;Trail Sneakers|NorthPeak
Lunetta|eyewear|EUR|240|Riviera;Capri 52|Sunglasses;Aviator Sunglasses|Lunetta Milano
Quorra Audio|audio|USD|349|Model X7;Pulse ANC;Q-Buds|Wireless Headphones;Earbuds|Quorra
Brightwell & Co|watches|GBP|1450|Meridian;Harbour GMT|Automatic Watch;Chronograph|Brightwell
Kairo|footwear|USD|210|Kairo One;Drift 90;Velo Low|Sneakers;Basketball Shoes|
Maison Orvel|fragrance|EUR|135|Nuit Blanche;Ambre 27|Eau de Parfum 100ml;Eau de Toilette|Orvel
Tidewater|apparel|USD|89|Coastline;Harbor Fleece|Fleece Jacket;Rain Jacket;Hoodie|
Zephyra|cosmetics|USD|48|Glow Veil;Silk Matte|Foundation;Lipstick;Palette|Zephyra Beauty
Halden Stone|jewelry|GBP|320|Aurora Link;Solstice|Bracelet;Necklace;Ring|Halden
Corvane|electronics|USD|129|PowerCell 20K;AirDock|Power Bank;Wireless Charger|
Ember & Ash|home|GBP|58|Cedar Smoke;Fig Noir|Scented Candle;Reed Diffuser|Ember and Ash
Fjordlyn|apparel|EUR|420|Polar Shell;Nordkapp|Down Parka;Insulated Jacket|Fjordlyn Norway
Pallas Run|footwear|USD|150|Stride 4;Tempo Flex|Running Shoes;Racing Flats|PallasRun
Solenne|cosmetics|EUR|72|Eclat Serum;Hydra Nuit|Face Serum;Night Cream|
Ironbark|tools|USD|199|TorqueMax;Ironbark 18V|Cordless Drill;Impact Driver|
Miravique|handbags|EUR|1250|Odette;Palais Mini|Crossbody Bag;Clutch;Handbag|
Thornbury|watches|GBP|980|Regent;Thornbury Diver 300|Dive Watch;Dress Watch|
Nuvola Kids|toys|EUR|45|Cloud Blocks;Nuvo Racer|Building Set;Toy Car Set|Nuvola
Arclight|electronics|USD|159|Vortex RGB;Arclight K9|Gaming Mouse;Mechanical Keyboard|
Blue Heron|apparel|USD|128|Heron 501;Slim Taper|Selvedge Jeans;Denim Jacket|
Castellan|luggage|EUR|560|Voyager 55;Aero Cabin|Carry-On Suitcase;Check-In Luggage|
Velvet Orbit|cosmetics|USD|38|Starlight;Nebula Tint|Eyeshadow Palette;Lip Gloss|
Oakhurst|handbags|GBP|310|Wexford;Bramley|Leather Wallet;Briefcase;Belt|
Stratos|drones|USD|899|SkyLance 4K;Nimbus Mini|Camera Drone;Mini Drone|Stratos Aero
"""


def _parse_catalogue(table: str) -> tuple[BrandSpec, ...]:
    def items(text: str) -> tuple[str, ...]:
        return tuple(part.strip() for part in text.split(";") if part.strip())

    specs = []
    for row in table.strip().splitlines():
        name, category, currency, price, terms, nouns, aliases = row.split("|")
        specs.append(BrandSpec(name, category, currency, float(price), items(terms),
                               items(nouns), items(aliases)))
    return tuple(specs)


BRAND_CATALOGUE: tuple[BrandSpec, ...] = _parse_catalogue(_CATALOGUE_TABLE)

#: product nouns honest sellers use for unbranded goods, by category
GENERIC_PRODUCTS: dict[str, tuple[tuple[str, ...], tuple[float, float]]] = {
    "handbags": (("Canvas Tote Bag", "Vegan Leather Crossbody", "Woven Straw Bag",
                  "Laptop Backpack"), (15.0, 90.0)),
    "footwear": (("Running Shoes", "Canvas Sneakers", "Slip-On Loafers", "Hiking Boots"),
                 (20.0, 120.0)),
    "eyewear": (("Polarized Sunglasses", "Blue Light Glasses", "Reading Glasses"), (8.0, 60.0)),
    "audio": (("Bluetooth Earbuds", "Wired Headphones", "Portable Speaker"), (10.0, 80.0)),
    "watches": (("Quartz Watch", "Digital Sports Watch", "Minimalist Watch"), (15.0, 150.0)),
    "fragrance": (("Essential Oil Set", "Body Mist", "Solid Perfume"), (6.0, 40.0)),
    "apparel": (("Cotton T-Shirt", "Fleece Hoodie", "Rain Jacket", "Chino Trousers"), (10.0, 90.0)),
    "cosmetics": (("Lip Balm Set", "Makeup Brush Set", "Eyeshadow Palette", "Face Mask Pack"),
                  (4.0, 35.0)),
    "jewelry": (("Silver Hoop Earrings", "Beaded Bracelet", "Pendant Necklace"), (6.0, 80.0)),
    "electronics": (("USB-C Cable 2m", "Power Bank 10000mAh", "Phone Stand", "Wireless Mouse"),
                    (5.0, 45.0)),
    "home": (("Soy Candle", "Linen Cushion Cover", "Ceramic Mug Set"), (8.0, 45.0)),
    "tools": (("Screwdriver Set", "Tape Measure", "LED Work Light", "Cordless Drill"),
              (8.0, 110.0)),
    "toys": (("Wooden Puzzle", "Building Blocks 500pcs", "Plush Bear"), (8.0, 45.0)),
    "luggage": (("Packing Cubes", "Duffel Bag", "Hard Shell Suitcase"), (12.0, 140.0)),
    "drones": (("Mini Drone for Kids", "Drone Propeller Guards", "FPV Goggles"), (20.0, 160.0)),
}

#: compatible-accessory titles: mention a brand without claiming to be it
ACCESSORY_TEMPLATES: dict[str, tuple[str, ...]] = {
    "audio": ("Replacement ear tips for {brand} {term}", "Hard carrying case for {brand} {term}"),
    "watches": ("Leather strap compatible with {brand} {term}", "Watch winder for {brand} {term}"),
    "electronics": ("Protective case for {brand} {term}",
                    "Braided cable compatible with {brand} {term}"),
    "footwear": ("Memory foam insoles for {brand} {term}", "Replacement laces for {brand} {term}"),
    "drones": ("Spare propellers for {brand} {term}", "Battery charging hub for {brand} {term}"),
    "eyewear": ("Hard case for {brand} {term} sunglasses", "Replacement lenses for {brand} {term}"),
    "tools": ("Battery adapter for {brand} {term}", "Drill bit set for {brand} {term}"),
    "handbags": ("Purse organizer insert for {brand} {term}",
                 "Replacement chain strap compatible with {brand} {term}"),
    "fragrance": ("Refillable travel atomizer for {brand} {term}",
                  "Display stand for {brand} {term} bottles"),
    "apparel": ("Breathable garment bag for {brand} {term}",
                "Replacement zipper pulls for {brand} {term}"),
    "cosmetics": ("Travel case for {brand} {term} palette",
                  "Brush set for use with {brand} {term}"),
    "jewelry": ("Velvet jewellery box for {brand} {term}", "Extension chain for {brand} {term}"),
    "home": ("Wick trimmer set for {brand} {term} candles",
             "Replacement reeds for {brand} {term} diffuser"),
    "toys": ("Storage box for {brand} {term}", "Display case for {brand} {term}"),
    "luggage": ("Clear protective cover for {brand} {term}",
                "Luggage strap compatible with {brand} {term}"),
}

FAKE_VOCABULARY: tuple[str, ...] = (
    "replica", "1:1", "AAA", "mirror quality", "inspired by", "dupe", "top grade", "high copy",
    "same as original", "A+ quality", "factory original", "OEM quality", "super copy",
)
#: how resellers of used goods say so in a title (the contract has no condition field)
CONDITION_WORDS: tuple[str, ...] = (
    "Pre-owned", "Used - Like New", "Refurbished", "Open Box", "Renewed", "Used, good condition",
    "Ex-display", "Second hand", "Certified Refurbished", "Open-box, unused",
)
CLEARANCE_WORDS: tuple[str, ...] = (
    "Clearance", "Last Season", "Outlet", "Final Sale", "End of Line", "Warehouse Sale",
)
COLOURS: tuple[str, ...] = (
    "Black", "White", "Navy", "Olive", "Sand", "Burgundy", "Grey", "Tan", "Rose", "Cobalt",
)

_DIGIT_SWAPS = {"o": "0", "O": "0", "l": "1", "i": "1", "I": "1", "e": "3", "a": "4", "s": "5",
                "S": "5", "B": "8", "g": "9"}
_HOMOGLYPHS = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441",
               "x": "\u0445", "y": "\u0443", "A": "\u0391", "B": "\u0392", "E": "\u0395",
               "K": "\u039a", "M": "\u039c", "N": "\u039d", "O": "\u039f", "P": "\u03a1",
               "T": "\u03a4", "H": "\u0397", "v": "\u03bd", "i": "\u0456"}
_SYLLABLES = ("lu", "mi", "ko", "ra", "vi", "sen", "do", "ta", "bri", "no", "ze", "fa", "lo",
              "pi", "ar", "el", "on", "qu", "sa", "ve")


def slug(name: str) -> str:
    """Lower-case ASCII slug used in ids: ``"North Peak"`` -> ``"north-peak"``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def homoglyph(rng: random.Random, text: str) -> str:
    """Swap one or two letters for Cyrillic/Greek look-alikes.

    >>> homoglyph(random.Random(1), "Velmora") != "Velmora"
    True
    """
    positions = [i for i, ch in enumerate(text) if ch in _HOMOGLYPHS]
    if not positions:
        return text + text[-1]
    chars = list(text)
    for i in rng.sample(positions, k=min(len(positions), rng.choice((1, 1, 2)))):
        chars[i] = _HOMOGLYPHS[chars[i]]
    return "".join(chars)


def _digit_swap(rng: random.Random, text: str) -> str:
    positions = [i for i, ch in enumerate(text) if ch in _DIGIT_SWAPS]
    if not positions:
        return _double_letter(rng, text)
    i = rng.choice(positions)
    return text[:i] + _DIGIT_SWAPS[text[i]] + text[i + 1:]


def _double_letter(rng: random.Random, text: str) -> str:
    i = rng.randrange(len(text))
    return text[:i] + text[i] + text[i:]


def _drop_letter(rng: random.Random, text: str) -> str:
    inner = [i for i in range(1, len(text) - 1) if text[i].isalpha()]
    if not inner:
        return _double_letter(rng, text)
    i = rng.choice(inner)
    return text[:i] + text[i + 1:]


def _split_word(rng: random.Random, text: str) -> str:
    i = rng.randrange(2, max(3, len(text) - 1))
    return text[:i] + rng.choice((" ", "-", ".", " ")) + text[i:]


def _swap_adjacent(rng: random.Random, text: str) -> str:
    i = rng.randrange(1, max(2, len(text) - 2))
    return text[:i] + text[i + 1] + text[i] + text[i + 2:] if i + 1 < len(text) else text + "e"


_TRICKS = (_digit_swap, _double_letter, _drop_letter, _split_word, _swap_adjacent, homoglyph)


def typosquat(rng: random.Random, name: str) -> str:
    """A look-alike spelling of ``name`` that is never exactly ``name``.

    Multi-word names sometimes lose their space instead (``NorthPeak``) and
    sometimes get a second trick on top, as real counterfeit listings do.
    """
    result = name
    for _ in range(6):
        if " " in result and rng.random() < 0.25:
            result = result.replace(" ", rng.choice(("", "-")), 1)
        else:
            result = rng.choice(_TRICKS)(rng, result)
        if rng.random() < 0.2:
            result = rng.choice(_TRICKS)(rng, result)
        if result.casefold() != name.casefold() and result.strip():
            return result
        result = name
    return name + "e"


def own_brand_name(rng: random.Random) -> str:
    """An invented small-brand name (never in the registry), e.g. ``"Kovira"``."""
    parts = [rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 3, 3)))]
    return "".join(parts).capitalize()
