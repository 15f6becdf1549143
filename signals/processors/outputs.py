"""What a processor returns besides its new state, and what it reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from signals.contract.alert import Alert
from signals.features.listing import BrandView
from signals.governance.observation import ScoredListing
from signals.model.online import RiskModel
from signals.policy.config import PolicyConfig
from signals.processors.messages import Fact
from signals.registry import Registry

__all__ = ["Context", "Outputs"]


@dataclass(slots=True)
class Outputs:
    alerts: list[Alert] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    duplicate: bool = False
    #: scored listings, only when the Context asks for them (governance)
    scored: list[ScoredListing] = field(default_factory=list)

    # Written out rather than generated: mypyc compiles a dataclass's own __init__ to
    # native code but leaves the generated one interpreted, and one is made per message.
    def __init__(self, alerts: list[Alert] | None = None, facts: list[Fact] | None = None,
                 duplicate: bool = False, scored: list[ScoredListing] | None = None) -> None:
        self.alerts = [] if alerts is None else alerts
        self.facts = [] if facts is None else facts
        self.duplicate = duplicate
        self.scored = [] if scored is None else scored

    def extend(self, other: Outputs) -> None:
        self.alerts.extend(other.alerts)
        self.facts.extend(other.facts)
        self.scored.extend(other.scored)


@dataclass(slots=True)
class Context:
    """Read-only views every seller processor consults (global tables when live).

    ``now`` is the wall-clock processing time, used only for ``created_at``.
    ``shadow`` is the challenger that scores every listing without alerting, and
    ``observe`` asks for a :class:`ScoredListing` of every listing scored.
    """

    registry: Registry
    brand_views: Mapping[str, BrandView]
    model: RiskModel
    policy: PolicyConfig
    now: float
    shadow: RiskModel | None = None
    observe: bool = False
