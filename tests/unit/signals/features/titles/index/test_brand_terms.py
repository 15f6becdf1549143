"""Brand terms prepared for matching, and what a title window is to a term."""

from __future__ import annotations

import pytest

from signals.contract.events import BrandEvent
from signals.features.titles.index.brand_terms import (
    HOMOGLYPH_MIN_LEN,
    TWO_EDIT_LEN,
    TYPO_MIN_LEN,
    brand_terms,
    classify,
    make_term,
)
from signals.features.titles.text import token_spans
from signals.memo import Memo


def _classify(term_text: str, window: str, common: tuple[str, ...] = (),
              registered: tuple[tuple[str, ...], ...] = ()) -> object:
    term = make_term("b1", term_text, "name")
    assert term is not None
    return classify(term, token_spans(window), common, registered)


@pytest.mark.parametrize(("text", "edits"), [
    ("Nova", 0), ("a" * (TYPO_MIN_LEN - 1), 0), ("Velmo", 1), ("a" * (TWO_EDIT_LEN - 1), 1),
    ("Cloudrunner", 2), ("Mar53", 0), ("Velmora Paris", 2)])
def test_only_letters_leave_room_for_typos(text: str, edits: int) -> None:
    term = make_term("b1", text, "name")
    assert term is not None and term.max_edits == edits


def test_a_term_without_letters_or_digits_is_no_term() -> None:
    assert make_term("b1", "---", "alias") is None
    assert make_term("b1", "™", "alias") is None


def test_brand_terms_keep_the_first_kind_of_a_spelling_listed_twice() -> None:
    brand = BrandEvent("e", "t", 0.0, "b1", "Velmora", aliases=("VELMORA", "Velmo"),
                       protected_terms=("velmo", "X7", "!!"))
    assert [(t.text, t.kind) for t in brand_terms(brand)] == [
        ("Velmora", "name"), ("Velmo", "alias"), ("X7", "protected_term")]


def test_exact_homoglyph_and_typo_windows() -> None:
    assert _classify("Velmora", "vélmora") == ("exact", 1.0)
    assert _classify("Velmora", "Vеlmora") == ("homoglyph", 1.0)  # a Cyrillic е
    assert _classify("Velmora", "Ve1mora") == ("homoglyph", 1.0)
    kind, similarity = _classify("Velmora", "Velmorra")  # type: ignore[misc]
    assert kind == "typo" and 0.9 < similarity < 1.0


def test_what_is_never_a_typo() -> None:
    assert _classify("Velmora", "Xelmora") is None  # another first letter
    assert _classify("Velmora", "Velxxxa") is None  # too many edits
    assert _classify("Velmo", "hello") is None
    assert _classify("Velmo", "velma", common=("velma",)) is None  # an ordinary word
    assert _classify("Velmo", "velma", registered=(("velma",),)) is None  # another term
    assert _classify("a" * (HOMOGLYPH_MIN_LEN - 1), "a" * (HOMOGLYPH_MIN_LEN - 2) + "4") is None
    assert _classify("Soleil", "S01E11") is None  # mostly digits: a code


def test_a_memo_of_accepted_characters_gives_the_same_answers() -> None:
    term = make_term("b1", "Velmora", "name")
    assert term is not None
    memo: Memo[str, tuple[frozenset[str], ...]] = Memo(8)
    for window in ("Velmorra", "Ve1mora", "Velmora", "Xelmora", "Vel mora"):
        spans = token_spans(window)
        assert classify(term, spans, (), (), memo) == classify(term, spans, (), ())
    assert memo.keys() == ["velmora"]
