"""Deletion neighbourhoods: the fast enumeration against the plain definition."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from signals.features.titles.index.distance import collapsed_deletions
from signals.features.titles.text import collapse_repeats


def _by_definition(key: str, depth: int, start: int) -> set[str]:
    """Up to ``depth`` rounds of: delete one character at ``start`` or later, collapse."""
    found = frontier = {key}
    for _ in range(depth):
        frontier = {collapse_repeats(s[:i] + s[i + 1:])
                    for s in frontier for i in range(start, len(s))}
        found = found | frontier
    return found


# few letters, so that deletions keep bringing equal letters together ("abcba")
_SKELETONS = st.text(alphabet="abcd", max_size=14).map(collapse_repeats)


@given(_SKELETONS, st.integers(0, 3), st.integers(0, 2))
def test_collapsed_deletions_is_the_neighbourhood_by_definition(
        key: str, depth: int, start: int) -> None:
    assert collapsed_deletions(key, depth, start) == _by_definition(key, depth, start)


def test_a_deletion_that_joins_equal_letters_merges_them() -> None:
    assert "aca" in collapsed_deletions("abaca", 1)  # the second "a" merged away
    assert collapsed_deletions("aba", 2, start=1) == {"aba", "a", "ab"}
