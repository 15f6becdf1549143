"""The common words that never count as a brand typo."""

from __future__ import annotations

from signals.contract.events import BrandEvent
from signals.features.titles.common_words import COMMON_WORDS
from signals.features.titles.index.brand_terms import TYPO_MIN_LEN
from signals.features.titles.text import plain
from signals.registry import Registry


def test_words_are_written_as_the_matcher_compares_them() -> None:
    # the window's plain words are joined and looked up: lower case ASCII letters only
    assert all(word == plain(word) and word.isalpha() and word.isascii()
               for word in COMMON_WORDS)
    # a term of TYPO_MIN_LEN letters minus one edit: the words that matter are this long
    assert sum(len(word) >= TYPO_MIN_LEN - 1 for word in COMMON_WORDS) > 500


def test_a_common_word_one_edit_from_a_brand_is_not_a_typo_of_it() -> None:
    reg = Registry.from_brands([BrandEvent("e", "t", 0.0, "b1", "Bloon")])
    assert "bloom" in COMMON_WORDS
    assert reg.match_title("Bloom vase, ceramic") == []
    assert [m.match_kind for m in reg.match_title("Blxon vase")] == ["typo"]
