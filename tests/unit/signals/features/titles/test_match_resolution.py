"""Overlap resolution between candidate term matches."""

from __future__ import annotations

from signals.features.titles.index.brand_terms import TermMatch
from signals.features.titles.match_resolution import Candidate, resolve_overlaps


def test_resolving_fewer_than_two_candidates_changes_nothing() -> None:
    # title matching skips resolution below two candidates: resolving zero or one
    # candidate must give exactly what skipping it gives
    assert resolve_overlaps([]) == []
    only = Candidate(TermMatch("b", "Velmora", "name", "typo", 0.9, "Vel mora", 0, 8), 3, 0, 2)
    assert resolve_overlaps([only]) == [only]
