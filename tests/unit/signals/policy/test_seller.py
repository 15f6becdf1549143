"""The seller score: saturates instead of overflowing, and names the parts behind it."""

from __future__ import annotations

from signals.features.listing import SellerSignals
from signals.policy.seller import seller_score


def test_the_seller_score_saturates_and_names_its_parts() -> None:
    s = SellerSignals(1.0, 1e9, 50, 1.0, 1e9, 0.0, 1e9, 10, 10)
    score, parts = seller_score(10**9, s)
    assert score <= 1.0 and next(iter(parts)) in {"RISKY_LISTINGS", "PRIOR_UPHELD_REPORTS",
                                                  "LISTING_BURST"}
    quiet, none = seller_score(0, SellerSignals(400.0, 0.0, 1, 0.05, 0.0, 0.0, 0.0, 0, 0))
    assert quiet < 0.05 and none == {}
