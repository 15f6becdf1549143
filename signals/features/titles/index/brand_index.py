"""The brand term index: which registered names, aliases and product-line terms a
title mentions, spelled right, disguised with look-alike characters, or misspelt.

Every term is filed under its skeleton key and, for terms long enough to have
typos, its deletion neighbourhood (symmetric delete, see
:mod:`signals.features.titles.index.term_tables`). A title is cut into windows of adjacent
words (up to one word more than the longest term, so "Vel mora" reaches
"Velmora"); each window's key is looked up, the answer remembered (title words
repeat, and the remembered lookups follow the registry as terms come and go),
and only the few terms found are checked precisely. Lookup cost depends on the
title, not on how many brands are registered.

What a candidate is (exact, homoglyph, typo) is decided by
:func:`signals.features.titles.index.brand_terms.classify`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from signals.contract.events import BrandEvent
from signals.features.titles.common_words import COMMON_WORDS
from signals.features.titles.index.brand_terms import (
    HOMOGLYPH_MIN_LEN,
    TYPO_MIN_LEN,
    BrandTerm,
    MatchKind,
    TermKind,
    TermMatch,
    brand_terms,
    classify,
)
from signals.features.titles.index.term_keys import (
    MEMO_SIZE,
    Table,
    discard_id,
    file_id,
    token_key,
)
from signals.features.titles.index.term_tables import TermTables
from signals.features.titles.match_resolution import Candidate, resolve_overlaps
from signals.features.titles.text import Token, Tokenizer
from signals.memo import Memo

__all__ = ["HOMOGLYPH_MIN_LEN", "TYPO_MIN_LEN", "BrandIndex", "MatchKind", "TermKind",
           "TermMatch"]

#: window keys (and verdicts) remembered, a few MB; kept up to date as terms come and go
_LOOKUP_CACHE_SIZE: Final = 100_000
#: term spellings whose look-alike characters are remembered (typo_cost)
_ACCEPTED_SIZE: Final = 4096


#: the verdict remembered for "no match" (a memo holds no None)
_NO_MATCH: Final = object()
_NO_TERMS: Final[frozenset[int]] = frozenset()


def _remembered(lookups: Memo[str, frozenset[int]], key: str) -> frozenset[int]:
    """A lookup known to be remembered (listed in ``_cached_by_first``)."""
    ids = lookups.get(key)
    assert ids is not None
    return ids


def _same_terms(a: BrandEvent, b: BrandEvent) -> bool:
    return (a.name, a.aliases, a.protected_terms) == (b.name, b.aliases, b.protected_terms)



class BrandIndex:
    """Registered brand terms, searchable by title in time independent of the registry size.

    >>> idx = BrandIndex.from_brands([BrandEvent("e1", "t", 0.0, "b1", "Velmora",
    ...                                          protected_terms=("X7",))])
    >>> [(m.term, m.match_kind, m.matched_text) for m in idx.match_title(
    ...     "Ve1mora bag, Vel mora strap, case for X7")]
    [('Velmora', 'homoglyph', 'Ve1mora'), ('Velmora', 'typo', 'Vel mora'), ('X7', 'exact', 'X7')]
    """

    def __init__(self, common_words: Iterable[str] = COMMON_WORDS,
                 tokenizer: Tokenizer | None = None) -> None:
        self._common = frozenset(w.casefold() for w in common_words)
        self._brands: dict[str, BrandEvent] = {}
        self._brand_term_ids: dict[str, list[int]] = {}
        self._terms: dict[int, BrandTerm] = {}
        self._tables = TermTables()  # where the terms are filed by key
        # the terms by their plain words: a window spelling a registered term exactly is
        # that term, not a typo of another (classify)
        self._by_plain: Table[tuple[str, ...]] = {}
        self._next_id = 0
        #: bumps whenever a term is added or removed; what depends only on the terms
        #: (a title's matches) stays valid while it stays
        self.terms_version = 0
        #: splits titles into words, remembering recent titles (shared with whoever
        #: else reads the same titles: the registry gives it to the vocabularies)
        self.tokenizer = tokenizer if tokenizer is not None else Tokenizer()
        self._token_keys: Memo[str, str] = Memo(MEMO_SIZE)  # a word's skeleton (token_key)
        #: window key -> ids of the terms it finds; kept up to date as terms come and go
        self._lookups: Memo[str, frozenset[int]] = Memo(_LOOKUP_CACHE_SIZE)
        # the remembered keys by first character: every key a term can be reached from
        # starts with the term key's own, so a new term only revisits those
        self._cached_by_first: dict[str, set[str]] = {}
        #: (term id, window plain words, window norms) -> classify's verdict, or _NO_MATCH
        self._verdicts: Memo[tuple[int, tuple[str, ...], tuple[str, ...]], object] = Memo(
            _LOOKUP_CACHE_SIZE)
        #: per term spelling, the characters that pass for each of its own (typo_cost)
        self._accepted: Memo[str, tuple[frozenset[str], ...]] = Memo(_ACCEPTED_SIZE)
        # bounds only grow; stale bounds after a removal cost a few extra lookups, never a match
        self._max_words = 1
        self._max_key_len = 0

    @classmethod
    def from_brands(cls, brands: Iterable[BrandEvent]) -> BrandIndex:
        index = cls()
        for brand in brands:
            index.upsert(brand)
        return index

    def __len__(self) -> int:
        return len(self._brands)

    def __contains__(self, brand_id: object) -> bool:
        return brand_id in self._brands

    def brand(self, brand_id: str) -> BrandEvent | None:
        return self._brands.get(brand_id)

    def to_records(self) -> list[BrandEvent]:
        """The current registry, by brand id; :meth:`from_brands` rebuilds the same index."""
        return [self._brands[k] for k in sorted(self._brands)]

    def upsert(self, brand: BrandEvent) -> bool:
        """Store the brand record unless a later one (by event time, then id) is stored.

        Deciding by event time rather than arrival keeps the registry the same
        whatever order redelivered records come in. Returns whether it changed.
        """
        old = self._brands.get(brand.brand_id)
        if old is not None and (old.ts, old.event_id) > (brand.ts, brand.event_id):
            return False
        if old is not None and _same_terms(old, brand):
            # a new price or seller list: the terms, their ids and every remembered
            # lookup stay valid, so the caches survive the brand's routine updates
            self._brands[brand.brand_id] = brand
            return True
        self.remove(brand.brand_id)
        self._brands[brand.brand_id] = brand
        self._brand_term_ids[brand.brand_id] = [self._add_term(t) for t in brand_terms(brand)]
        return True

    def remove(self, brand_id: str) -> bool:
        """Forget a brand (a tombstone on the compacted topic). Returns whether it was known."""
        if self._brands.pop(brand_id, None) is None:
            return False
        self.terms_version += 1
        removed = self._brand_term_ids.pop(brand_id, [])
        self._forget_terms({i: self._terms[i] for i in removed})
        for term_id in removed:
            term = self._terms.pop(term_id)
            self._tables.remove(term_id, term)
            discard_id(self._by_plain, term.plain, term_id)
        return True

    def _add_term(self, term: BrandTerm) -> int:
        self.terms_version += 1
        term_id = self._next_id
        self._next_id += 1
        self._terms[term_id] = term
        filed = self._tables.add(term_id, term)
        file_id(self._by_plain, term.plain, term_id)
        self._max_words = max(self._max_words, len(term.plain))
        self._max_key_len = max(self._max_key_len, len(term.key))
        self._learn_term(term_id, term, filed)
        return term_id

    # A registry change updates what is remembered instead of forgetting it all: a
    # brand that launches a product line must not cost every title a cold lookup.
    def _learn_term(self, term_id: int, term: BrandTerm, filed: list[set[str]]) -> None:
        """Add a new term to the remembered lookups it would have been found by."""
        first, size, spread = term.key[:1], len(term.key), 2 * term.max_edits
        cache = self._lookups
        for key in self._cached_by_first.get(first, ()):
            reachable = key == term.key or (term.max_edits and abs(len(key) - size) <= spread)
            if reachable and self._tables.reaches(term, filed, key):
                cache.put(key, _remembered(cache, key) | {term_id})
        # a window spelling the new term exactly is that term now, not someone's typo
        plain = term.plain
        self._verdicts.discard_where(lambda k: k[1] == plain)

    def _forget_terms(self, terms: dict[int, BrandTerm]) -> None:
        """Drop terms from the remembered lookups and verdicts."""
        gone = frozenset(terms)
        plains = {t.plain for t in terms.values()}
        cache = self._lookups
        # a key only ever finds terms starting with its own first character
        for first in {t.key[:1] for t in terms.values()}:
            for key in self._cached_by_first.get(first, ()):
                ids = _remembered(cache, key)
                if not ids.isdisjoint(gone):
                    cache.put(key, ids - gone)
        self._verdicts.discard_where(lambda k: k[0] in gone or k[1] in plains)

    def clear_memos(self) -> None:
        """Forget every remembered lookup and verdict (benchmarks measuring cold ones)."""
        self._lookups.clear()
        self._cached_by_first.clear()
        self._verdicts.clear()
        self._token_keys.clear()
        self._tables.clear_memos()


    def match_title(self, title: str) -> list[TermMatch]:
        """Every registered term the title mentions, in title order.

        Overlapping matches of one term keep the best (exact, then homoglyph,
        then typo); a near match inside an exact match of another term is
        dropped, as the exact term already explains those words.
        """
        return self._match(title, scan=False)

    def scan_title(self, title: str) -> list[TermMatch]:
        """What :meth:`match_title` answers, found by checking every term against every
        window: the reference the index is tested and benchmarked against. Slow (linear
        in the registry); not for the stream."""
        return self._match(title, scan=True)

    def _match(self, title: str, scan: bool) -> list[TermMatch]:
        """Candidates of every window: looked up (remembered), or with ``scan`` every term.

        A flag rather than a lookup function passed in: compiled, a direct call of a
        method and of ``dict.get`` is native, a call through a parameter is not."""
        toks = self.tokenizer.token_spans(title)
        token_keys = [token_key(t.norm, self._token_keys) for t in toks]
        longest = self._max_key_len + 4
        max_words, remembered = self._max_words, self._lookups
        candidates: list[Candidate] = []
        for first in range(len(toks)):
            key, last = "", first
            for right in token_keys[first:first + max_words + 1]:
                last += 1
                # join_keys, inline: this loop runs for every window of every title
                key = key + right[1:] if key and right and key[-1] == right[0] else key + right
                if len(key) > longest:
                    break  # adding words only makes the key longer
                found = frozenset(self._terms) if scan else remembered.get(key)
                if found is None:
                    found = self._lookup(key)
                if not found:
                    continue  # most windows: no term, no iterator
                for term_id in found:
                    term = self._terms[term_id]
                    # a full edit moves the key length by at most 2 ("aba" -> "aa" -> "a"),
                    # a separator or doubled letter not at all
                    if abs(len(term.key) - len(key)) > 2 * term.max_edits:
                        continue
                    match = self._check(term_id, term, toks[first:last], title)
                    if match is not None:
                        candidates.append(Candidate(match, term_id, first, last))
        if len(candidates) < 2:  # most titles: nothing to resolve
            return [c.match for c in candidates]
        return [c.match for c in resolve_overlaps(candidates)]

    def _lookup(self, key: str) -> frozenset[int]:
        """:meth:`TermTables.search`, remembered until the registry changes: title words
        repeat."""
        found = self._lookups.get(key)
        if found is None:
            if self._lookups.full():
                self._cached_by_first.clear()  # as the put below empties the lookups
            ids = self._tables.search(key)
            # most windows find nothing: one shared empty set instead of thousands
            found = self._lookups.put(key, frozenset(ids) if ids else _NO_TERMS)
            self._cached_by_first.setdefault(key[:1], set()).add(key)
        return found

    def _check(self, term_id: int, term: BrandTerm, window: tuple[Token, ...],
               title: str) -> TermMatch | None:
        verdict = self._classified(term_id, term, window)
        if verdict is None:
            return None
        kind, similarity = verdict
        start, end = window[0].start, window[-1].end
        return TermMatch(term.brand_id, term.text, term.kind, kind, similarity,
                         title[start:end], start, end)

    def _classified(self, term_id: int, term: BrandTerm,
                    window: tuple[Token, ...]) -> tuple[MatchKind, float] | None:
        """:func:`classify`, remembered until the registry changes: brand names and their
        usual misspellings come back in title after title."""
        key = (term_id, tuple([t.plain for t in window]), tuple([t.norm for t in window]))
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts.put(key, classify(
                term, window, self._common, self._by_plain, self._accepted) or _NO_MATCH)
        return None if verdict is _NO_MATCH else verdict  # type: ignore[return-value]
