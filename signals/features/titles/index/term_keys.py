"""Keys of the brand term index: word skeletons, deletion neighbourhoods, id tables.

A registered term is filed under its skeleton key (and, when typos are allowed,
under keys from its deletion neighbourhood); a title window is looked up under
the keys of its own neighbourhood (symmetric delete). These are the pieces
both sides share, with the caches that make a stream's repeated words cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, TypeVar

from signals.features.titles.index.brand_terms import TYPO_MIN_LEN
from signals.features.titles.index.distance import collapsed_deletions
from signals.features.titles.text import skeleton_key

__all__ = ["TWO_EDIT_ENDS", "Probes", "Table", "clear_probe_caches", "discard_id", "file_id",
           "head_probes", "hits", "join_keys", "neighbourhood", "one_edit_probes",
           "tail_neighbourhood", "tail_probes", "token_key"]

#: two-edit terms are keyed by the deletion neighbourhoods of this long a skeleton head and tail
TWO_EDIT_ENDS: Final = 7
_K = TypeVar("_K")
_V = TypeVar("_V")
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


# Query keys of a window key, one function per table, remembered: title words repeat
# across a stream ("bag", "leather"), and computing neighbourhoods is most of a
# cold lookup's cost. Separate, so a lookup computes only the ones it needs. Plain
# dicts rather than lru_cache: compiled, a dict lookup is native, an lru_cache call
# goes through the interpreter's calling convention.
_MEMO_SIZE: Final = 1 << 16
# Probes are tuples: compiled, a loop over a tuple is native, over a set it is not.
Probes = tuple[str, ...]
_one_edit_memo: Final[dict[str, Probes]] = {}
_head_memo: Final[dict[str, Probes]] = {}
_tail_memo: Final[dict[str, Probes]] = {}
_token_key_memo: Final[dict[str, str]] = {}


def _remember(memo: dict[str, _V], key: str, value: _V) -> _V:
    if len(memo) >= _MEMO_SIZE:
        memo.clear()  # a bound, not a policy: a stream's vocabulary is far smaller
    memo[key] = value
    return value


def _remembered(memo: dict[str, Probes], part: str, build: Callable[[str], Probes]) -> Probes:
    probes = memo.get(part)
    return _remember(memo, part, build(part)) if probes is None else probes


def _one_edit(key: str) -> Probes:
    return tuple(neighbourhood(key, 1))


def _two_edit_head(head: str) -> Probes:
    return tuple(neighbourhood(head, 2))


def _two_edit_tail(tail: str) -> Probes:
    return tuple(tail_neighbourhood(tail, 2))


def one_edit_probes(key: str) -> Probes:
    return _remembered(_one_edit_memo, key, _one_edit)


def head_probes(key: str) -> Probes:
    # remembered by the head alone: "leather", "leatherbag" and "leatherbagblack" share it
    head = key[:TWO_EDIT_ENDS]
    if len(key) < TYPO_MIN_LEN:
        return (head,)  # no typos: the deletion neighbourhood of depth 0
    return _remembered(_head_memo, head, _two_edit_head)


def tail_probes(key: str) -> Probes:
    tail = key[-TWO_EDIT_ENDS:]
    if len(key) < TYPO_MIN_LEN:
        return (tail,)
    return _remembered(_tail_memo, tail, _two_edit_tail)


def clear_probe_caches() -> None:
    """Forget every remembered neighbourhood (benchmarks measuring cold lookups)."""
    for memo in (_one_edit_memo, _head_memo, _tail_memo):
        memo.clear()
    _token_key_memo.clear()


def token_key(norm: str) -> str:
    """One word's skeleton; a window's key is its words' keys joined by :func:`join_keys`."""
    key = _token_key_memo.get(norm)
    return _remember(_token_key_memo, norm, skeleton_key((norm,))) if key is None else key


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
