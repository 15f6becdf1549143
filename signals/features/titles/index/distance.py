"""Edit distances tuned for typosquats, and deletion neighbourhoods for the index.

:func:`typo_cost` is a weighted Damerau–Levenshtein (optimal string alignment)
distance from a registered term to a piece of title, both normalised with
words joined by single spaces:

* a digit or symbol in the title costs nothing where the term has the letter
  it imitates ("Ve1mora"), but a digit *of the term* must be typed exactly:
  "Aero 200" is another model than "Aero 2000", not a typo of it;
* a separator or a doubled letter costs half an edit ("Vel mora",
  "Vellmora"): the spelling is intact, which is what typosquatters rely on;
* any other insertion, deletion, substitution or adjacent swap costs one.

:func:`deletions` gives the symmetric-delete neighbourhood: two strings within
``k`` edits share a string reachable from each by at most ``k`` deletions, so
storing the neighbourhood of every term lets a title window find its near
terms with a few dictionary lookups instead of comparing against them all.
"""

from __future__ import annotations

import math

from signals.features.titles.homoglyphs import LOOKALIKE_LETTERS

__all__ = ["accepted_characters", "collapsed_deletions", "deletions", "lookalike", "typo_cost"]

#: cost of an edit that touches a digit of the term: more than any allowed limit
_BLOCKED = 100.0
_EMPTY: frozenset[str] = frozenset()


def lookalike(typed: str, registered: str) -> bool:
    """Whether the typed character passes for the registered one.

    >>> lookalike("1", "l"), lookalike("1", "i"), lookalike("t", "7"), lookalike("a", "a")
    (True, True, False, True)
    """
    return typed == registered or registered in LOOKALIKE_LETTERS.get(typed, _EMPTY)


def _insert_costs(window: str) -> list[float]:
    return [0.5 if c == " " or (i > 0 and window[i - 1] == c) else 1.0
            for i, c in enumerate(window)]


def _delete_costs(term: str) -> list[float]:
    return [_BLOCKED if c.isdigit() else 0.5 if c == " " or (j > 0 and term[j - 1] == c) else 1.0
            for j, c in enumerate(term)]


_PASSES_FOR: dict[str, frozenset[str]] = {}
for _typed, _letters in LOOKALIKE_LETTERS.items():
    for _letter in _letters:
        _PASSES_FOR[_letter] = _PASSES_FOR.get(_letter, frozenset()) | {_typed}


def accepted_characters(term: str) -> tuple[frozenset[str], ...]:
    """Per term character, every typed character that passes for it (worth remembering:
    the same registered terms are compared over and over).

    >>> [sorted(s) for s in accepted_characters("l7")]
    [['1', 'l'], ['7']]
    """
    return tuple([_PASSES_FOR.get(c, _EMPTY) | {c} for c in term])


def typo_cost(window: str, term: str, limit: float = math.inf,
              accepted: tuple[frozenset[str], ...] | None = None) -> float:
    """Weighted edit cost of writing ``term`` as ``window``; ``inf`` once over ``limit``.

    Every insertion or deletion costs at least half an edit, so only cells
    within ``2 * limit`` of the diagonal can stay under the limit (a banded
    DP: linear in the length for a fixed limit). ``accepted`` is
    :func:`accepted_characters` of ``term``, when the caller remembers it.

    >>> typo_cost("velmora", "velmora"), typo_cost("ve1mora", "velmora")
    (0.0, 0.0)
    >>> typo_cost("vel mora", "velmora"), typo_cost("vellmora", "velmora")
    (0.5, 0.5)
    >>> typo_cost("velmroa", "velmora"), typo_cost("aero 200", "aero 2000", limit=2)
    (1.0, inf)
    """
    n, m = len(window), len(term)
    band = n + m if math.isinf(limit) else int(2 * limit)
    if abs(n - m) > band:
        return math.inf
    ins, dels = _insert_costs(window), _delete_costs(term)
    if accepted is None:
        accepted = accepted_characters(term)
    subs = [_BLOCKED if c.isdigit() else 1.0 for c in term]
    before: list[float] = []
    prev = [math.inf] * (m + 1)
    prev[0] = 0.0
    for j in range(1, min(m, band) + 1):
        prev[j] = prev[j - 1] + dels[j - 1]
    for i in range(1, n + 1):
        cur = [math.inf] * (m + 1)
        if i <= band:
            cur[0] = prev[0] + ins[i - 1]
        if _fill_row(cur, prev, before, window, i, band, ins[i - 1], dels, subs,
                     accepted) > limit:
            return math.inf
        before, prev = prev, cur
    return prev[m] if prev[m] <= limit else math.inf


