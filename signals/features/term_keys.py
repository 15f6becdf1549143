"""Keys of the brand term index: word skeletons, deletion neighbourhoods, id tables.

A registered term is filed under its skeleton key (and, when typos are allowed,
under keys from its deletion neighbourhood); a title window is looked up under
the keys of its own neighbourhood (symmetric delete). These are the pieces
both sides share, with the caches that make a stream's repeated words cheap.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Final, TypeVar

from signals.features.brand_terms import TYPO_MIN_LEN
from signals.features.distance import collapsed_deletions
from signals.features.text import skeleton_key

__all__ = ["TWO_EDIT_ENDS", "Table", "clear_probe_caches", "discard_id", "file_id", "head_probes",
           "hits", "join_keys", "neighbourhood", "one_edit_probes", "tail_neighbourhood",
           "tail_probes", "token_key"]

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


# Query keys of a window key, one function per table, cached: title words repeat
# across a stream ("bag", "leather"), and computing neighbourhoods is most of a
# cold lookup's cost. Separate, so a lookup computes only the ones it needs.
@lru_cache(maxsize=1 << 16)
def one_edit_probes(key: str) -> frozenset[str]:
    return frozenset(neighbourhood(key, 1))


def head_probes(key: str) -> frozenset[str]:
    # remembered by the head alone: "leather", "leatherbag" and "leatherbagblack" share it
    return _end_probes(key[:TWO_EDIT_ENDS], len(key) >= TYPO_MIN_LEN, True)


def tail_probes(key: str) -> frozenset[str]:
    return _end_probes(key[-TWO_EDIT_ENDS:], len(key) >= TYPO_MIN_LEN, False)


@lru_cache(maxsize=1 << 16)
def _end_probes(end: str, typos: bool, head: bool) -> frozenset[str]:
    """Probes of a key's head or tail (at most :data:`TWO_EDIT_ENDS` characters)."""
    depth = 2 if typos else 0
    return frozenset(neighbourhood(end, depth) if head else tail_neighbourhood(end, depth))


def clear_probe_caches() -> None:
    """Forget every remembered neighbourhood (benchmarks measuring cold lookups)."""
    for cached in (one_edit_probes, _end_probes, token_key):
        cached.cache_clear()


@lru_cache(maxsize=1 << 16)
def token_key(norm: str) -> str:
    """One word's skeleton; a window's key is its words' keys joined by :func:`join_keys`."""
    return skeleton_key((norm,))


def join_keys(left: str, right: str) -> str:
    """``skeleton_key`` of two runs of words from theirs: collapsing repeats only
    needs doing where they meet ("vel" + "lmora" -> "velmora").

    >>> join_keys("vel", "lmora"), join_keys("", "ab"), join_keys("ab", "")
    ('velmora', 'ab', 'ab')
    """
    if left and right and left[-1] == right[0]:
        return left + right[1:]
    return left + right


def hits(table: Table[str], keys: Iterable[str]) -> set[int]:
    """Ids filed under any of ``keys``.

    >>> sorted(hits({"ab": (1,), "ac": (2, 3)}, frozenset({"ac", "zz"})))
    [2, 3]
    """
    found: set[int] = set()
    # the view intersection runs in C; nearly every probe misses
    for key in table.keys() & keys:
        found.update(table[key])
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
