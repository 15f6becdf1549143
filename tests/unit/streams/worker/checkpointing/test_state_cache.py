"""The write-behind state cache: dirty keys, snapshots, eviction and read-back."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.worker.checkpointing.state_cache import StateCache


class Count:
    def __init__(self, key: str, n: int = 0, tags: frozenset[str] = frozenset()) -> None:
        self.key, self.n, self.tags = key, n, tags

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "n": self.n, "tags": self.tags}

    @classmethod
    def load(cls, data: dict[str, Any]) -> Count:
        return cls(data["key"], data["n"], frozenset(data["tags"]))


def _cache(table: dict[str, bytes], capacity: int = 100) -> StateCache[Count]:
    return StateCache(table, Count, Count.load, capacity)


def test_nothing_reaches_the_table_before_a_flush() -> None:
    table: dict[str, bytes] = {}
    cache = _cache(table)
    cache.get("a", 0).n += 1
    assert table == {} and cache.dirty(0) == 1
    assert cache.flush(0) == 1
    assert orjson.loads(table["a"]) == {"key": "a", "n": 1, "tags": []}
    assert cache.dirty(0) == 0


def test_sets_are_written_sorted() -> None:
    table: dict[str, bytes] = {}
    cache = _cache(table)
    cache.get("a", 0).tags = frozenset({"z", "b"})
    cache.flush(0)
    assert orjson.loads(table["a"])["tags"] == ["b", "z"]


def test_a_snapshot_is_the_state_when_taken_not_when_written() -> None:
    table: dict[str, bytes] = {}
    cache = _cache(table)
    cache.get("a", 0).n = 1
    snapshot = cache.snapshot(0)
    cache.get("a", 0).n = 2  # a later event, not yet delivered
    cache.write(snapshot)
    assert orjson.loads(table["a"])["n"] == 1
    assert cache.dirty(0) == 1  # the later change waits for the next flush


def test_partitions_flush_separately() -> None:
    table: dict[str, bytes] = {}
    cache = _cache(table)
    cache.get("a", 0)
    cache.get("b", 1)
    cache.flush(1)
    assert list(table) == ["b"] and cache.dirty(0) == 1


def test_evicted_states_come_back_from_the_table() -> None:
    table: dict[str, bytes] = {}
    cache = _cache(table, capacity=2)
    for key in "abcd":
        cache.get(key, 0).n = ord(key)
    cache.flush(0)
    assert len(cache) == 2 and cache.evicted == 2
    assert cache.get("a", 0).n == ord("a")  # read back, not created anew


def test_the_least_recently_used_are_evicted_first() -> None:
    table: dict[str, bytes] = {}
    cache = _cache(table, capacity=2)
    for key in "abc":
        cache.get(key, 0)
    cache.get("a", 0)  # used again: now the newest
    cache.flush(0)
    assert sorted(k for k, _ in cache.items()) == ["a", "b", "c"]
    assert cache.peek("a") is not None and len(cache) == 2
    assert "b" not in cache._live


def test_dirty_and_unwritten_states_are_never_evicted() -> None:
    table: dict[str, bytes] = {}
    cache = _cache(table, capacity=1)
    cache.get("a", 0).n = 1
    cache.get("b", 1).n = 2
    pending = cache.snapshot(0)  # "a" is on its way to the table, not there yet
    cache.flush(1)  # trims: "a" must stay live, "b" is written and may go
    assert cache.peek("a") is not None and "a" in cache._live
    cache.write(pending)
    assert orjson.loads(table["a"])["n"] == 1


def test_peek_never_creates_or_dirties() -> None:
    cache = _cache({})
    assert cache.peek("nobody") is None and len(cache) == 0 and cache.dirty(0) == 0


def test_forget_drops_memory_but_not_the_table() -> None:
    table: dict[str, bytes] = {}
    cache = _cache(table)
    cache.get("a", 0).n = 5
    cache.flush(0)
    cache.get("a", 0).n = 6  # unflushed: lost on revocation, rebuilt by re-reading records
    cache.forget()
    assert len(cache) == 0 and cache.get("a", 0).n == 5


def _run_both(ops: list[tuple[str, int, bool]], small: StateCache[Count],
              big: StateCache[Count]) -> None:
    """The same gets and flushes on both caches, then a flush of every partition."""
    for key, partition, flush in ops:
        small.get(key, partition).n += 1
        big.get(key, partition).n += 1
        if flush:
            small.flush(partition)
            big.flush(partition)
    for partition in range(3):
        small.flush(partition)
        big.flush(partition)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcdefgh"), st.integers(0, 2), st.booleans()),
                max_size=60), st.integers(1, 4))
def test_a_bounded_cache_ends_with_the_table_an_unbounded_one_has(
        ops: list[tuple[str, int, bool]], capacity: int) -> None:
    """Whatever is evicted, the states read back are the ones written."""
    small_table: dict[str, bytes] = {}
    big_table: dict[str, bytes] = {}
    small, big = _cache(small_table, capacity), _cache(big_table, 10_000)
    _run_both(ops, small, big)
    assert small_table == big_table
    assert len(small) <= capacity  # everything flushed: nothing pins a state in memory


def test_a_state_not_held_is_read_from_its_partitions_store() -> None:
    """With a ``reader``, a key is looked up in the store of the partition it is
    asked for (one database, not the table's search of every partition)."""
    stores: dict[int, dict[str, bytes]] = {0: {}, 1: {"k": orjson.dumps({"key": "k", "n": 7})}}
    asked: list[tuple[str, int]] = []

    def reader(key: str, partition: int) -> bytes | None:
        asked.append((key, partition))
        return stores[partition].get(key)

    cache = StateCache({}, lambda key: {"key": key, "n": 0}, dict, capacity=10, reader=reader)
    assert cache.get("k", partition=1) == {"key": "k", "n": 7}
    assert cache.get("j", partition=0) == {"key": "j", "n": 0}
    cache.get("k", partition=1)  # held now: not read again
    assert asked == [("k", 1), ("j", 0)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcdefgh"), st.integers(0, 2), st.booleans()),
                max_size=60), st.integers(1, 60))
def test_a_cache_bounded_in_bytes_keeps_the_table_and_its_bound(
        ops: list[tuple[str, int, bool]], max_bytes: int) -> None:
    """Evicting by serialised size loses nothing, and once every state is written the
    live ones fit the bound (what is read back counts by its stored size)."""
    small_table: dict[str, bytes] = {}
    big_table: dict[str, bytes] = {}
    small = StateCache(small_table, Count, Count.load, max_bytes=max_bytes)
    big = _cache(big_table, 10_000)
    _run_both(ops, small, big)
    assert small_table == big_table
    live = [key for key, _ in small.items() if key in small._live]
    assert small.bytes == sum(len(small_table[key]) for key in live)
    assert small.bytes <= max_bytes
