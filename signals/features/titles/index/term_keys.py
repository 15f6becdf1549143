"""Keys of the brand term index: word skeletons, deletion neighbourhoods, id tables.

A registered term is filed under its skeleton key (and, when typos are allowed,
under keys from its deletion neighbourhood); a title window is looked up under
the keys of its own neighbourhood (symmetric delete). These are the pieces
both sides share; the memos that make a stream's repeated words cheap are the
callers' (the term tables and the brand index own theirs).
"""

from __future__ import annotations

from typing import Final, TypeVar

from signals.features.titles.index.brand_terms import TYPO_MIN_LEN
from signals.features.titles.index.distance import collapsed_deletions
from signals.features.titles.text import skeleton_key
from signals.memo import Memo

__all__ = ["MEMO_SIZE", "TWO_EDIT_ENDS", "Probes", "Table", "discard_id", "file_id",
           "head_probes", "hits", "join_keys", "neighbourhood", "one_edit_probes",
           "tail_neighbourhood", "tail_probes", "token_key"]

#: two-edit terms are keyed by the deletion neighbourhoods of this long a skeleton head and tail
TWO_EDIT_ENDS: Final = 7
_K = TypeVar("_K")
Table = dict[_K, tuple[int, ...]]  # key -> ids of the terms filed under it


def neighbourhood(key: str, depth: int) -> set[str]:
    """Deletions that keep the first character: every match kind demands it, and
    fixing it makes the neighbourhood smaller and far more selective.

    Re-collapsed, like every skeleton: deleting the "b" of "fomabaha" leaves
    "fomaaha", whose skeleton is "fomaha".
    """
    return collapsed_deletions(key, depth, start=1)


def tail_neighbourhood(key: str, depth: int) -> set[str]:
    return collapsed_deletions(key[-TWO_EDIT_ENDS:], depth)


# Query keys of a window key, one function per table, remembered in a memo of the
# caller's (the term tables): title words repeat across a stream ("bag", "leather"),
# and computing neighbourhoods is most of a cold lookup's cost. Separate, so a lookup
# computes only the ones it needs.
#: a bound, not a policy: a stream's vocabulary is far smaller
MEMO_SIZE: Final = 1 << 16
# Probes are tuples: compiled, a loop over a tuple is native, over a set it is not.
Probes = tuple[str, ...]


def one_edit_probes(key: str, memo: Memo[str, Probes]) -> Probes:
    probes = memo.get(key)
    return memo.put(key, tuple(neighbourhood(key, 1))) if probes is None else probes


def head_probes(key: str, memo: Memo[str, Probes]) -> Probes:
    # remembered by the head alone: "leather", "leatherbag" and "leatherbagblack" share it
    head = key[:TWO_EDIT_ENDS]
    if len(key) < TYPO_MIN_LEN:
        return (head,)  # no typos: the deletion neighbourhood of depth 0
    probes = memo.get(head)
    return memo.put(head, tuple(neighbourhood(head, 2))) if probes is None else probes


def tail_probes(key: str, memo: Memo[str, Probes]) -> Probes:
    tail = key[-TWO_EDIT_ENDS:]
    if len(key) < TYPO_MIN_LEN:
        return (tail,)
    probes = memo.get(tail)
    return memo.put(tail, tuple(tail_neighbourhood(tail, 2))) if probes is None else probes


def token_key(norm: str, memo: Memo[str, str] | None = None) -> str:
    """One word's skeleton; a window's key is its words' keys joined by :func:`join_keys`.
    Remembered in ``memo`` when given."""
    if memo is None:
        return skeleton_key((norm,))
    key = memo.get(norm)
    return memo.put(norm, skeleton_key((norm,))) if key is None else key


def join_keys(left: str, right: str) -> str:
    """``skeleton_key`` of two runs of words from theirs: collapsing repeats only
    needs doing where they meet ("vel" + "lmora" -> "velmora").

    >>> join_keys("vel", "lmora"), join_keys("", "ab"), join_keys("ab", "")
    ('velmora', 'ab', 'ab')
    """
    if left and right and left[-1] == right[0]:
        return left + right[1:]
    return left + right


def hits(table: Table[str], keys: Probes) -> set[int]:
    """Ids filed under any of ``keys`` (distinct keys).

    >>> sorted(hits({"ab": (1,), "ac": (2, 3)}, ("ac", "zz")))
    [2, 3]
    """
    found: set[int] = set()
    # nearly every probe misses: one native dict lookup each, compiled
    for key in keys:
        ids = table.get(key)
        if ids is not None:
            found.update(ids)
    return found


# Tables hold tuples, not sets: nearly every key has one term, and a one-element
# tuple takes a quarter of the memory of a set (10k brands file ~500k keys).
def file_id(table: Table[_K], key: _K, term_id: int) -> None:
    table[key] = (*table.get(key, ()), term_id)


def discard_id(table: Table[_K], key: _K, term_id: int) -> None:
    ids = tuple(i for i in table.get(key, ()) if i != term_id)
    if ids:
        table[key] = ids
    else:
        table.pop(key, None)
