"""A title's facts against the registry, remembered per title and re-matched when the
registered terms change."""

from __future__ import annotations

from signals.contract.events import BrandEvent
from signals.features.titles.title_facts import compute_title_facts, title_facts
from signals.registry import Registry


def _registry() -> Registry:
    return Registry.from_brands([
        BrandEvent("e1", "t", 0.0, "b1", "Velmora", protected_terms=("Cloudrunner",)),
        BrandEvent("e2", "t", 0.0, "b2", "Quorra")])


def test_the_facts_name_matches_typo_vocabulary_sale_and_condition() -> None:
    facts = compute_title_facts(_registry(), "Velmorra replica Quorra case - used, sale")
    assert [(m.brand_id, m.match_kind) for m in facts.matches] == [("b1", "typo"),
                                                                  ("b2", "exact")]
    assert facts.typo is not None and facts.typo.matched_text == "Velmorra"
    assert facts.vocab == ("replica",) and facts.sale and facts.condition
    assert len(facts.compat) == len(facts.matches)


def test_a_protected_term_typo_is_not_the_closest_brand_name_typo() -> None:
    facts = compute_title_facts(_registry(), "Cloudrunnr sneakers")
    assert [m.term_kind for m in facts.matches] == ["protected_term"]
    assert facts.typo is None


def test_used_alone_is_a_condition_not_a_sale_and_an_empty_title_has_no_facts() -> None:
    used = compute_title_facts(_registry(), "Velmora bag, refurbished")
    assert used.condition and not used.sale
    empty = compute_title_facts(_registry(), "")
    assert (empty.matches, empty.compat, empty.typo) == ((), (), None)


def test_facts_are_remembered_until_a_term_changes() -> None:
    reg = _registry()
    first = title_facts(reg, "Velmra tote")
    assert title_facts(reg, "Velmra tote") is first
    reg.upsert(BrandEvent("e3", "t", 1.0, "b2", "Quorra", reference_price=50.0))
    assert title_facts(reg, "Velmra tote") is first  # a price is not a term
    reg.upsert(BrandEvent("e4", "t", 2.0, "b3", "Velmra"))
    again = title_facts(reg, "Velmra tote")
    assert again is not first
    assert [(m.brand_id, m.match_kind) for m in again.matches] == [("b3", "exact")]
    assert again == compute_title_facts(reg, "Velmra tote")
