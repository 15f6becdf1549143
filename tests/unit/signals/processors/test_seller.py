"""The seller processor: labels train on frozen features, evidence gates, image networks."""

from __future__ import annotations

from typing import Any

import pytest

from signals.contract.events import BrandEvent, ListingEvent, OrderEvent, ReportEvent
from signals.model.online import RiskModel
from signals.model.prior import rule_prior
from signals.model.score import ModelScore
from signals.policy.config import PolicyConfig
from signals.processors import (
    Context,
    ImageFact,
    SellerState,
    TrainingExample,
    process_seller,
)
from signals.registry import Registry
from streams.worker.monitoring.build_info import running_build

DAY = 86400.0
OFFICIAL = "00000000000000ff"
OWN_PHOTO = "123456789abcdef0"
VELMORA = BrandEvent("b0", "t", 0.0, "velmora", "Velmora", protected_terms=("Celeste",),
                     authorized_sellers=("store",), reference_price=1000.0, currency="EUR",
                     official_image_phashes=(OFFICIAL,))


def _ctx() -> Context:
    return Context(Registry.from_brands([VELMORA]), {}, RiskModel(rule_prior), PolicyConfig(), 0.0)


def _listing(eid: str, ts: float, action: str = "created", *, title: str = "Velmora Celeste Tote",
             price: float = 950.0, brand: str | None = "velmora", seller: str = "s1",
             listing: str = "l1", images: tuple[str, ...] = ()) -> ListingEvent:
    return ListingEvent(eid, "t", ts, action, listing, seller, title=title,  # type: ignore[arg-type]
                        brand_id=brand, price=price, currency="EUR", image_phashes=images,
                        seller_since_ts=-1000 * DAY)


def _report(eid: str, ts: float, status: str, report: str = "r1") -> ReportEvent:
    return ReportEvent(eid, "t", ts, report, "l1", "s1", "rights_owner", "counterfeit",
                       status, "velmora")  # type: ignore[arg-type]


def _run(state: SellerState, ctx: Context, *events: Any) -> list[Any]:
    facts: list[Any] = []
    for ev in events:
        facts.extend(process_seller(state, ev, ctx).facts)
    return facts


def test_a_label_trains_on_the_features_frozen_when_the_report_was_filed() -> None:
    ctx, state = _ctx(), SellerState.create("s1")
    _run(state, ctx, _listing("e1", 0.0, price=900.0))
    at_filing = state.listings["l1"].feature_dict()
    _run(state, ctx, _report("e2", DAY, "filed"))
    # the seller reacts to the report: the listing now looks different
    _run(state, ctx, _listing("e3", 2 * DAY, "updated", price=150.0,
                              title="Velmora Celeste replica"))
    assert state.listings["l1"].feature_dict() != at_filing
    facts = _run(state, ctx, _report("e4", 3 * DAY, "upheld"))
    examples = [f for f in facts if isinstance(f, TrainingExample)]
    assert len(examples) == 1
    assert examples[0].label is True
    assert examples[0].features == at_filing
    assert examples[0].scored_at == 0.0


def test_a_decision_without_a_filing_trains_on_the_listing_as_scored_before_it() -> None:
    ctx, state = _ctx(), SellerState.create("s1")
    _run(state, ctx, _listing("e1", 0.0))
    scored = state.listings["l1"].feature_dict()
    facts = _run(state, ctx, _report("e2", DAY, "rejected", report="r9"))
    [example] = [f for f in facts if isinstance(f, TrainingExample)]
    assert example.label is False and example.features == scored


def test_a_decision_older_than_the_last_scoring_is_not_a_fair_example() -> None:
    ctx, state = _ctx(), SellerState.create("s1")
    _run(state, ctx, _listing("e1", 5 * DAY))
    facts = _run(state, ctx, _report("e2", DAY, "upheld", report="r9"))
    assert not [f for f in facts if isinstance(f, TrainingExample)]


def test_a_seller_with_upheld_reports_does_not_get_its_unbranded_mug_flagged() -> None:
    ctx, state = _ctx(), SellerState.create("s1")
    state.upheld_weight = 3.0
    state.report_weight = 3.0
    out = process_seller(state, _listing("e1", 0.0, title="Ceramic mug, blue", brand=None,
                                         price=9.0), ctx)
    assert not [a for a in out.alerts if a.entity_type == "listing"]
    assert "l1" not in state.risky


def test_a_counterfeit_listing_raises_a_listing_alert_with_listing_reasons() -> None:
    ctx, state = _ctx(), SellerState.create("s1")
    out = process_seller(state, _listing("e1", 0.0, title="Replica Velmora Celeste 1:1",
                                         price=120.0), ctx)
    [alert] = [a for a in out.alerts if a.entity_type == "listing"]
    codes = [r.code for r in alert.reasons]
    assert "COUNTERFEIT_VOCABULARY" in codes and "PRICE_FAR_BELOW_REFERENCE" in codes
    assert alert.brand_id == "velmora" and "l1" in state.risky


def test_official_brand_images_are_not_sent_to_the_image_network() -> None:
    ctx, state = _ctx(), SellerState.create("s1")
    facts = _run(state, ctx, _listing("e1", 0.0, images=(OFFICIAL, OWN_PHOTO)))
    sent = {f.phash for f in facts if isinstance(f, ImageFact)}
    assert sent == {OWN_PHOTO}


