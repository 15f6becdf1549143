"""Where the brand term index files its terms, and how a window key finds them.

Every term is stored under its :func:`skeleton <signals.features.titles.text.skeleton>`
plus, for terms long enough to have typos, the skeleton's deletion
neighbourhood (symmetric delete): a window key is looked up under its own
deletions, so a term within its allowed edits of the key shares a key with it
whichever side the edits are on. Lookup cost depends on the key, not on how
many terms are filed.

One table per edit allowance; two-edit terms file the neighbourhoods of their
key's first and last characters only (the SymSpell prefix trick, from both
ends): a long alias would otherwise need over a hundred keys, and a window must
reach a term from both ends to be found. A search returns every term within
its edits of the key plus some false candidates, which
:func:`signals.features.titles.index.brand_terms.classify` rules out.

>>> from signals.features.titles.index.brand_terms import make_term
>>> term = make_term("b1", "Velmora", "name")
>>> assert term is not None
>>> tables = TermTables()
>>> filed = tables.add(7, term)
>>> [sorted(tables.search(key)) for key in ("velmora", "velmra", "vxlmora", "nova")]
[[7], [7], [7], []]
>>> [tables.reaches(term, filed, key) for key in ("velmora", "velmra", "vxlmora", "nova")]
[True, True, True, False]
>>> tables.remove(7, term)
>>> sorted(tables.search("velmra"))
[]
"""

from __future__ import annotations

from collections import Counter
from typing import Final

from signals.features.titles.index.brand_terms import TYPO_MIN_LEN, BrandTerm
from signals.features.titles.index.term_keys import (
    MEMO_SIZE,
    TWO_EDIT_ENDS,
    Probes,
    Table,
    discard_id,
    file_id,
    head_probes,
    hits,
    neighbourhood,
    one_edit_probes,
    tail_neighbourhood,
    tail_probes,
)
from signals.memo import Memo

__all__ = ["TermTables"]

#: heads remembered by :meth:`TermTables._head_hits`, a bound rather than a policy
_HEAD_MEMO_SIZE: Final = 100_000


def _shapes_within(term: BrandTerm) -> list[tuple[str, int]]:
    """(first character, length) of every key within the term's edits of its own."""
    size, spread = len(term.key), 2 * term.max_edits
    return [(term.key[:1], n) for n in range(size - spread, size + spread + 1)]


class TermTables:
    """Term ids filed by skeleton key and deletion neighbourhood, searchable by window key."""

    def __init__(self) -> None:
        # skeleton keys and deletion neighbourhoods, one table per edit allowance (two-edit
        # terms: of the key's head and tail, see the module docstring)
        self._exact_keys: Table[str] = {}
        self._one_edit_keys: Table[str] = {}
        self._two_edit_heads: Table[str] = {}
        self._two_edit_tails: Table[str] = {}
        # (first character, length) of the window keys one- and two-edit terms can be
        # reached from, counted per term: both neighbourhoods keep the first character and
        # an edit moves the length by at most two, so another window key needs no
        # neighbourhood at all
        self._reach: tuple[Counter[tuple[str, int]], Counter[tuple[str, int]]] = (
            Counter(), Counter())
        #: two-edit terms by window-key head (see _head_hits): emptied whenever a term
        #: comes or goes
        self._head_ids: Memo[str, frozenset[int]] = Memo(_HEAD_MEMO_SIZE)
        # a window key's query keys, per table (term_keys): they depend on the key alone
        self._one_edit_probes: Memo[str, Probes] = Memo(MEMO_SIZE)
        self._head_probes: Memo[str, Probes] = Memo(MEMO_SIZE)
        self._tail_probes: Memo[str, Probes] = Memo(MEMO_SIZE)

    def add(self, term_id: int, term: BrandTerm) -> list[set[str]]:
        """File the term; returns the key sets it is filed under, in :meth:`_filing` order
        (what :meth:`reaches` takes)."""
        self._head_ids.clear()
        filing = self._filing(term)
        for table, keys in filing:
            for key in keys:
                file_id(table, key, term_id)
        if term.max_edits:
            self._reach[term.max_edits - 1].update(_shapes_within(term))
        return [keys for _, keys in filing]

    def remove(self, term_id: int, term: BrandTerm) -> None:
        """Unfile a term filed by :meth:`add`."""
        self._head_ids.clear()
        for table, keys in self._filing(term):
            for key in keys:
                discard_id(table, key, term_id)
        if term.max_edits:
            reach = self._reach[term.max_edits - 1]
            for shape in _shapes_within(term):
                reach[shape] -= 1
                if reach[shape] <= 0:
                    del reach[shape]

    def clear_memos(self) -> None:
        """Forget every remembered lookup (benchmarks measuring cold ones)."""
        for memo in (self._one_edit_probes, self._head_probes, self._tail_probes):
            memo.clear()
        self._head_ids.clear()

    def _filing(self, term: BrandTerm) -> list[tuple[Table[str], set[str]]]:
        """The tables and keys a term is filed under."""
        if term.max_edits == 0:
            return [(self._exact_keys, {term.key})]
        if term.max_edits == 1:
            return [(self._one_edit_keys, neighbourhood(term.key, 1))]
        return [(self._two_edit_heads, neighbourhood(term.key[:TWO_EDIT_ENDS], 2)),
                (self._two_edit_tails, tail_neighbourhood(term.key, 2))]

    def search(self, key: str) -> set[int]:
        """Terms whose skeleton is within their allowed edits of ``key`` (symmetric delete:
        both sides delete at most that many characters), plus some false candidates."""
        found = set(self._exact_keys.get(key, ()))
        if len(key) < TYPO_MIN_LEN - 2:
            return found
        shape = (key[:1], len(key))
        if shape in self._reach[0]:
            found |= hits(self._one_edit_keys, one_edit_probes(key, self._one_edit_probes))
        if shape in self._reach[1]:
            head_ids = self._head_hits(key)
            if head_ids:  # the tails only matter for terms reached from the head
                found |= head_ids & hits(self._two_edit_tails,
                                         tail_probes(key, self._tail_probes))
        return found

    def reaches(self, term: BrandTerm, filed: list[set[str]], key: str) -> bool:
        """Whether :meth:`search` finds the term (filed under ``filed``, as :meth:`add`
        returned) from ``key``, without looking up every other term as well."""
        if term.max_edits == 0:
            return key in filed[0]
        if len(key) < TYPO_MIN_LEN - 2 or (key[:1], len(key)) not in self._reach[
                term.max_edits - 1]:
            return False
        if term.max_edits == 1:
            return not filed[0].isdisjoint(one_edit_probes(key, self._one_edit_probes))
        return not (filed[0].isdisjoint(head_probes(key, self._head_probes))
                    or filed[1].isdisjoint(tail_probes(key, self._tail_probes)))

    def _head_hits(self, key: str) -> set[int] | frozenset[int]:
        """Two-edit terms reached from the key's head, remembered by the head until the
        terms change: a head ("leather") starts many windows ("leatherbag", ...)."""
        if len(key) < TYPO_MIN_LEN:  # no typos: not worth remembering
            return hits(self._two_edit_heads, head_probes(key, self._head_probes))
        head = key[:TWO_EDIT_ENDS]
        found = self._head_ids.get(head)
        if found is None:
            found = self._head_ids.put(head, frozenset(hits(
                self._two_edit_heads, head_probes(key, self._head_probes))))
        return found
