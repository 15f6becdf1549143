"""Listing alerts: the rule floor, the severity the evidence allows, and the alert itself."""

from __future__ import annotations

import pytest

from signals.contract.events import BrandEvent, ListingEvent
from signals.features.listing import Evidence
from signals.features.vector import pack
from signals.model.online import RiskModel
from signals.model.prior import rule_prior
from signals.model.score import ModelScore
from signals.policy.config import PolicyConfig
from signals.policy.listing import listing_alert, listing_severity, with_rule_floor
from signals.processors.outputs import Context
from signals.processors.seller_state import ListingSnapshot
from signals.registry import Registry

VOCAB = Evidence("b1", 100.0, 0.3, None, ("replica",), (), (), False)
QUIET = Evidence(None, None, None, None, (), (), (), None, "compat")
EV = ListingEvent("e9", "2026-11-27T14:03:11.250Z", 1000.0, "created", "L1", "S1",
                  brand_id="b1")


def _ctx() -> Context:
    reg = Registry.from_brands([BrandEvent("e", "t", 0.0, "b1", "Velmora")])
    return Context(reg, {}, RiskModel(rule_prior), PolicyConfig(), now=0.0)


def test_the_rule_floor_lifts_only_listing_level_evidence_the_prior_is_sure_of() -> None:
    low = ModelScore(0.4, 0.97, 0.2, 0.9)
    assert with_rule_floor(low, VOCAB, 0.95).probability == 0.97
    assert with_rule_floor(low, VOCAB, 0.98) is low
    assert with_rule_floor(low, QUIET, 0.95) is low  # seller history alone is no floor
    high = ModelScore(0.99, 0.97, 0.99, 0.9)
    assert with_rule_floor(high, VOCAB, 0.95) is high  # never lowers a score


@pytest.mark.parametrize(("probability", "x", "expected"), [
    (0.59, {"counterfeit_vocab": 1.0}, None), (0.6, {"counterfeit_vocab": 1.0}, "low"),
    (0.97, {"counterfeit_vocab": 1.0}, "critical"), (0.97, {"seller_young": 1.0}, "high"),
    (0.9, {"price_discount": 1.0}, None), (0.97, {"price_discount": 1.0}, "low")])
def test_the_severity_is_capped_by_the_kind_of_evidence(
        probability: float, x: dict[str, float], expected: str | None) -> None:
    assert listing_severity(probability, VOCAB, x, threshold=0.6) == expected


def test_no_severity_without_listing_level_evidence() -> None:
    assert listing_severity(0.99, QUIET, {"seller_upheld": 3.0}, 0.6) is None


def test_an_alert_names_the_listing_the_brand_and_only_present_features() -> None:
    snap = ListingSnapshot("L1", 1000.0, "b1", pack({"counterfeit_vocab": 1.0}), 0.97)
    scored = ModelScore(0.97, 0.97, None, 0.0,
                        {"counterfeit_vocab": 2.5, "unauthorized": 0.8, "seller_young": 0.3})
    alert = listing_alert(snap, EV, scored, VOCAB, _ctx(), "critical")
    assert alert is not None
    assert (alert.entity_type, alert.entity_id, alert.seller_id, alert.brand_id) == (
        "listing", "L1", "S1", "b1")
    assert [r.code for r in alert.reasons] == ["COUNTERFEIT_VOCABULARY"]
    assert (alert.trigger_event_id, alert.trigger_event_time) == ("e9", EV.event_time)
    assert alert.created_at == "1970-01-01T00:00:00.000Z" and alert.score == 0.97


def test_no_alert_inside_the_cool_down_or_without_anything_to_say() -> None:
    scored = ModelScore(0.97, 0.97, None, 0.0, {"counterfeit_vocab": 2.5})
    cooling = ListingSnapshot("L1", 1000.0, "b1", pack({"counterfeit_vocab": 1.0}), 0.97,
                              severity="critical", alerted_at=900.0)
    assert listing_alert(cooling, EV, scored, VOCAB, _ctx(), "critical") is None
    silent = ListingSnapshot("L1", 1000.0, "b1", pack({}), 0.97)
    assert listing_alert(silent, EV, scored, VOCAB, _ctx(), "critical") is None


def test_the_next_alert_at_a_severity_gets_the_next_id() -> None:
    scored = ModelScore(0.97, 0.97, None, 0.0, {"counterfeit_vocab": 2.5})
    first = ListingSnapshot("L1", 1000.0, "b1", pack({"counterfeit_vocab": 1.0}), 0.97)
    again = ListingSnapshot("L1", 1000.0, "b1", pack({"counterfeit_vocab": 1.0}), 0.97,
                            raised={"critical": 1})
    a = listing_alert(first, EV, scored, VOCAB, _ctx(), "critical")
    b = listing_alert(again, EV, scored, VOCAB, _ctx(), "critical")
    assert a is not None and b is not None and a.alert_id != b.alert_id
