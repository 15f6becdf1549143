"""The image processor: which sellers use the same image (seller networks).

Keyed by perceptual hash. When a hash gains a seller, or a seller using it is
flagged, every seller using it is told who else does (a :class:`NetworkFact`),
so a new account reusing a flagged network's photos inherits that risk.

>>> state = ImageState.create("00ff00ff00ff00ff")
>>> out = process_image(state, ImageFact("f1", "00ff00ff00ff00ff", 0.0, "s1", True))
>>> out = process_image(state, ImageFact("f2", "00ff00ff00ff00ff", 1.0, "s2", False))
>>> [(f.seller_id, f.flagged_sellers) for f in out.facts]
[('s1', ()), ('s2', ('s1',))]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from signals.aggregates.dedup import Deduplicator
from signals.processors.messages import ImageFact, NetworkFact
from signals.processors.outputs import Outputs

__all__ = ["ImageState", "process_image"]

#: more sellers than this on one hash is a stock photo, not a network
MAX_SELLERS_PER_IMAGE = 50


@dataclass(slots=True)
class ImageState:
    phash: str
    sellers: dict[str, bool] = field(default_factory=dict)
    dedup: Deduplicator = field(default_factory=Deduplicator)

    @classmethod
    def create(cls, phash: str) -> ImageState:
        return cls(phash=phash)

    def to_dict(self) -> dict[str, Any]:
        return {"phash": self.phash, "sellers": self.sellers, "dedup": self.dedup.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ImageState:
        return cls(d["phash"], dict(d["sellers"]), Deduplicator.from_dict(d["dedup"]))


def process_image(state: ImageState, fact: ImageFact) -> Outputs:
    if not state.dedup.first_time(fact.fact_id, fact.ts):
        return Outputs(duplicate=True)
    before = state.sellers.get(fact.seller_id)
    flagged = fact.flagged or bool(before)
    if before == flagged:
        return Outputs()  # nothing new: no one needs telling
    if before is None and len(state.sellers) >= MAX_SELLERS_PER_IMAGE:
        return Outputs()
    state.sellers[fact.seller_id] = flagged
    out = Outputs()
    if len(state.sellers) < 2:
        return out
    ordered = sorted(state.sellers)
    for seller in ordered:
        others = tuple([s for s in ordered if s != seller])
        bad = tuple([s for s in others if state.sellers[s]])
        out.facts.append(NetworkFact(f"{fact.fact_id}>{seller}", seller, fact.ts, state.phash,
                                     others, bad))
    return out