def test_a_near_copy_of_an_official_image_is_not_sent_either() -> None:
    ctx, state = _ctx(), SellerState.create("s1")
    near = "00000000000000fc"  # two bits off the official hash
    facts = _run(state, ctx, _listing("e1", 0.0, images=(near,)))
    assert not [f for f in facts if isinstance(f, ImageFact)]


def test_placed_orders_do_not_rescore_the_seller() -> None:
    ctx, state = _ctx(), SellerState.create("s1")
    state.upheld_weight = 3.0
    order = OrderEvent("o1", "t", 0.0, "o1", "l1", "s1", "b1", "placed", 10.0, "EUR", 1)
    out = process_seller(state, order, ctx)
    assert out.alerts == [] and state.aggregates.orders == {"placed": 1}


def test_a_redelivered_event_changes_nothing() -> None:
    ctx, state = _ctx(), SellerState.create("s1")
    ev = _listing("e1", 0.0, title="Replica Velmora Celeste", price=100.0)
    first = process_seller(state, ev, ctx)
    again = process_seller(state, ev, ctx)
    assert first.alerts and again.duplicate and not again.alerts and not again.facts


_COMPILED = running_build().kind == "compiled"


class _DoubtfulModel(RiskModel):
    """A learned model that has talked itself out of everything."""

    def score_one(self, x: Any) -> ModelScore:
        prior = super().score_one(x)
        return ModelScore(0.3, prior.prior, 0.1, 0.8, prior.contributions)


@pytest.mark.skipif(_COMPILED, reason="compiled classes cannot be subclassed by test code")
def test_overwhelming_rule_evidence_is_not_talked_down_by_the_learned_model() -> None:
    ctx = Context(Registry.from_brands([VELMORA]), {}, _DoubtfulModel(rule_prior),
                  PolicyConfig(), 0.0)
    state = SellerState.create("s1")
    out = process_seller(state, _listing("e1", 0.0, title="Replica Ve1mora Celeste 1:1",
                                         price=90.0), ctx)
    [alert] = [a for a in out.alerts if a.entity_type == "listing"]
    assert alert.score >= 0.95
    quiet = process_seller(SellerState.create("s2"), _listing(
        "e2", 0.0, title="Velmora Celeste Tote", price=990.0, seller="s2"), ctx)
    assert not quiet.alerts  # a merely plausible listing keeps the learned model's say


def test_alert_reasons_name_only_features_the_listing_has() -> None:
    from signals.features.listing import Evidence
    from signals.features.vector import pack
    from signals.policy.listing import listing_alert
    from signals.processors.seller_state import ListingSnapshot

    ctx = _ctx()
    ev = _listing("e1", 0.0, title="Velmora Celeste", price=300.0)
    features = {"price_discount": 0.7, "counterfeit_vocab": 0.0, "unauthorized": 1.0}
    snap = ListingSnapshot("l1", 0.0, "velmora", pack(features), 0.9)
    # a learned weight times a below-mean value contributes, but the title has no vocabulary
    scored = ModelScore(0.9, 0.8, 0.95, 0.5, {"counterfeit_vocab": 1.2, "price_discount": 1.0,
                                               "unauthorized": 0.5})
    evidence = Evidence("velmora", 1000.0, 0.3, None, (), (), (), False)
    alert = listing_alert(snap, ev, scored, evidence, ctx, "high")
    assert alert is not None
    assert [r.code for r in alert.reasons] == ["PRICE_FAR_BELOW_REFERENCE", "SELLER_NOT_AUTHORIZED"]


def test_a_listing_alert_id_names_the_alert_not_the_event_that_tipped_it() -> None:
    def first_alert(event_id: str) -> Any:
        out = process_seller(SellerState.create("s1"), _listing(
            event_id, 0.0, title="Replica Velmora Celeste 1:1", price=120.0), _ctx())
        return next(a for a in out.alerts if a.entity_type == "listing")

    one, other = first_alert("e1"), first_alert("e2")
    assert one.alert_id == other.alert_id
    assert (one.trigger_event_id, other.trigger_event_id) == ("e1", "e2")


def test_the_same_severity_again_after_the_cool_down_is_a_new_alert() -> None:
    ctx, state = _ctx(), SellerState.create("s1")
    fake = dict(title="Replica Velmora Celeste 1:1", price=120.0)
    again = ctx.policy.listing_cooldown + 1.0
    first = process_seller(state, _listing("e1", 0.0, **fake), ctx).alerts  # type: ignore[arg-type]
    inside = process_seller(state, _listing("e2", 60.0, "updated", **fake),  # type: ignore[arg-type]
                            ctx).alerts
    after = process_seller(state, _listing("e3", again, "updated", **fake),  # type: ignore[arg-type]
                           ctx).alerts
    listing = [[a for a in alerts if a.entity_type == "listing"]
               for alerts in (first, inside, after)]
    assert [len(x) for x in listing] == [1, 0, 1]
    assert listing[0][0].severity == listing[2][0].severity
    assert listing[0][0].alert_id != listing[2][0].alert_id
    assert state.listings["l1"].raised == {listing[0][0].severity: 2}