# Two-argument min and max only, here: compiled, those become native comparisons of
# unboxed floats, where a three-argument min is a call of the builtin per DP cell.
def _fill_row(cur: list[float], prev: list[float], before: list[float], window: str,
              i: int, band: int, insert: float, dels: list[float], subs: list[float],
              accepted: tuple[frozenset[str], ...]) -> float:
    """Row ``i`` of the banded DP, written into ``cur``; returns the row's smallest cost."""
    typed = window[i - 1]
    typed_before = window[i - 2] if i > 1 else ""
    lowest = cur[0]
    for j in range(max(1, i - band), min(len(cur) - 1, i + band) + 1):
        same = typed in accepted[j - 1]
        best = min(min(prev[j - 1] + (0.0 if same else subs[j - 1]), prev[j] + insert),
                   cur[j - 1] + dels[j - 1])
        if (not same and i > 1 and j > 1 and typed in accepted[j - 2]
                and typed_before in accepted[j - 1]):
            best = min(best, before[j - 2] + max(subs[j - 1], subs[j - 2]))
        cur[j] = best
        lowest = min(lowest, best)
    return lowest


def deletions(key: str, depth: int) -> set[str]:
    """``key`` and every string made from it by deleting up to ``depth`` characters.

    >>> sorted(deletions("abc", 1))
    ['ab', 'abc', 'ac', 'bc']
    >>> len(deletions("velmora", 2))
    29
    """
    found = {key}
    frontier = {key}
    for _ in range(depth):
        frontier = {s[:i] + s[i + 1:] for s in frontier for i in range(len(s))}
        found |= frontier
    return found


def collapsed_deletions(key: str, depth: int, start: int = 0) -> set[str]:
    """Like :func:`deletions` for a string without repeated characters (a skeleton),
    deleting only at ``start`` or later, with every result collapsed again.

    A deletion can only create a repeat where the two neighbours of the deleted
    character meet, so that is the one place to merge: much cheaper than
    running :func:`~signals.features.titles.text.collapse_repeats` over each result.

    >>> sorted(collapsed_deletions("abac", 1))  # deleting the b merges the a's
    ['aba', 'abac', 'abc', 'ac', 'bac']
    >>> sorted(collapsed_deletions("abac", 1, start=1))
    ['aba', 'abac', 'abc', 'ac']
    """
    found = {key}
    frontier, lows = [key], [start]
    for step in range(depth):
        more = step < depth - 1
        next_frontier: list[str] = []
        next_lows: list[int] = []
        for n in range(len(frontier)):
            s = frontier[n]
            last = len(s) - 1
            # a later deletion before ``low`` gives a string reached the other way round
            # (that deletion first): the order of deletions only matters next to each other
            for i in range(lows[n], len(s)):
                deleted = (s[:i] + s[i + 2:] if 0 < i < last and s[i - 1] == s[i + 1]
                           else s[:i] + s[i + 1:])
                found.add(deleted)
                if more:
                    next_frontier.append(deleted)
                    next_lows.append(max(start, i - 1))
        frontier, lows = next_frontier, next_lows
    return found
