"""The image processor: which sellers use the same image (seller networks).

Keyed by perceptual hash. It keeps, for every seller using the hash, when it
first used it and since when it has been flagged; whenever that changes,
every seller using the hash is told the whole membership (a
:class:`NetworkFact`).

Times, not arrival order, carry the meaning: both are minimums over facts,
so the state is the same whichever order the facts arrive in (live, facts
from many partitions interleave), and a receiving seller counts a link only
from the second event-time epoch after it formed (see
:meth:`SellerState.network_counts`), so what it counts does not depend on
when the news reaches it either.

Minimums are idempotent too: a fact delivered again changes nothing and tells
no one, so this processor keeps no de-duplication ids (they were over half of
an image's stored state, and there is an image state per photo hash).

>>> state = ImageState.create("00ff00ff00ff00ff")
>>> out = process_image(state, ImageFact("f1", "00ff00ff00ff00ff", 5.0, "s1", True))
>>> out = process_image(state, ImageFact("f2", "00ff00ff00ff00ff", 1.0, "s2", False))
>>> [(f.seller_id, f.members) for f in out.facts]
[('s1', (('s1', 5.0, 5.0), ('s2', 1.0, None))), ('s2', (('s1', 5.0, 5.0), ('s2', 1.0, None)))]
>>> process_image(state, ImageFact("f3", "00ff00ff00ff00ff", 9.0, "s2", False)).facts
[]
>>> process_image(state, ImageFact("f1", "00ff00ff00ff00ff", 5.0, "s1", True)).facts
[]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from signals.eventtime.epochs import earliest
from signals.processors.messages import ImageFact, NetworkFact
from signals.processors.outputs import Outputs

__all__ = ["MAX_SELLERS_PER_IMAGE", "ImageState", "process_image"]

#: more sellers than this on one hash is a stock photo, not a network
MAX_SELLERS_PER_IMAGE = 50


@dataclass(slots=True)
class ImageState:
    phash: str
    #: seller -> [first used, flagged since or None]; the earliest users only (bounded)
    sellers: dict[str, list[float | None]] = field(default_factory=dict)
    #: when the hash gained its (MAX + 1)-th user: a stock photo from then on
    stock_since: float | None = None

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, phash: str, sellers: dict[str, list[float | None]] | None = None,
                 stock_since: float | None = None) -> None:
        self.phash = phash
        self.sellers = {} if sellers is None else sellers
        self.stock_since = stock_since

    @classmethod
    def create(cls, phash: str) -> ImageState:
        return cls(phash=phash)

    def to_dict(self) -> dict[str, Any]:
        return {"phash": self.phash, "sellers": self.sellers, "stock_since": self.stock_since}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ImageState:
        """Also reads states of earlier releases, which kept de-duplication ids."""
        return cls(d["phash"], {k: list(v) for k, v in d["sellers"].items()},
                   d.get("stock_since"))


def process_image(state: ImageState, fact: ImageFact) -> Outputs:
    if not _record(state, fact):
        return Outputs()  # nothing new: no one needs telling
    out = Outputs()
    if len(state.sellers) < 2:
        return out
    members = tuple((s, float(first or 0.0), flagged)
                    for s, (first, flagged) in sorted(state.sellers.items()))
    for seller, _, _ in members:
        out.facts.append(NetworkFact(f"{fact.fact_id}>{seller}", seller, fact.ts, state.phash,
                                     members, state.stock_since))
    return out


def _record(state: ImageState, fact: ImageFact) -> bool:
    """Fold the fact into the membership; whether anything changed."""
    entry = state.sellers.get(fact.seller_id)
    if entry is None:
        entry = [fact.ts, fact.ts if fact.flagged else None]
        state.sellers[fact.seller_id] = entry
        return _bound(state, fact.seller_id)
    first, flagged = entry
    new_first = min(float(first or 0.0), fact.ts)
    new_flagged = earliest(flagged, fact.ts) if fact.flagged else flagged
    if [new_first, new_flagged] == entry:
        return False
    entry[0], entry[1] = new_first, new_flagged
    return True


def _bound(state: ImageState, added: str) -> bool:
    """Keep the MAX + 1 earliest users, whatever order they arrive in."""
    if len(state.sellers) <= MAX_SELLERS_PER_IMAGE + 1:
        if len(state.sellers) == MAX_SELLERS_PER_IMAGE + 1:
            state.stock_since = _latest(state)[1]
        return True
    latest, _ = _latest(state)
    del state.sellers[latest]
    state.stock_since = _latest(state)[1]
    return latest != added


def _latest(state: ImageState) -> tuple[str, float]:
    seller, (first, _) = max(state.sellers.items(), key=lambda kv: (kv[1][0] or 0.0, kv[0]))
    return seller, float(first or 0.0)
