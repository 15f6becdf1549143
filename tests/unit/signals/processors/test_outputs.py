"""What a processor returns: fresh lists per instance, and extend that gathers them."""

from __future__ import annotations

from signals.contract.alert import Alert, Reason
from signals.model.online import RiskModel
from signals.model.prior import rule_prior
from signals.policy.config import PolicyConfig
from signals.processors.messages import ImageFact
from signals.processors.outputs import Context, Outputs
from signals.registry import Registry

ALERT = Alert("al_1", "listing", "L1", "L1", "S1", None, 0.9, "high",
              (Reason("DEEP_STOCK", "Deep stock."),), "lr1-0", "e1", "t1", "")


def test_outputs_never_share_their_lists() -> None:
    a, b = Outputs(), Outputs()
    a.alerts.append(ALERT)
    assert b.alerts == [] and b.facts == [] and b.scored == [] and not b.duplicate


def test_extend_gathers_alerts_facts_and_scored_in_order() -> None:
    fact = ImageFact("f1", "00ff00ff00ff00ff", 1.0, "S1", False)
    total = Outputs(alerts=[ALERT])
    total.extend(Outputs(facts=[fact], duplicate=True))
    total.extend(Outputs(alerts=[ALERT]))
    assert total.alerts == [ALERT, ALERT] and total.facts == [fact]
    assert not total.duplicate  # a duplicate part does not make the whole one


def test_a_context_observes_nothing_and_has_no_shadow_unless_asked() -> None:
    ctx = Context(Registry(), {}, RiskModel(rule_prior), PolicyConfig(), now=5.0)
    assert ctx.shadow is None and ctx.observe is False and ctx.now == 5.0
