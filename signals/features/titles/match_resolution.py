"""Which of a title's candidate term matches to keep when they overlap.

The best match of a term wins over its other matches in the same words
(exact, then homoglyph, then typo; then higher similarity, fewer words,
earlier); a near match lying inside another term's exact match is dropped, as
the exact term already explains those words.
"""

from __future__ import annotations

from dataclasses import dataclass

from signals.features.titles.index.brand_terms import TermMatch

__all__ = ["Candidate", "resolve_overlaps"]

_KIND_RANK = {"exact": 0, "homoglyph": 1, "typo": 2}


@dataclass(frozen=True, slots=True)
class Candidate:
    match: TermMatch
    term_id: int
    first: int  # token index span [first, last)
    last: int

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, match: TermMatch, term_id: int, first: int, last: int) -> None:
        object.__setattr__(self, "match", match)
        object.__setattr__(self, "term_id", term_id)
        object.__setattr__(self, "first", first)
        object.__setattr__(self, "last", last)


def _overlaps(a: Candidate, b: Candidate) -> bool:
    return a.first < b.last and b.first < a.last


def resolve_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    candidates.sort(key=lambda c: (_KIND_RANK[c.match.match_kind], -c.match.similarity,
                                   c.last - c.first, c.first, c.term_id))
    kept: list[Candidate] = []
    for cand in candidates:
        clash = any(
            _overlaps(cand, k) and (
                k.term_id == cand.term_id
                or (k.match.match_kind == "exact" and cand.match.match_kind != "exact"
                    and k.first <= cand.first and cand.last <= k.last))
            for k in kept)
        if not clash:
            kept.append(cand)
    kept.sort(key=lambda c: (c.match.start, c.match.end, c.match.brand_id, c.match.term))
    return kept
