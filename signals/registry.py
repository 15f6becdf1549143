"""The brand registry as the scorers see it: terms, authorised sellers, images.

Built from ``brand.v1`` records (compacted topic: the latest record per brand
wins). It wraps the title index and the official-image index so the seller
processor asks one object.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from signals.contract.events import BrandEvent
from signals.features.phash import PhashIndex, parse_phash
from signals.features.titles.index.brand_index import BrandIndex, TermMatch
from signals.features.titles.title_facts import DEFAULT_ENTRIES, TitleFacts
from signals.features.titles.vocabulary import Vocabulary
from signals.memo import Memo

__all__ = ["ImageMatch", "Registry"]

#: Hamming distance at or below which two 64-bit perceptual hashes show the same image
IMAGE_MATCH_DISTANCE = 6
#: listing hashes whose nearby official images are remembered (a few MB at most)
_NEAR_CACHE_SIZE: Final = 50_000


@dataclass(frozen=True, slots=True)
class ImageMatch:
    brand_id: str
    phash: str
    distance: int

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, brand_id: str, phash: str, distance: int) -> None:
        object.__setattr__(self, "brand_id", brand_id)
        object.__setattr__(self, "phash", phash)
        object.__setattr__(self, "distance", distance)


class Registry:
    """Brand records plus the indexes built from them.

    >>> from signals.contract.events import BrandEvent
    >>> reg = Registry()
    >>> reg.upsert(BrandEvent("e", "t", 0.0, "b1", "Velmora", authorized_sellers=("s1",),
    ...                       official_image_phashes=("00000000000000ff",)))
    >>> reg.is_authorized("b1", "s1"), reg.is_authorized("b1", "s2"), reg.is_authorized("zz", "s1")
    (True, False, None)
    >>> [m.brand_id for m in reg.official_images(("00000000000000fe",))]
    ['b1']
    """

    def __init__(self) -> None:
        self._brands: dict[str, BrandEvent] = {}
        self._terms = BrandIndex()
        self._images = PhashIndex()
        self.version = 0  # bumps on every change, so caches built from it know when to refresh
        # official images near each listing hash seen since the last change: sellers
        # list the same photos again and again
        #: by distance, then hash
        self._near_official: dict[int, Memo[str, tuple[tuple[str, int], ...]]] = {}
        #: the counterfeit and sale vocabularies, reading titles with the term index's
        #: tokenizer: both split the same titles
        self.vocabulary = Vocabulary(self._terms.tokenizer)
        #: title -> (terms_version, facts) of the titles matched against this registry
        #: (signals.features.titles.title_facts); least recently used out: a catalogue's
        #: titles can outnumber the bound
        self.title_memo: Memo[str, tuple[int, TitleFacts]] = Memo(DEFAULT_ENTRIES, lru=True)

    def __len__(self) -> int:
        return len(self._brands)

    def __contains__(self, brand_id: object) -> bool:
        return brand_id in self._brands

    @classmethod
    def from_brands(cls, brands: Iterable[BrandEvent]) -> Registry:
        reg = cls()
        for b in brands:
            reg.upsert(b)
        return reg

    def upsert(self, brand: BrandEvent) -> None:
        old = self._brands.get(brand.brand_id)
        if old is not None and (old.ts, old.event_id) > (brand.ts, brand.event_id):
            return  # an older record redelivered out of order must not overwrite a newer one
        if old is not None:
            for h in old.official_image_phashes:
                self._images.discard(parse_phash(h), old.brand_id)
        self._brands[brand.brand_id] = brand
        self._terms.upsert(brand)
        for h in brand.official_image_phashes:
            self._images.add(parse_phash(h), brand.brand_id)
        self.version += 1
        self._near_official.clear()

    @property
    def terms_version(self) -> int:
        """Changes only when a name, alias or protected term does (not on a new price or
        seller list), so what depends only on the terms can be kept across updates."""
        return self._terms.terms_version

    def brand(self, brand_id: str) -> BrandEvent | None:
        return self._brands.get(brand_id)

    def brands(self) -> list[BrandEvent]:
        return [self._brands[k] for k in sorted(self._brands)]

    def is_authorized(self, brand_id: str, seller_id: str) -> bool | None:
        """True/False against the brand's list; None when no list is known."""
        brand = self._brands.get(brand_id)
        if brand is None or not brand.authorized_sellers:
            return None
        return seller_id in brand.authorized_sellers

    def match_title(self, title: str) -> list[TermMatch]:
        return self._terms.match_title(title)

    def official_images(self, phashes: Sequence[str],
                        max_distance: int = IMAGE_MATCH_DISTANCE) -> list[ImageMatch]:
        """Official images of any brand within ``max_distance`` bits of the listing's."""
        found: dict[tuple[str, str], int] = {}
        for h in phashes:
            for owner, distance in self._near_owners(h, max_distance):
                key = (owner, h)
                found[key] = min(distance, found.get(key, 99))
        return [ImageMatch(b, h, d) for (b, h), d in sorted(found.items())]

    def _near_owners(self, phash: str, max_distance: int) -> tuple[tuple[str, int], ...]:
        """(owner, distance) of the official images near ``phash``, remembered."""
        memo = self._near_official.get(max_distance)
        if memo is None:
            memo = self._near_official[max_distance] = Memo(_NEAR_CACHE_SIZE)
        owners = memo.get(phash)
        if owners is None:
            owners = memo.put(phash, tuple([
                (owner, distance)
                for _hash, owner, distance in self._images.near(parse_phash(phash), max_distance)]))
        return owners
