"""Feature vectors stored compactly: the values of :data:`FEATURE_NAMES`, in order.

A seller keeps the features of each of its listings as last scored, because a
report decided days later must train the model on what was scored. Kept as a
``{name: value}`` dict that is a dict and 38 float objects per listing, in
memory and, with every name spelled out, in each serialised state. A vector of
doubles holds the same values in about a seventh of the memory, and serialises
as a plain list.

>>> v = pack({"brand_tagged": 1.0, "counterfeit_vocab": 2.0})
>>> value(v, "counterfeit_vocab"), value(v, "sale_language"), value(v, "no_such_feature")
(2.0, 0.0, 0.0)
>>> unpack(v)["brand_tagged"], len(unpack(v)) == len(FEATURE_NAMES)
(1.0, True)
>>> restore(stored(v), FEATURE_SET) == v
True

Stored vectors carry no names, so a state says which feature set wrote them
(:data:`FEATURE_SET`). When :data:`FEATURE_NAMES` changes, add the old names to
``_PREVIOUS`` so that states written before the upgrade still read, by name:

>>> restore([1.0, 0.5], "0:no-such-set")
Traceback (most recent call last):
...
signals.errors.ProcessingError: stored features written by an unknown feature set '0:no-such-set'
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Mapping, Sequence
from typing import Final, TypeAlias

from signals.errors import ProcessingError
from signals.features.listing import FEATURE_NAMES

__all__ = ["FEATURE_SET", "FeatureVector", "feature_set", "pack", "restore", "stored", "unpack",
           "value"]

#: doubles, one per name of FEATURE_NAMES
FeatureVector: TypeAlias = "array[float]"


def feature_set(names: Sequence[str]) -> str:
    """A short name for a tuple of feature names: their count and a checksum.

    >>> feature_set(("a", "b"))
    '2:2cd913df'
    """
    return f"{len(names)}:{zlib.crc32(','.join(names).encode()):08x}"


FEATURE_SET: Final = feature_set(FEATURE_NAMES)
#: feature sets of earlier versions, by their name, so their stored vectors still read
_PREVIOUS: Final[dict[str, tuple[str, ...]]] = {}
_INDEX: Final = {name: i for i, name in enumerate(FEATURE_NAMES)}


def pack(x: Mapping[str, float]) -> FeatureVector:
    """The vector of ``x``; names it lacks are 0.0, names not in FEATURE_NAMES dropped."""
    get = x.get
    return array("d", [get(name, 0.0) for name in FEATURE_NAMES])


def unpack(v: FeatureVector) -> dict[str, float]:
    """``{name: value}`` for every feature, in the order the features are computed."""
    return dict(zip(FEATURE_NAMES, v, strict=True))


def value(v: FeatureVector, name: str) -> float:
    """One feature's value; 0.0 for a name that is not a feature."""
    i = _INDEX.get(name)
    return 0.0 if i is None else v[i]


def stored(v: FeatureVector) -> list[float]:
    """The vector as JSON can hold it (read back with :func:`restore`)."""
    return v.tolist()


def restore(values: Sequence[float] | Mapping[str, float], written_by: str) -> FeatureVector:
    """A vector from :func:`stored` values written by feature set ``written_by``; a
    ``{name: value}`` dict (how states stored features before vectors) reads by name."""
    if isinstance(values, Mapping):
        return pack(values)
    if written_by == FEATURE_SET:
        return array("d", values)
    names = _PREVIOUS.get(written_by)
    if names is None:
        raise ProcessingError(f"stored features written by an unknown feature set {written_by!r}")
    return pack(dict(zip(names, values, strict=True)))
