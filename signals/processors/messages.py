"""Facts that processors address to each other, keyed for their recipient.

Replay hands a fact straight to its processor; the live worker sends it
through an internal topic keyed by :func:`route_key`, so the processor that
owns the key receives it. Every fact carries a ``fact_id`` derived from the
event that caused it, so a redelivered fact is recognised and skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from signals.processors.fielddict import field_dict

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


# Each kind constant sits on a plain base class: declared in a dataclass body, mypyc
# makes it an instance field (mypyc/mypyc#740) and the fact could not be compiled.
class _BrandListingFactKind:
    __slots__ = ()
    kind: ClassVar[str] = "brand_listing"


@dataclass(frozen=True, slots=True)
class BrandListingFact(_BrandListingFactKind):
    """A listing appeared or changed for a brand (tagged or matched by its title)."""

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

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, fact_id: str, brand_id: str, ts: float, event_id: str, event_time: str,
                 seller_id: str, listing_id: str, price: float | None, currency: str | None,
                 authorized: bool | None, risky: bool, score: float) -> None:
        object.__setattr__(self, "fact_id", fact_id)
        object.__setattr__(self, "brand_id", brand_id)
        object.__setattr__(self, "ts", ts)
        object.__setattr__(self, "event_id", event_id)
        object.__setattr__(self, "event_time", event_time)
        object.__setattr__(self, "seller_id", seller_id)
        object.__setattr__(self, "listing_id", listing_id)
        object.__setattr__(self, "price", price)
        object.__setattr__(self, "currency", currency)
        object.__setattr__(self, "authorized", authorized)
        object.__setattr__(self, "risky", risky)
        object.__setattr__(self, "score", score)


class _BrandReportFactKind:
    __slots__ = ()
    kind: ClassVar[str] = "brand_report"


@dataclass(frozen=True, slots=True)
class BrandReportFact(_BrandReportFactKind):
    fact_id: str
    brand_id: str
    ts: float
    event_id: str
    event_time: str
    seller_id: str
    listing_id: str
    reporter: str
    status: str

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, fact_id: str, brand_id: str, ts: float, event_id: str, event_time: str,
                 seller_id: str, listing_id: str, reporter: str, status: str) -> None:
        object.__setattr__(self, "fact_id", fact_id)
        object.__setattr__(self, "brand_id", brand_id)
        object.__setattr__(self, "ts", ts)
        object.__setattr__(self, "event_id", event_id)
        object.__setattr__(self, "event_time", event_time)
        object.__setattr__(self, "seller_id", seller_id)
        object.__setattr__(self, "listing_id", listing_id)
        object.__setattr__(self, "reporter", reporter)
        object.__setattr__(self, "status", status)


class _ImageFactKind:
    __slots__ = ()
    kind: ClassVar[str] = "image"


@dataclass(frozen=True, slots=True)
class ImageFact(_ImageFactKind):
    """A seller uses an image hash; ``flagged`` tells the image processor its risk."""

    fact_id: str
    phash: str
    ts: float
    seller_id: str
    flagged: bool

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, fact_id: str, phash: str, ts: float, seller_id: str, flagged: bool) -> None:
        object.__setattr__(self, "fact_id", fact_id)
        object.__setattr__(self, "phash", phash)
        object.__setattr__(self, "ts", ts)
        object.__setattr__(self, "seller_id", seller_id)
        object.__setattr__(self, "flagged", flagged)


class _NetworkFactKind:
    __slots__ = ()
    kind: ClassVar[str] = "network"


@dataclass(frozen=True, slots=True)
class NetworkFact(_NetworkFactKind):
    """Who uses one of a seller's images and since when, sent back to that seller.

    ``members`` is (seller, first used, flagged since or None) for the earliest
    users of the hash; ``stock_since`` is when it became a stock photo (too many
    users to mean a network), or None.
    """

    fact_id: str
    seller_id: str
    ts: float
    phash: str
    members: tuple[tuple[str, float, float | None], ...]
    stock_since: float | None

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, fact_id: str, seller_id: str, ts: float, phash: str,
                 members: tuple[tuple[str, float, float | None], ...],
                 stock_since: float | None) -> None:
        object.__setattr__(self, "fact_id", fact_id)
        object.__setattr__(self, "seller_id", seller_id)
        object.__setattr__(self, "ts", ts)
        object.__setattr__(self, "phash", phash)
        object.__setattr__(self, "members", members)
        object.__setattr__(self, "stock_since", stock_since)


class _TrainingExampleKind:
    __slots__ = ()
    kind: ClassVar[str] = "training_example"


@dataclass(frozen=True, slots=True)
class TrainingExample(_TrainingExampleKind):
    """A label joined with the features the listing had when it was scored.

    With the generated ``__init__``, unlike the facts above: one per label, a few
    per thousand events."""

    fact_id: str
    ts: float
    listing_id: str
    features: dict[str, float]
    label: bool
    scored_probability: float
    scored_at: float


class _EpochMarkKind:
    __slots__ = ()
    kind: ClassVar[str] = "epoch_mark"


@dataclass(frozen=True, slots=True)
class EpochMark(_EpochMarkKind):
    """Live only, sent to every partition of a fact topic: partition ``source`` of the
    sending processor has finished every event before epoch ``until``, or has nothing
    to read (``idle``); or, with ``ask``, has just started and asks for the latest
    mark of every peer. Not a fact: no processor sees it, the worker's runners do
    (see :mod:`signals.eventtime.watermarks`)."""

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
    return {"kind": fact.kind, **field_dict(fact)}


def fact_from_dict(data: dict[str, Any]) -> Fact | EpochMark:
    fields = dict(data)
    cls = _KINDS[fields.pop("kind")]
    if "members" in fields:
        fields["members"] = tuple(tuple(m) for m in fields["members"])
    fact: Fact | EpochMark = cls(**fields)
    return fact
