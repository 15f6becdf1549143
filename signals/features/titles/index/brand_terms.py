"""Brand terms and how a piece of title compares with one.

A :class:`BrandTerm` is a registered name, alias or protected term, prepared
for matching: plain words (for exact comparison), normalised text (for the
weighted edit cost), skeleton key (for the index) and its edit allowance.
:func:`classify` decides what a title window is to a term:

* ``exact`` — same words up to case and accents (a legitimate mention, or an
  accessory: "case for X7");
* ``homoglyph`` — identical only after folding look-alike letters or digits
  ("Vеlmora" with a Cyrillic е, "Ve1mora"), terms of 4+ characters;
* ``typo`` — within one edit for 5–8 letters, two for 9+ (separators and
  doubled letters count half), same first letter, and the window is neither a
  common word nor another registered term spelled exactly.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from signals.contract.events import BrandEvent
from signals.features.titles.homoglyphs import DIGIT_SWAPS
from signals.features.titles.index.distance import accepted_characters, lookalike, typo_cost
from signals.features.titles.text import Token, skeleton_key, token_spans
from signals.memo import Memo

__all__ = ["HOMOGLYPH_MIN_LEN", "TWO_EDIT_LEN", "TYPO_MIN_LEN", "BrandTerm", "MatchKind",
           "TermKind", "TermMatch", "brand_terms", "classify", "make_term"]

TermKind = Literal["name", "alias", "protected_term"]
MatchKind = Literal["exact", "homoglyph", "typo"]

#: shorter terms only match exactly: "Nova" must not catch "now", "X7" not "XT"
HOMOGLYPH_MIN_LEN = 4
TYPO_MIN_LEN: Final = 5
#: terms with this many letters tolerate two edits
TWO_EDIT_LEN = 9


@dataclass(frozen=True, slots=True)
class TermMatch:
    """One registered term found in a title.

    ``similarity`` is 1.0 for exact and homoglyph matches and
    ``1 - edit cost / term length`` for typos; ``start``/``end`` index the
    title, ``matched_text`` is ``title[start:end]``.
    """

    brand_id: str
    term: str
    term_kind: TermKind
    match_kind: MatchKind
    similarity: float
    matched_text: str
    start: int = 0
    end: int = 0

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, brand_id: str, term: str, term_kind: TermKind, match_kind: MatchKind,
                 similarity: float, matched_text: str, start: int = 0, end: int = 0) -> None:
        object.__setattr__(self, "brand_id", brand_id)
        object.__setattr__(self, "term", term)
        object.__setattr__(self, "term_kind", term_kind)
        object.__setattr__(self, "match_kind", match_kind)
        object.__setattr__(self, "similarity", similarity)
        object.__setattr__(self, "matched_text", matched_text)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)


@dataclass(frozen=True, slots=True)
class BrandTerm:
    """A registered term prepared for matching."""

    brand_id: str
    text: str
    kind: TermKind
    plain: tuple[str, ...]
    norm: str  # normalised words joined by single spaces
    key: str
    size: int  # characters without separators
    max_edits: int


def make_term(brand_id: str, text: str, kind: TermKind) -> BrandTerm | None:
    """The term prepared for matching, or None when it has no letters or digits.

    >>> t = make_term("b1", "Velmora Paris", "alias")
    >>> t is not None and (t.plain, t.key, t.size, t.max_edits)
    (('velmora', 'paris'), 'velmoraparls', 12, 2)
    """
    toks = token_spans(text)
    if not toks:
        return None
    norms = [t.norm for t in toks]
    size = sum(len(n) for n in norms)
    # digits must be typed exactly, so only letters leave room for typos: "mar53" is a code
    letters = sum(c.isalpha() for n in norms for c in n)
    max_edits = 0 if letters < TYPO_MIN_LEN else 1 if letters < TWO_EDIT_LEN else 2
    return BrandTerm(brand_id, text, kind, tuple(t.plain for t in toks), " ".join(norms),
                     skeleton_key(norms), size, max_edits)


def brand_terms(brand: BrandEvent) -> list[BrandTerm]:
    """Name, aliases, protected terms; a spelling listed twice keeps its first kind."""
    kinds: list[tuple[str, TermKind]] = [(brand.name, "name")]
    kinds += [(a, "alias") for a in brand.aliases]
    kinds += [(p, "protected_term") for p in brand.protected_terms]
    seen: set[tuple[str, ...]] = set()
    out: list[BrandTerm] = []
    for text, kind in kinds:
        term = make_term(brand.brand_id, text, kind)
        if term is not None and term.plain not in seen:
            seen.add(term.plain)
            out.append(term)
    return out


def _too_many_swaps(window: str, term: BrandTerm) -> bool:
    """Mostly digits is a model code ("S01E11"), not a disguised word ("Soleil")."""
    swaps = sum(c in DIGIT_SWAPS for c in window) - sum(c in DIGIT_SWAPS for c in term.norm)
    return swaps * 2 > term.size


def classify(term: BrandTerm, window: Sequence[Token], common_words: Collection[str],
             registered: Collection[tuple[str, ...]],
             accepted: Memo[str, tuple[frozenset[str], ...]] | None = None,
             ) -> tuple[MatchKind, float] | None:
    """What the window of title words is to the term, with its similarity; None if nothing.

    ``registered`` holds the plain words of every registered term: a window
    spelling one of them exactly is that term, not a typo of this one.
    ``accepted`` remembers :func:`accepted_characters` by term spelling, when given.

    >>> from signals.features.titles.text import token_spans
    >>> term = make_term("b1", "Velmora", "name")
    >>> assert term is not None
    >>> [classify(term, token_spans(w), (), ()) for w in ("VELMORA", "Ve1mora", "Vel mora", "Vel")]
    [('exact', 1.0), ('homoglyph', 1.0), ('typo', 0.9286), None]
    """
    plain = tuple(t.plain for t in window)
    if plain == term.plain:
        return "exact", 1.0
    if term.size < HOMOGLYPH_MIN_LEN or plain in registered:
        return None
    text = " ".join(t.norm for t in window)
    if _too_many_swaps(text, term):
        return None
    chars = None
    if accepted is not None:
        chars = accepted.get(term.norm)
        if chars is None:
            chars = accepted.put(term.norm, accepted_characters(term.norm))
    cost = typo_cost(text, term.norm, float(term.max_edits), chars)
    if cost == 0.0:
        return "homoglyph", 1.0
    if math.isinf(cost) or not lookalike(text[0], term.norm[0]):
        return None
    if "".join(plain) in common_words:
        return None
    return "typo", round(1.0 - cost / term.size, 4)
