"""Look-alike signals: bounded, monotone where their meaning says so, and zero without
evidence."""

from __future__ import annotations

import pytest

from signals.features.lookalikes import (
    CONDITION_PRICE_FACTOR,
    EDITED_MIN_BITS,
    LOOKALIKE_FEATURES,
    condition_adjusted_ratio,
    history_depth,
    image_provenance,
    offmarket,
    price_consistency,
    rejected_share,
    stock_features,
)
from signals.model.prior import rule_prior


def test_every_lookalike_feature_is_one_the_prior_knows() -> None:
    _, contributions = rule_prior(dict.fromkeys(LOOKALIKE_FEATURES, 1.0))
    assert len(set(LOOKALIKE_FEATURES)) == len(LOOKALIKE_FEATURES)
    unknown = [name for name in LOOKALIKE_FEATURES if name not in contributions]
    assert unknown == [] or set(unknown) <= {"seller_discount_mean", "seller_discount_spread"}


def test_more_rejections_weigh_more_and_upheld_reports_weigh_against() -> None:
    shares = [rejected_share(n, 0) for n in range(6)]
    assert shares == sorted(shares) and all(0 <= s < 1 for s in shares)
    assert rejected_share(3, 3) < rejected_share(3, 0)


def test_a_used_item_s_price_is_compared_with_used_prices() -> None:
    assert condition_adjusted_ratio(CONDITION_PRICE_FACTOR, True) == pytest.approx(1.0)
    assert condition_adjusted_ratio(0.3, False) == 0.3


@pytest.mark.parametrize(("ship_from", "currency", "expected"), [
    ("FR", "EUR", 0.0), ("GB", "EUR", 1.0), ("GB", "GBP", 0.0), ("CN", "USD", 1.0),
    ("US", None, 0.0), (None, None, 0.0)])
def test_offmarket_needs_both_a_warehouse_and_a_known_market(
        ship_from: str | None, currency: str | None, expected: float) -> None:
    assert offmarket(ship_from, currency) == expected


def test_history_depth_grows_with_orders_and_saturates() -> None:
    depths = [history_depth(n, 0.0, True)[0] for n in (0, 1, 10, 100, 200, 10_000)]
    assert depths == sorted(depths) and depths[0] == 0.0 and depths[-2:] == [1.0, 1.0]
    assert history_depth(0, 365.0, True)[1] == 1.0 and history_depth(0, 364.9, True)[1] == 0.0


def test_an_edited_official_image_is_one_a_few_bits_off_not_a_re_upload() -> None:
    assert image_provenance(["a"], {"a": EDITED_MIN_BITS - 1}) == (0.0, 0.0)
    assert image_provenance(["a"], {"a": EDITED_MIN_BITS}) == (0.0, 1.0)
    # the share counts distinct images: a photo listed twice is one photo
    assert image_provenance(["a", "a", "b"], {"b": 0}) == (0.5, 0.0)


@pytest.mark.parametrize(("quantity", "single"), [(0, 0.0), (1, 1.0), (2, 1.0), (3, 0.0)])
def test_one_or_two_on_offer_is_a_single_item(quantity: int, single: float) -> None:
    depth, got = stock_features(quantity)
    assert got == single and 0.0 <= depth <= 1.0
    assert stock_features(quantity + 10)[0] > depth


def test_price_consistency_clips_discounts_to_0_1() -> None:
    assert price_consistency([1.5, 2.0]) == (0.0, 0.0)  # above reference: no discount
    assert price_consistency([-1.0]) == (1.0, 0.0)
    mean, spread = price_consistency([0.5, 1.0])
    assert (mean, spread) == (0.25, 0.25)
