"""Which brand a listing targets: decided by its tag alone when its title matches nothing."""

from __future__ import annotations

from signals.features.titles.brand_target import TargetBrand, resolve_target
from signals.features.titles.index.brand_terms import TermMatch


def test_a_title_without_matches_is_decided_by_its_tag_alone() -> None:
    def registered(brand_id: str) -> bool:
        return brand_id == "b1"

    assert resolve_target("b1", [], [], registered) == TargetBrand("b1", "tag", ())
    assert resolve_target("shop", [], [], registered) == TargetBrand("shop", "own_tag", ())
    assert resolve_target(None, [], [], registered) == TargetBrand(None, "none", ())
    # the general path gives the same answers once a match exists but carries nothing
    compat = TermMatch("b1", "Velmora", "name", "exact", 1.0, "Velmora", 4, 11)
    assert resolve_target(None, [compat], [True], registered) == TargetBrand(None, "compat", ())
