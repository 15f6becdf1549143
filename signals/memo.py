"""A bounded memo: remembered results of a pure computation, held by the object that asks.

Every cache of the pure core is one of these, owned by the object whose data
the remembered results come from (the registry, the term index, the title
tokenizer, the model): no module keeps state of its own, so two registries, or
a test and a stream in one process, share nothing, and a cache goes away with
its owner.

A plain dict behind two methods rather than :func:`functools.lru_cache`:
compiled with mypyc, a hit is a native method call and a native dict lookup,
where an ``lru_cache`` call goes through the interpreter's calling convention.

Two policies, both bounding the memory:

* emptied when full (the default): the bound is a safety net, not an eviction
  policy; a stream's working set (its words, its titles' windows) is far
  smaller, and a hit costs one dict lookup;
* least recently used (``lru=True``): a hit moves the entry to the newest end,
  and a put beyond the bound drops the oldest; for working sets that can pass
  the bound (the titles of a large catalogue), at a second dict operation per hit.

``None`` means "not remembered", so values are never ``None`` (store a sentinel).

>>> memo: Memo[str, int] = Memo(2)
>>> memo.get("a") is None
True
>>> memo.put("a", 1), memo.put("b", 2), memo.get("a"), memo.put("a", 5), len(memo)
(1, 2, 1, 5, 2)
>>> memo.put("c", 3), len(memo), memo.get("a")  # full: emptied, then remembered
(3, 1, None)
>>> lru: Memo[str, int] = Memo(2, lru=True)
>>> lru.put("a", 1), lru.put("b", 2), lru.get("a"), lru.put("c", 3)
(1, 2, 1, 3)
>>> lru.get("b"), lru.get("a"), lru.get("c"), len(lru)  # "b" was the least recently used
(None, 1, 3, 2)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Memo"]

K = TypeVar("K")
V = TypeVar("V")


class Memo(Generic[K, V]):
    """At most ``max_size`` remembered values by key; see the module docstring."""

    def __init__(self, max_size: int, lru: bool = False) -> None:
        if max_size < 1:
            raise ValueError(f"max_size must be positive, not {max_size}")
        self.max_size = max_size
        self.lru = lru
        self._entries: dict[K, V] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K) -> V | None:
        """The value remembered for ``key``, or None."""
        if not self.lru:
            return self._entries.get(key)
        value = self._entries.pop(key, None)
        if value is not None:
            self._entries[key] = value  # now the most recently used
        return value

    def put(self, key: K, value: V) -> V:
        """Remember ``value`` for ``key`` (replacing what was); returns ``value``."""
        entries = self._entries
        if self.lru:
            entries[key] = value
            if len(entries) > self.max_size:
                del entries[next(iter(entries))]
        else:
            if len(entries) >= self.max_size and key not in entries:
                entries.clear()
            entries[key] = value
        return value

    def full(self) -> bool:
        """Whether a :meth:`put` of a new key would first forget something (everything,
        or with ``lru`` the oldest entry)."""
        return len(self._entries) >= self.max_size

    def keys(self) -> list[K]:
        return list(self._entries)

    def clear(self) -> None:
        self._entries.clear()

    def discard_where(self, drop: Callable[[K], bool]) -> None:
        """Forget every entry whose key ``drop`` selects (what a change made stale)."""
        self._entries = {k: v for k, v in self._entries.items() if not drop(k)}
