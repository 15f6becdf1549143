"""Severity capped by the kind of evidence: honest look-alikes never reach critical,
counterfeit tells do; report outcomes and authorization weigh for the seller."""

from __future__ import annotations

from signals.contract.alert import Alert
from signals.contract.events import BrandEvent, ListingEvent, ReportEvent
from signals.model.online import RiskModel
from signals.model.prior import rule_prior
from signals.policy.config import PolicyConfig
from signals.processors import Context, SellerState, process_seller
from signals.registry import Registry

DAY = 86400.0
OFFICIAL = ("00000000000000ff", "0000000000ff0000")
VELMORA = BrandEvent("b0", "t", 0.0, "velmora", "Velmora", protected_terms=("Celeste",),
                     authorized_sellers=("store",), reference_price=1000.0, currency="EUR",
                     official_image_phashes=OFFICIAL)


def _ctx() -> Context:
    return Context(Registry.from_brands([VELMORA]), {}, RiskModel(rule_prior), PolicyConfig(), 0.0)


def _listing(n: int, seller: str, title: str, price: float, images: tuple[str, ...],
             since_days: float = 2000.0, quantity: int = 5) -> ListingEvent:
    return ListingEvent(f"e{seller}{n}", "t", n * 3 * 3600.0, "created", f"l{seller}{n}",
                        seller, title=title, brand_id="velmora", price=price, currency="EUR",
                        image_phashes=images, ship_from="HK", quantity=quantity,
                        seller_since_ts=-since_days * DAY)


def _run(events: list[ListingEvent | ReportEvent], seller: str) -> list[Alert]:
    state, ctx, alerts = SellerState.create(seller), _ctx(), []
    for event in events:
        alerts.extend(process_seller(state, event, ctx).alerts)
    return alerts


def test_a_gray_market_importer_never_gets_a_critical_alert() -> None:
    # genuine goods off the authorized list: discounted, only the brand's photos, old account
    events = [_listing(n, "gray", "Velmora Celeste Tote - EU import", 620.0, OFFICIAL)
              for n in range(12)]
    alerts = _run(list(events), "gray")
    assert all(a.severity != "critical" for a in alerts)
    assert all(a.severity == "low" for a in alerts if a.entity_type == "listing")


def test_counterfeit_vocabulary_reaches_critical_for_listing_and_seller() -> None:
    events = [_listing(n, "fake", "Velmora Celeste Tote replica 1:1 AAA", 150.0, OFFICIAL,
                       since_days=3.0, quantity=500) for n in range(6)]
    alerts = _run(list(events), "fake")
    assert {"listing", "seller"} <= {a.entity_type for a in alerts if a.severity == "critical"}


def test_authorized_sellers_discount_is_no_evidence() -> None:
    events = [_listing(n, "store", "Velmora Celeste Tote - SALE", 500.0, OFFICIAL)
              for n in range(6)]
    assert _run(list(events), "store") == []


def test_rejected_reports_count_for_the_seller() -> None:
    def report(n: int, status: str) -> ReportEvent:
        return ReportEvent(f"r{n}{status}", "t", n * 3 * 3600.0 + 60.0, f"rep{n}",
                           f"lgray{n}", "gray", "rights_owner", "counterfeit", status,
                           "velmora")  # type: ignore[arg-type]

    events: list[ListingEvent | ReportEvent] = []
    for n in range(8):
        events += [_listing(n, "gray", "Velmora Celeste Tote - EU import", 600.0, OFFICIAL),
                   report(n, "filed"), report(n, "rejected")]
    events.append(_listing(9, "gray", "Velmora Celeste Tote - EU import", 300.0, OFFICIAL))
    alerts = _run(events, "gray")
    assert all(a.severity != "critical" for a in alerts)
    reasons = {r.code for a in alerts for r in a.reasons}
    assert "REPORTS_REJECTED" in reasons and "OPEN_INFRINGEMENT_REPORTS" not in reasons
