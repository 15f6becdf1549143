"""The observation of one scored listing: champion score, and the challenger's shadow one."""

from __future__ import annotations

from signals.contract.events import ListingEvent
from signals.features.listing import Evidence
from signals.governance.observation import observe_listing
from signals.governance.spec import parse_spec
from signals.model.online import RiskModel
from signals.model.prior import rule_prior

EV = ListingEvent("e1", "2026-11-01T00:00:00Z", 0.0, "created", "L1", "S1")
X = {"counterfeit_vocab": 1.0, "price_discount": 0.8}
EVIDENCE = Evidence("B1", 100.0, 0.2, None, ("replica",), (), (), None)


def test_without_a_shadow_only_the_champion_is_recorded() -> None:
    champion = RiskModel(rule_prior)
    scored = champion.score_one(X)
    seen = observe_listing(EV, X, EVIDENCE, scored, True, champion.version, None, 0.95)
    assert (seen.probability, seen.version, seen.alerted) == (
        scored.probability, champion.version, True)
    assert (seen.brand_id, seen.listing_level, seen.price_ratio) == ("B1", True, 0.2)
    assert seen.shadow_probability is None and seen.shadow_version is None


def test_the_shadow_scores_the_same_vector_with_the_same_rule_floor() -> None:
    shadow = RiskModel(rule_prior, parse_spec(
        "sgd05:optimizer=sgd,learning_rate=0.5,warmup_labels=0,full_trust_labels=1"))
    for _ in range(60):  # teach the shadow that this vector is harmless
        shadow.learn_one(X, False)
        shadow.learn_one({"price_discount": 0.1}, True)
    raw = shadow.score_one(X)
    assert raw.probability < raw.prior
    champion = RiskModel(rule_prior)
    scored = champion.score_one(X)
    floored = observe_listing(EV, X, EVIDENCE, scored, True, "v", shadow, rule_floor=0.0)
    unfloored = observe_listing(EV, X, EVIDENCE, scored, True, "v", shadow, rule_floor=1.01)
    assert unfloored.shadow_probability == raw.probability
    assert floored.shadow_probability == raw.prior
    assert floored.shadow_version == shadow.version and shadow.version.startswith("sgd05-")
