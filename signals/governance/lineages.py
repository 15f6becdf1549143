"""Which models exist, which one serves an event, and which one shadows it.

The default lineage (``lr1``) is the champion until a promotion says otherwise. The
challenger (a setting, :mod:`signals.governance.spec`) and every lineage a promotion
names are trained by the learner on every label, so a promotion or rollback switches
to a model that has learned from the same labels as a replay from the start would.
The shadow is the challenger while it is not champion, and the default lineage once it
is: the model just replaced keeps being measured beside the new one.

>>> from signals.governance.spec import parse_spec
>>> lineages = Lineages(parse_spec("sgd05:optimizer=sgd"))
>>> learner = LearnerState()
>>> ensure_models(learner, lineages)
>>> sorted(learner.challengers), lineages.roles_at(0.0)
(['sgd05'], ('lr1', 'sgd05'))
>>> Lineages(None).roles_at(0.0)
('lr1', None)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from signals.governance.control import ChampionTimeline, ControlRecord
from signals.model.online import MODEL_FAMILY, ModelConfig, RiskModel
from signals.model.prior import rule_prior
from signals.processors.learner import LearnerState
from signals.processors.outputs import Context

__all__ = ["Lineages", "ensure_models", "model_named", "select_models", "select_published"]


class Lineages:
    """The challenger setting plus the promotion and rollback records."""

    def __init__(self, challenger: ModelConfig | None,
                 controls: Sequence[ControlRecord] = ()) -> None:
        self.challenger = challenger
        self.timeline = ChampionTimeline(controls)
        self._configs = self.timeline.configs()
        if challenger is not None:
            self._configs[challenger.name] = challenger

    def configs(self) -> dict[str, ModelConfig]:
        """Every lineage besides the default one, by name."""
        return dict(self._configs)

    def roles_at(self, ts: float) -> tuple[str, str | None]:
        """(champion, shadow) lineage names for an event at event time ``ts``."""
        champion = self.timeline.champion_at(ts)
        if self.challenger is None:
            return champion, None
        if champion == self.challenger.name:
            return champion, MODEL_FAMILY
        return champion, self.challenger.name


def ensure_models(learner: LearnerState, lineages: Lineages) -> None:
    """Give the learner a fresh model for every lineage it does not train yet."""
    for name, config in lineages.configs().items():
        if name not in learner.challengers:
            learner.challengers[name] = RiskModel(rule_prior, config)


def model_named(learner: LearnerState, name: str) -> RiskModel:
    """The learner's model of lineage ``name`` (the default one if it has none)."""
    if name == MODEL_FAMILY:
        return learner.model
    return learner.challengers.get(name, learner.model)


def select_models(ctx: Context, learner: LearnerState, lineages: Lineages, ts: float) -> None:
    """Point ``ctx`` at the champion and shadow models for an event at ``ts`` (replay)."""
    champion, shadow = lineages.roles_at(ts)
    ctx.model = model_named(learner, champion)
    ctx.shadow = None if shadow is None else model_named(learner, shadow)
    ctx.observe = True


def select_published(ctx: Context, lookup: Callable[[str], RiskModel], lineages: Lineages,
                     ts: float) -> None:
    """The same from published snapshots (live): ``lookup`` gives a lineage's latest."""
    champion, shadow = lineages.roles_at(ts)
    ctx.model = lookup(champion)
    ctx.shadow = None if shadow is None else lookup(shadow)
    ctx.observe = True
