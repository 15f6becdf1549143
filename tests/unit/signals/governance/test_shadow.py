"""Champion against challenger: decisions at the threshold, lineage figures, shadow alerts."""

from __future__ import annotations

import pytest

from signals.contract.events import ListingEvent
from signals.governance.observation import ScoredListing
from signals.governance.shadow import (
    DECISIONS,
    decision,
    is_risky,
    lineage_figures,
    shadow_alerts,
)
from signals.model.online import RiskModel
from signals.model.prior import rule_prior


def _seen(listing: str, champion: float, challenger: float | None, level: bool = True,
          ts: float = 0.0) -> ScoredListing:
    ev = ListingEvent("e", f"t{ts}", ts, "created", listing, "S1")
    return ScoredListing(ev, "B1", level, champion, "lr1-3", champion >= 0.6, None,
                         challenger, None if challenger is None else "sgd05-3")


@pytest.mark.parametrize(("champion", "challenger", "expected"), [
    (0.6, 0.6, "both_risky"), (0.9, 0.59, "champion_only"), (0.1, 0.7, "challenger_only"),
    (0.59, None, "neither"), (0.1, 0.1, "neither")])
def test_decisions_at_the_threshold(champion: float, challenger: float | None,
                                    expected: str) -> None:
    assert decision(_seen("L", champion, challenger), 0.6) == expected
    assert expected in DECISIONS


def test_a_listing_without_listing_level_evidence_is_risky_for_neither() -> None:
    seen = _seen("L", 0.99, 0.99, level=False)
    assert not is_risky(seen, 0.6) and decision(seen, 0.6) == "neither"


def test_shadow_alerts_are_the_first_risky_scoring_of_each_listing_per_side() -> None:
    scored = [_seen("L1", 0.2, 0.7, ts=1.0), _seen("L1", 0.8, 0.9, ts=2.0),
              _seen("L2", 0.9, None, ts=3.0), _seen("L3", 0.9, 0.9, level=False, ts=4.0)]
    shadow = shadow_alerts(scored, 0.6, shadow=True)
    champion = shadow_alerts(scored, 0.6, shadow=False)
    assert [(a["entity_id"], a["score"], a["trigger_event_time"]) for a in shadow] == [
        ("L1", 0.7, "t1.0")]
    assert [(a["entity_id"], a["score"], a["model_version"]) for a in champion] == [
        ("L1", 0.8, "lr1-3"), ("L2", 0.9, "lr1-3")]
    assert shadow[0]["alert_id"] == "shadow:L1" and champion[0]["alert_id"] == "champion:L1"


def test_lineage_figures_are_none_before_labels_and_count_labels_after() -> None:
    model = RiskModel(rule_prior)
    before = lineage_figures(model)
    assert before["brier"] is None and before["labels"] == 0.0
    model.learn_one({"counterfeit_vocab": 1.0}, True, 0.9)
    model.learn_one({"counterfeit_vocab": 0.0}, False, 0.2)
    after = lineage_figures(model)
    assert after["labels"] == 2.0
    assert after["brier"] == pytest.approx((0.1 ** 2 + 0.2 ** 2) / 2)
    assert after["served_roc_auc"] == 1.0
