"""Facts that processors address to each other, keyed for their recipient.

Replay hands a fact straight to its processor; the live worker sends it
through an internal topic keyed by :func:`route_key`, so the processor that
owns the key receives it. Every fact carries a ``fact_id`` derived from the
event that caused it, so a redelivered fact is recognised and skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

__all__ = [
    "BrandListingFact",
    "BrandReportFact",
    "EpochMark",
    "Fact",
    "ImageFact",
    "NetworkFact",
    "TrainingExample",
    "fact_from_dict",
    "fact_to_dict",
    "route_key",
]


@dataclass(frozen=True, slots=True)
class BrandListingFact:
    """A listing appeared or changed for a brand (tagged or matched by its title)."""

    kind = "brand_listing"
    fact_id: str
    brand_id: str
    ts: float
    event_id: str
    event_time: str
    seller_id: str
    listing_id: str
    price: float | None
    currency: str | None
    authorized: bool | None
    risky: bool
    score: float


@dataclass(frozen=True, slots=True)
class BrandReportFact:
    kind = "brand_report"
    fact_id: str
    brand_id: str
    ts: float
    event_id: str
    event_time: str
    seller_id: str
    listing_id: str
    reporter: str
    status: str


@dataclass(frozen=True, slots=True)
class ImageFact:
    """A seller uses an image hash; ``flagged`` tells the image processor its risk."""

    kind = "image"
    fact_id: str
    phash: str
    ts: float
    seller_id: str
    flagged: bool


@dataclass(frozen=True, slots=True)
class NetworkFact:
    """Who uses one of a seller's images and since when, sent back to that seller.

    ``members`` is (seller, first used, flagged since or None) for the earliest
    users of the hash; ``stock_since`` is when it became a stock photo (too many
    users to mean a network), or None.
    """

    kind = "network"
    fact_id: str
    seller_id: str
    ts: float
    phash: str
    members: tuple[tuple[str, float, float | None], ...]
    stock_since: float | None


@dataclass(frozen=True, slots=True)
class TrainingExample:
    """A label joined with the features the listing had when it was scored."""

    kind = "training_example"
    fact_id: str
    ts: float
    listing_id: str
    features: dict[str, float]
    label: bool
    scored_probability: float
    scored_at: float


@dataclass(frozen=True, slots=True)
class EpochMark:
    """Live only, sent to every partition of a fact topic: partition ``source`` of the
    sending processor has finished every event before epoch ``until``, or has nothing
    to read (``idle``); or, with ``ask``, has just started and asks for the latest
    mark of every peer. Not a fact: no processor sees it, the worker's runners do
    (see :mod:`signals.watermarks`)."""

    kind = "epoch_mark"
    source: int
    until: int
    idle: bool = False
    ask: bool = False


Fact = BrandListingFact | BrandReportFact | ImageFact | NetworkFact | TrainingExample

_KINDS: dict[str, type[Any]] = {
    cls.kind: cls
    for cls in (BrandListingFact, BrandReportFact, ImageFact, NetworkFact, TrainingExample,
                EpochMark)
}


def route_key(fact: Fact) -> str:
    """The key that decides which processor instance receives ``fact``."""
    if isinstance(fact, BrandListingFact | BrandReportFact):
        return fact.brand_id
    if isinstance(fact, ImageFact):
        return fact.phash
    if isinstance(fact, NetworkFact):
        return fact.seller_id
    return "learner"  # one learner sees every label


def fact_to_dict(fact: Fact | EpochMark) -> dict[str, Any]:
    # Shallow on purpose: asdict deep-copies, and a fact is serialised right away.
    # (Fields, not __slots__: classes compiled by mypyc have no __slots__.)
    return {"kind": fact.kind, **{f.name: getattr(fact, f.name) for f in fields(fact)}}


def fact_from_dict(data: dict[str, Any]) -> Fact | EpochMark:
    fields = dict(data)
    cls = _KINDS[fields.pop("kind")]
    if "members" in fields:
        fields["members"] = tuple(tuple(m) for m in fields["members"])
    fact: Fact | EpochMark = cls(**fields)
    return fact
