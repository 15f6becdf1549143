"""Everything a listing's score takes from its title alone, memoised per registry.

Matching a title against the brand registry and the vocabularies is the
costliest part of scoring, and a title comes back often: every price change is
an ``updated`` event with the same title, and sellers list the same product in
several colours. The facts depend only on the title and the registry, so they
are kept in a bounded least-recently-used memo the :class:`Registry` owns, with
the matches re-done when a registered term changes (its ``terms_version``
moves; a new price or seller list leaves them as they were). Memoising a pure
function changes no result, only the time it takes.

>>> from signals.contract.events import BrandEvent
>>> from signals.registry import Registry
>>> reg = Registry.from_brands([BrandEvent("e", "t", 0.0, "b1", "Velmora")])
>>> facts = title_facts(reg, "Replica Ve1mora bag")
>>> [m.match_kind for m in facts.matches], facts.vocab, facts.typo is not None
(['homoglyph'], ('replica',), True)
>>> title_facts(reg, "Replica Ve1mora bag") is facts
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from signals.features.titles.brand_target import compatibility_flags
from signals.features.titles.index.brand_index import TermMatch
from signals.features.titles.vocabulary import CONDITION_TERMS

if TYPE_CHECKING:  # the registry owns the memo of this module's facts: imported the other way
    from signals.registry import Registry

__all__ = ["DEFAULT_ENTRIES", "TitleFacts", "compute_title_facts", "title_facts"]

#: distinct titles remembered per registry; a few MB at most
DEFAULT_ENTRIES = 8192


@dataclass(frozen=True, slots=True)
class TitleFacts:
    """Registered terms in the title, which of them are compatibility mentions,
    counterfeit and sale vocabulary, and the closest look-alike brand name."""

    matches: tuple[TermMatch, ...]
    compat: tuple[bool, ...]
    vocab: tuple[str, ...]
    sale: bool
    typo: TermMatch | None
    #: the title says the item is used, open-box or refurbished
    condition: bool = False

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, matches: tuple[TermMatch, ...], compat: tuple[bool, ...],
                 vocab: tuple[str, ...], sale: bool, typo: TermMatch | None,
                 condition: bool = False) -> None:
        object.__setattr__(self, "matches", matches)
        object.__setattr__(self, "compat", compat)
        object.__setattr__(self, "vocab", vocab)
        object.__setattr__(self, "sale", sale)
        object.__setattr__(self, "typo", typo)
        object.__setattr__(self, "condition", condition)


def _closest_typo(matches: tuple[TermMatch, ...]) -> TermMatch | None:
    typos = [m for m in matches if m.match_kind != "exact" and m.term_kind != "protected_term"]
    return max(typos, key=lambda m: (m.similarity, m.brand_id)) if typos else None


def compute_title_facts(reg: Registry, title: str,
                        vocabulary: TitleFacts | None = None) -> TitleFacts:
    """The facts of ``title``; the vocabularies are taken from ``vocabulary`` when
    given (they do not depend on the registry)."""
    matches = tuple(reg.match_title(title)) if title else ()
    compat = tuple(compatibility_flags(title, matches)) if matches else ()
    if vocabulary is None:
        vocab, sale_terms = reg.vocabulary.title_terms(title)
        condition = any(t in CONDITION_TERMS for t in sale_terms)
        # "sale" is a price cut on new goods; used goods are cheap for another reason
        sale = any(t not in CONDITION_TERMS for t in sale_terms)
    else:
        vocab, sale, condition = vocabulary.vocab, vocabulary.sale, vocabulary.condition
    return TitleFacts(matches, compat, vocab, sale, _closest_typo(matches), condition)


def title_facts(reg: Registry, title: str) -> TitleFacts:
    """The facts of ``title`` against ``reg``, from the registry's memo when known; each
    is tagged with the version of the registered terms it was matched against, and an
    older one is re-matched on use."""
    version = reg.terms_version
    entry = reg.title_memo.get(title)
    if entry is not None:
        if entry[0] == version:
            return entry[1]
        facts = compute_title_facts(reg, title, entry[1])  # a term changed: re-match
    else:
        facts = compute_title_facts(reg, title)
    reg.title_memo.put(title, (version, facts))
    return facts
