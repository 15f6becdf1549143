"""Title matching skips overlap resolution below two candidates: resolving zero or
one candidate must give exactly what skipping it gives, and titles with one, two
or no matches must come out as the registry-wide scan finds them."""

from __future__ import annotations

from signals.contract.events import BrandEvent
from signals.features.titles.brand_target import TargetBrand, resolve_target
from signals.features.titles.index.brand_index import BrandIndex
from signals.features.titles.index.brand_terms import TermMatch
from signals.features.titles.match_resolution import Candidate, resolve_overlaps


def test_resolving_fewer_than_two_candidates_changes_nothing() -> None:
    assert resolve_overlaps([]) == []
    only = Candidate(TermMatch("b", "Velmora", "name", "typo", 0.9, "Vel mora", 0, 8), 3, 0, 2)
    assert resolve_overlaps([only]) == [only]


def test_titles_with_none_one_or_several_matches_agree_with_the_scan() -> None:
    index = BrandIndex.from_brands([
        BrandEvent("e1", "t", 0.0, "b1", "Velmora", protected_terms=("X7",)),
        BrandEvent("e2", "t", 0.0, "b2", "Castellan", aliases=("Castelan Co",)),
    ])
    titles = ["Plain canvas tote", "Ve1mora bag", "Velmora X7 case, Castelan strap",
              "Castellan Castellan", "", "Vel mora Vellmora"]
    counts = set()
    for title in titles:
        matched = index.match_title(title)
        assert matched == index.scan_title(title)
        counts.add(min(len(matched), 2))
    assert counts == {0, 1, 2}


def test_a_title_without_matches_is_decided_by_its_tag_alone() -> None:
    def registered(brand_id: str) -> bool:
        return brand_id == "b1"

    assert resolve_target("b1", [], [], registered) == TargetBrand("b1", "tag", ())
    assert resolve_target("shop", [], [], registered) == TargetBrand("shop", "own_tag", ())
    assert resolve_target(None, [], [], registered) == TargetBrand(None, "none", ())
    # the general path gives the same answers once a match exists but carries nothing
    compat = TermMatch("b1", "Velmora", "name", "exact", 1.0, "Velmora", 4, 11)
    assert resolve_target(None, [compat], [True], registered) == TargetBrand(None, "compat", ())
