"""How much the learned model is trusted beside the transparent rule prior.

The learned model earns its say twice over: by the number of delayed labels it
has learned from, and by how well it ranked those labels before learning from
them (its progressive ROC AUC). The trust is capped so that the transparent
prior always keeps part of every score::

    ramp(n)  = 0                                   if n < warmup_labels
             = (n - warmup) / (full - warmup)      between, clipped to [0, 1]
    skill(a) = clip((a - floor) / auc_span, 0, 1)    (0 while the AUC is undefined)
    floor    = max(auc_floor, p - prior_margin)      p: the rule prior's progressive AUC
    trust    = min(max_trust, ramp(n) * skill(a))

The floor rises with the prior's own AUC on the same labels: a learned model
that ranks them no better than the transparent rules gets little say (at equal
AUC, ``prior_margin / auc_span`` of the ramp), one that beats them gets more.

    probability    = (1 - trust) * prior + trust * learned
    contribution_f = (1 - trust) * prior_f + trust * learned_f

>>> schedule = TrustSchedule(warmup_labels=50, full_trust_labels=400)
>>> schedule.trust(labels_seen=49, learned_auc=0.95)
0.0
>>> schedule.trust(labels_seen=225, learned_auc=0.675)
0.25
>>> schedule.trust(labels_seen=10_000, learned_auc=0.99)
0.8
>>> round(schedule.trust(labels_seen=10_000, learned_auc=0.85, prior_auc=0.85), 6)  # little
0.2
>>> schedule.trust(labels_seen=10_000, learned_auc=0.80, prior_auc=0.86)  # worse: none
0.0
>>> blend_probability(prior=0.2, learned=0.6, trust=0.25)
0.30000000000000004
>>> blend_contributions({"price_discount": 1.0}, {"price_discount": 3.0, "x": -0.4}, 0.5)
{'price_discount': 2.0, 'x': -0.2}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["TrustSchedule", "blend_contributions", "blend_probability", "strongest_first"]


@dataclass(frozen=True)
class TrustSchedule:
    """Parameters of the trust formula in the module docstring."""

    warmup_labels: int = 50
    full_trust_labels: int = 400
    auc_floor: float = 0.55
    auc_span: float = 0.25
    max_trust: float = 0.8
    prior_margin: float = 0.05

    def __post_init__(self) -> None:
        if not 0 <= self.warmup_labels <= self.full_trust_labels:
            raise ValueError("need 0 <= warmup_labels <= full_trust_labels")
        if self.auc_span <= 0:
            raise ValueError("auc_span must be positive")
        if not 0.0 <= self.max_trust <= 1.0:
            raise ValueError("max_trust must be within [0, 1]")

    def label_ramp(self, labels_seen: int) -> float:
        """0 before warm-up, then linear up to 1 at ``full_trust_labels``."""
        if labels_seen < self.warmup_labels:
            return 0.0
        span = self.full_trust_labels - self.warmup_labels
        if span == 0:
            return 1.0
        return _clip01((labels_seen - self.warmup_labels) / span)

    def skill(self, learned_auc: float | None, prior_auc: float | None = None) -> float:
        """How far the progressive AUC is above the floor (chance plus a margin, or the
        prior's AUC less ``prior_margin``), in [0, 1]."""
        if learned_auc is None:
            return 0.0
        floor = self.auc_floor
        if prior_auc is not None:
            floor = max(floor, prior_auc - self.prior_margin)
        return _clip01((learned_auc - floor) / self.auc_span)

    def trust(self, labels_seen: int, learned_auc: float | None,
              prior_auc: float | None = None) -> float:
        """Weight of the learned model in the blend, in [0, max_trust]."""
        return min(self.max_trust,
                   self.label_ramp(labels_seen) * self.skill(learned_auc, prior_auc))


def blend_probability(prior: float, learned: float, trust: float) -> float:
    """Convex mix of the prior and learned probabilities."""
    return (1.0 - trust) * prior + trust * learned


def blend_contributions(
    prior: Mapping[str, float], learned: Mapping[str, float], trust: float
) -> dict[str, float]:
    """Mix per-feature contributions the same way as the probability, strongest first."""
    keep = 1.0 - trust
    prior_of = prior.get
    # each name once, learned names first (the learned model scores every feature); the
    # order is set by the sort, the arithmetic is the same for every name
    ranked: list[tuple[float, str, float]] = []
    for name, learned_value in learned.items():
        value = keep * prior_of(name, 0.0) + trust * learned_value
        ranked.append((-abs(value), name, value))
    for name, prior_value in prior.items():
        if name not in learned:
            value = keep * prior_value + trust * 0.0  # what a learned 0.0 adds (-0.0 -> 0.0)
            ranked.append((-abs(value), name, value))
    ranked.sort()
    return {name: value for _, name, value in ranked}


def strongest_first(contributions: Mapping[str, float]) -> dict[str, float]:
    """Order by absolute size, largest first; ties by name so the order is stable.

    >>> strongest_first({"b": 0.5, "a": -0.5, "c": 2.0})
    {'c': 2.0, 'a': -0.5, 'b': 0.5}
    """
    ranked = sorted([(-abs(value), name, value) for name, value in contributions.items()])
    return {name: value for _, name, value in ranked}


def _clip01(value: float) -> float:
    return min(1.0, max(0.0, value))
