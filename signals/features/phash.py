"""64-bit perceptual hashes: parsing, Hamming distance, and a near-neighbour index.

:class:`PhashIndex` splits each hash into bands of adjacent bits and files
it under each band's value (multi-index hashing). With ``m`` bands, two hashes
within ``d`` differing bits differ by at most ``d // m`` bits in some band
(pigeonhole). The plain scheme takes ``m = d + 1`` bands and looks up each
band's value exactly; this index takes half as many, twice as wide bands and
also looks up each value with one bit flipped: at the default ``d = 6``, four
16-bit bands, so a bucket holds ~1/65,536 of the hashes instead of ~1/512, and
a lookup checks a few dozen hashes of 100k instead of over a thousand. A
small index (a registry's official images) keeps the plain scheme, whose seven
exact lookups beat the wide scheme's 68 while the buckets stay nearly empty.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["DEFAULT_MAX_DISTANCE", "PhashIndex", "format_phash", "hamming", "parse_phash"]

#: Hamming distance at or below which two 64-bit pHashes usually show the same picture
DEFAULT_MAX_DISTANCE = 6
_HEX_DIGITS = "0123456789abcdefABCDEF"


def parse_phash(hex16: str) -> int:
    """A 16-hex-digit hash as an unsigned 64-bit integer.

    >>> parse_phash("00000000000000ff"), parse_phash("FFFFFFFFFFFFFFFF") == 2**64 - 1
    (255, True)
    >>> parse_phash("xyz")
    Traceback (most recent call last):
    ...
    ValueError: not a 16-hex-digit hash: 'xyz'
    """
    # str methods rather than a set test per character: every new listing image comes here
    if len(hex16) != 16 or not hex16.isascii() or hex16.strip(_HEX_DIGITS):
        raise ValueError(f"not a 16-hex-digit hash: {hex16!r}")
    return int(hex16, 16)


def format_phash(phash: int) -> str:
    """The 16-hex-digit form of a hash (the wire format).

    >>> format_phash(255)
    '00000000000000ff'
    """
    return f"{phash:016x}"


def hamming(a: int, b: int) -> int:
    """Number of differing bits.

    >>> hamming(0b1011, 0b0001)
    2
    """
    return (a ^ b).bit_count()


def _band_layout(max_distance: int) -> tuple[int, int]:
    """(bands, bits flipped per band lookup) such that bands * (flips + 1) > max_distance."""
    flips = 1 if max_distance >= 1 else 0
    return -(-(max_distance + 1) // (flips + 1)), flips


def _narrow_limit(max_distance: int, candidates: float = 8.0) -> int:
    """Hashes up to which d + 1 exact bands return about ``candidates`` per lookup.

    >>> _narrow_limit(6)
    585
    """
    bands = max_distance + 1
    narrowest = 64 // bands
    return int(candidates * 2**narrowest / bands)


def _band_masks(bands: int) -> list[tuple[int, int]]:
    """(shift, mask) per band; widths differ by at most one bit."""
    out: list[tuple[int, int]] = []
    shift = 0
    for i in range(bands):
        width = 64 // bands + (1 if i < 64 % bands else 0)
        out.append((shift, (1 << width) - 1))
        shift += width
    return out


class PhashIndex:
    """Owners (brand or seller ids) of 64-bit hashes, searchable by Hamming distance.

    >>> idx = PhashIndex()
    >>> idx.add(parse_phash("00000000000000ff"), "brand-1")
    >>> idx.add(parse_phash("ffffffffffffffff"), "brand-2")
    >>> idx.near(parse_phash("00000000000000fe"), 6)
    [(255, 'brand-1', 1)]
    >>> PhashIndex.from_pairs(idx.to_pairs()).to_pairs() == idx.to_pairs()
    True
    """

    def __init__(self, max_distance: int = DEFAULT_MAX_DISTANCE) -> None:
        if not 0 <= max_distance < 64:
            raise ValueError(f"max_distance must be in [0, 63], got {max_distance}")
        self.max_distance = max_distance
        self._owners: dict[int, set[str]] = {}
        # A small index starts with the plain scheme (d + 1 bands, exact lookups only):
        # a handful of probes finds the few stored hashes. It moves to the wide bands
        # once the plain ones would hand back more than a few candidates per lookup.
        self._narrow = True
        self._narrow_limit = _narrow_limit(max_distance)
        self._lay_out()

    def _lay_out(self) -> None:
        bands, flips = (self.max_distance + 1, 0) if self._narrow else _band_layout(
            self.max_distance)
        self._masks = _band_masks(bands)
        self._flip_masks = [tuple(1 << bit for bit in range(mask.bit_length())) if flips else ()
                            for _, mask in self._masks]
        self._bands: list[dict[int, set[int]]] = [{} for _ in self._masks]
        # what a lookup needs of each band, unpacked once: every listing image is looked up
        self._probes = [(band, shift, mask, flips) for band, (shift, mask), flips
                        in zip(self._bands, self._masks, self._flip_masks, strict=True)]
        for phash in self._owners:
            self._file(phash)

    def _file(self, phash: int) -> None:
        for band, (shift, mask) in zip(self._bands, self._masks, strict=True):
            band.setdefault((phash >> shift) & mask, set()).add(phash)

    def __len__(self) -> int:
        """Number of distinct hashes."""
        return len(self._owners)

    def __contains__(self, phash: object) -> bool:
        return phash in self._owners

    def owners(self, phash: int) -> frozenset[str]:
        return frozenset(self._owners.get(phash, ()))

    def add(self, phash: int, owner: str) -> None:
        owners = self._owners.get(phash)
        if owners is None:
            owners = self._owners[phash] = set()
            if self._narrow and len(self._owners) > self._narrow_limit:
                self._narrow = False
                self._lay_out()  # files every hash, this one included
            else:
                self._file(phash)
        owners.add(owner)

    def discard(self, phash: int, owner: str) -> None:
        """Remove one owner of a hash; the hash leaves the index with its last owner."""
        owners = self._owners.get(phash)
        if owners is None:
            return
        owners.discard(owner)
        if owners:
            return
        del self._owners[phash]
        for band, (shift, mask) in zip(self._bands, self._masks, strict=True):
            value = (phash >> shift) & mask
            hashes = band[value]
            hashes.discard(phash)
            if not hashes:
                del band[value]

    def near(self, phash: int, max_distance: int | None = None) -> list[tuple[int, str, int]]:
        """``(hash, owner, distance)`` for every stored hash within ``max_distance`` bits.

        Sorted by distance, hash, owner. ``max_distance`` defaults to, and may
        not exceed, the distance the index was built for (beyond it the bands
        no longer guarantee a shared value).
        """
        limit = self.max_distance if max_distance is None else max_distance
        if not 0 <= limit <= self.max_distance:
            raise ValueError(f"max_distance must be in [0, {self.max_distance}], got {limit}")
        found: list[tuple[int, str, int]] = []
        for other in self._candidates(phash):
            distance = (phash ^ other).bit_count()
            if distance <= limit:
                for owner in self._owners[other]:
                    found.append((other, owner, distance))
        if len(found) > 1:
            found.sort(key=lambda item: (item[2], item[0], item[1]))
        return found

    def _candidates(self, phash: int) -> set[int]:
        """Stored hashes agreeing with ``phash`` on some band up to the flipped bits."""
        seen: set[int] = set()
        for band, shift, mask, flips in self._probes:  # no flips while narrow
            value = (phash >> shift) & mask
            hashes = band.get(value)
            if hashes:
                seen.update(hashes)
            for flip in flips:
                hashes = band.get(value ^ flip)
                if hashes:
                    seen.update(hashes)
        return seen

    def to_pairs(self) -> list[tuple[int, str]]:
        """``(hash, owner)`` pairs in a stable order (hashes are ints below 2**64)."""
        return sorted((h, o) for h, owners in self._owners.items() for o in owners)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[int | str, str]] | Iterable[list[int | str]],
                   max_distance: int = DEFAULT_MAX_DISTANCE) -> PhashIndex:
        """Rebuild from :meth:`to_pairs` output; a hash may also be its 16-hex-digit string."""
        index = cls(max_distance)
        for phash, owner in pairs:
            index.add(parse_phash(phash) if isinstance(phash, str) else int(phash), str(owner))
        return index
