"""The learner processor: one online model for the whole deployment.

Receives training examples (the features a listing had when it was scored,
joined with the enforcement decision) and learns from them; the caller
publishes the model snapshot it returns for every scorer to use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from signals.aggregates.dedup import Deduplicator
from signals.model.online import RiskModel
from signals.model.prior import rule_prior
from signals.processors.messages import TrainingExample

__all__ = ["LearnerState", "process_example"]


@dataclass(slots=True)
class LearnerState:
    model: RiskModel = field(default_factory=lambda: RiskModel(rule_prior))
    dedup: Deduplicator = field(default_factory=lambda: Deduplicator(horizon=30 * 86400.0))
    #: the other lineages (challenger, promoted ones) by name: they learn from every label
    #: too (signals.governance.lineages)
    challengers: dict[str, RiskModel] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = {"model": self.model.to_dict(), "dedup": self.dedup.to_dict()}
        if self.challengers:
            data["challengers"] = {k: m.to_dict() for k, m in self.challengers.items()}
        return data

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LearnerState:
        return cls(RiskModel.from_dict(d["model"], rule_prior), Deduplicator.from_dict(d["dedup"]),
                   {k: RiskModel.from_dict(m, rule_prior)
                    for k, m in d.get("challengers", {}).items()})


def process_example(state: LearnerState, example: TrainingExample) -> bool:
    """Learn from one example; False when it was a redelivery."""
    if not state.dedup.first_time(example.fact_id, example.ts):
        return False
    state.model.learn_one(example.features, example.label, example.scored_probability,
                          delay_seconds=max(0.0, example.ts - example.scored_at))
    for challenger in state.challengers.values():
        # progressive: each scores the example itself before learning from it
        challenger.learn_one(example.features, example.label,
                             delay_seconds=max(0.0, example.ts - example.scored_at))
    return True
