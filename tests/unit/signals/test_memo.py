"""The bounded memo: both policies keep memory bounded and never answer wrongly."""

from __future__ import annotations

import random

import pytest

from signals.memo import Memo


@pytest.mark.parametrize("lru", [False, True])
def test_a_memo_never_holds_more_than_its_bound_and_never_answers_wrongly(lru: bool) -> None:
    rng = random.Random(5)
    memo: Memo[int, int] = Memo(16, lru=lru)
    for _ in range(2000):
        key = rng.randrange(40)
        got = memo.get(key)
        assert got is None or got == key * key
        if got is None:
            assert memo.put(key, key * key) == key * key
        assert len(memo) <= 16


def test_emptied_when_full_forgets_everything_but_a_replaced_key_forgets_nothing() -> None:
    memo: Memo[str, int] = Memo(2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.full()
    memo.put("b", 3)
    assert memo.keys() == ["a", "b"] and memo.get("b") == 3
    memo.put("c", 4)
    assert memo.keys() == ["c"] and not memo.full()


def test_lru_drops_the_least_recently_read_entry() -> None:
    memo: Memo[str, int] = Memo(3, lru=True)
    for i, key in enumerate("abc"):
        memo.put(key, i)
    memo.get("a")
    memo.put("d", 3)
    assert memo.keys() == ["c", "a", "d"]
    assert memo.get("b") is None


def test_discard_where_and_clear_forget_what_they_select() -> None:
    memo: Memo[tuple[str, int], str] = Memo(10)
    for brand in ("b1", "b2"):
        for i in range(3):
            memo.put((brand, i), f"{brand}{i}")
    memo.discard_where(lambda key: key[0] == "b1")
    assert sorted(memo.keys()) == [("b2", 0), ("b2", 1), ("b2", 2)]
    memo.clear()
    assert len(memo) == 0 and memo.get(("b2", 0)) is None


@pytest.mark.parametrize("size", [0, -1])
def test_a_bound_below_one_is_refused(size: int) -> None:
    with pytest.raises(ValueError, match="max_size must be positive"):
        Memo(size)
