"""Term tables: a term is found from its typo keys and not once removed; reaches agrees."""

from __future__ import annotations

import pytest

from signals.features.titles.index.brand_terms import BrandTerm, make_term
from signals.features.titles.index.term_keys import token_key
from signals.features.titles.index.term_tables import TermTables


def term(text: str) -> BrandTerm:
    made = make_term("b", text, "name")
    assert made is not None
    return made


def key(typed: str) -> str:
    """The window key a title word typed like this is looked up under."""
    return token_key(typed.casefold())


NOVA, VELMORA, THORNBURY = term("Nova"), term("Velmora"), term("Thornbury")  # 0, 1, 2 edits
TAMARISKS = term("Tamarisks")  # two edits, same first letter and length as Thornbury
TERMS = {1: NOVA, 2: VELMORA, 3: THORNBURY, 4: TAMARISKS}
# keys of title words: exact, typos within each term's edits, too far, wrong first letter,
# too short, unrelated
KEYS = ["nova", "nova1", "nva", "velmora", "vlmora", "velmra", "vxlmora", "velmroa",
        "vlmra", "zelmora", "ve", "thornbury", "thornbery", "tornbery", "thrnbury",
        "thornburyyy", "tornbry", "thnbry", "horenbury", "tamarisk", "tomarisks",
        "thornblsks", "leather", "bag"]


@pytest.fixture
def tables() -> tuple[TermTables, dict[int, list[set[str]]]]:
    tables = TermTables()
    return tables, {term_id: tables.add(term_id, t) for term_id, t in TERMS.items()}


@pytest.mark.parametrize(("typed", "term_id"), [
    ("Nova", 1), ("Velmora", 2), ("Vlmora", 2), ("Velmra", 2), ("Vxlmora", 2),
    ("Thornbury", 3), ("Thornbery", 3), ("Tornbery", 3), ("Thrnbury", 3),
    ("Tamarisk", 4), ("Tomarisks", 4),
])
def test_a_term_is_found_from_its_own_and_its_typo_keys(
        tables: tuple[TermTables, dict[int, list[set[str]]]], typed: str, term_id: int) -> None:
    assert term_id in tables[0].search(key(typed))


@pytest.mark.parametrize(("typed", "term_id"), [
    ("Nva", 1),  # four letters: exact only
    ("Vlmra", 2),  # two edits of a one-edit term
    ("Zelmora", 2),  # another first letter
    ("Leather", 2), ("Bag", 3), ("Ve", 2),
    # Thornbury's head, Tamarisks' tail: a two-edit term must be reached from both ends
    ("Thornbisks", 3), ("Thornbisks", 4),
])
def test_a_term_is_not_found_beyond_its_edits(
        tables: tuple[TermTables, dict[int, list[set[str]]]], typed: str, term_id: int) -> None:
    assert term_id not in tables[0].search(key(typed))


def test_reaches_agrees_with_search(
        tables: tuple[TermTables, dict[int, list[set[str]]]]) -> None:
    index, filed = tables
    for window in KEYS:
        found = index.search(window)
        for term_id, t in TERMS.items():
            assert index.reaches(t, filed[term_id], window) == (term_id in found), (window, t)


def test_a_removed_term_is_found_no_more(
        tables: tuple[TermTables, dict[int, list[set[str]]]]) -> None:
    index, _ = tables
    for term_id, t in TERMS.items():
        index.remove(term_id, t)
    assert all(not index.search(window) for window in KEYS)


def test_removal_keeps_a_term_sharing_keys_and_shapes() -> None:
    index = TermTables()
    velmore = term("Velmore")
    index.add(1, VELMORA)
    filed = index.add(2, velmore)
    assert index.search(key("Velmor")) == {1, 2}  # a key both are filed under
    index.remove(1, VELMORA)
    assert index.search(key("Velmor")) == {2}
    assert index.search(key("Velmra")) == set()
    # same first letter and length: the shape must still be counted for the other term
    assert index.search(key("Velmre")) == {2}
    assert index.reaches(velmore, filed, key("Velmre"))
    index.remove(2, velmore)
    assert index.search(key("Velmor")) == set()


def test_a_new_term_is_found_from_a_head_searched_before() -> None:
    index = TermTables()
    index.add(4, TAMARISKS)  # so that a key of Thornbury's shape looks its head up
    assert index.search(key("Thornbery")) == set()  # remembers the head finding nothing
    index.add(3, THORNBURY)
    assert index.search(key("Thornbery")) == {3}
    index.remove(3, THORNBURY)
    index.add(4, THORNBURY)
    assert index.search(key("Thornbery")) == {4}
