"""Alert reasons: one per code, strongest first, bounded, then what speaks for the listing."""

from __future__ import annotations

from signals.features.listing import Evidence
from signals.features.titles.index.brand_terms import TermMatch
from signals.policy.reasons import listing_reasons

PLAIN = Evidence("b1", 100.0, 0.3, None, ("replica", "1:1"), (), (), False)


def test_features_sharing_a_code_give_one_reason_at_the_strongest_value() -> None:
    reasons = listing_reasons({"deep_discount": 0.4, "price_discount": 1.2,
                               "discount_x_unauthorized": 0.9}, PLAIN, "Acme")
    assert [(r.code, r.contribution) for r in reasons] == [("PRICE_FAR_BELOW_REFERENCE", 1.2)]
    assert reasons[0].message == ("Price is 70% below Acme's reference price 100.00; "
                                  "genuine stock rarely sells this cheap.")


def test_messages_quote_the_evidence() -> None:
    typo = TermMatch("b1", "Velmora", "name", "typo", 0.86, "Velmorra", 4, 12)
    evidence = Evidence("b1", None, None, typo, ("replica",), (typo,), (), False)
    reasons = {r.code: r.message for r in listing_reasons(
        {"brand_typo": 2.0, "counterfeit_vocab": 1.0, "copycat_terms": 0.5,
         "price_discount": 0.2, "unauthorized": 0.1}, evidence, "Velmora")}
    assert "writes 'Velmorra' for name 'Velmora' (typo)" in reasons["BRAND_NAME_LOOKALIKE"]
    assert reasons["COUNTERFEIT_VOCABULARY"] == "Title uses counterfeit vocabulary: replica."
    assert "'Velmora'" in reasons["COPYCAT_PRODUCT_TERMS"]
    assert reasons["PRICE_FAR_BELOW_REFERENCE"].startswith("Price is far below")
    assert "Velmora's authorized seller list" in reasons["SELLER_NOT_AUTHORIZED"]


def test_at_most_limit_reasons_against_then_two_mitigating_ones() -> None:
    against = {"brand_typo": 5.0, "counterfeit_vocab": 4.0, "copycat_terms": 3.0,
               "unauthorized": 2.0, "seller_young": 1.0, "seller_burst": 0.5}
    mitigating = {"authorized": -0.1, "own_photo_share": -0.9, "sale_language": -0.5}
    reasons = listing_reasons({**against, **mitigating}, PLAIN, "Acme", limit=3)
    assert [r.code for r in reasons] == ["BRAND_NAME_LOOKALIKE", "COUNTERFEIT_VOCABULARY",
                                         "COPYCAT_PRODUCT_TERMS", "OWN_PHOTOS", "SALE_LANGUAGE"]
    assert [r.contribution for r in reasons][-2:] == [-0.9, -0.5]


def test_nothing_against_the_listing_means_no_reasons_at_all() -> None:
    assert listing_reasons({"authorized": -2.0, "unknown_feature": 3.0,
                            "counterfeit_vocab": 0.0}, PLAIN, "Acme") == ()
