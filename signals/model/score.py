"""A scored listing's probability and what it is made of.

>>> score = ModelScore(0.3, 0.3, None, 0.0, {"a": 0.1, "b": -0.5})
>>> score.probability, score.contributions
(0.3, {'b': -0.5, 'a': 0.1})
"""

from __future__ import annotations

from collections.abc import Mapping

from signals.model.blend import blend_contributions, strongest_first

__all__ = ["ModelScore"]


class ModelScore:
    """A blended score and what it is made of.

    ``contributions`` (per feature, strongest first) are blended and ordered when
    first read, from the prior's and the learned model's parts kept at scoring
    time: every listing is scored, few are explained, and ordering the parts was
    most of what a score cost. Equal scores have equal fields and contributions.

    >>> ModelScore(0.3, 0.3, None, 0.0, {"a": 0.1, "b": -0.5}).contributions
    {'b': -0.5, 'a': 0.1}
    """

    def __init__(self, probability: float, prior: float, learned: float | None, trust: float,
                 contributions: Mapping[str, float] | None = None) -> None:
        self.probability = probability
        self.prior = prior
        self.learned = learned
        self.trust = trust
        self._prior_parts: Mapping[str, float] = {} if contributions is None else contributions
        self._learned_parts: Mapping[str, float] | None = None
        self._ordered: dict[str, float] | None = None

    @classmethod
    def blended(cls, probability: float, prior: float, learned: float, trust: float,
                prior_parts: Mapping[str, float], learned_parts: Mapping[str, float],
                ) -> ModelScore:
        """A score whose contributions are ``blend_contributions`` of the parts, on demand."""
        score = cls(probability, prior, learned, trust, prior_parts)
        score._learned_parts = learned_parts
        return score

    @property
    def contributions(self) -> dict[str, float]:
        """Per-feature contributions to the score's log-odds, strongest first."""
        ordered = self._ordered
        if ordered is None:
            learned = self._learned_parts
            ordered = self._ordered = (
                strongest_first(self._prior_parts) if learned is None
                else blend_contributions(self._prior_parts, learned, self.trust))
        return ordered

    def with_probability(self, probability: float) -> ModelScore:
        """The same score and parts with another probability (a policy floor)."""
        score = ModelScore(probability, self.prior, self.learned, self.trust, self._prior_parts)
        score._learned_parts, score._ordered = self._learned_parts, self._ordered
        return score

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ModelScore):
            return NotImplemented
        return (self.probability, self.prior, self.learned, self.trust, self.contributions) == (
            other.probability, other.prior, other.learned, other.trust, other.contributions)

    def __repr__(self) -> str:
        return (f"ModelScore(probability={self.probability!r}, prior={self.prior!r}, "
                f"learned={self.learned!r}, trust={self.trust!r}, "
                f"contributions={self.contributions!r})")
