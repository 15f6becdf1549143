"""Normalisation: what folds at which strength, and token positions; the ASCII fast path of
token_spans gives exactly the tokens of the general path."""

from __future__ import annotations

import string
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.features.titles.text import (
    _ascii_token_spans,
    _token_spans_unicode,
    normalize,
    plain,
    skeleton,
    token_spans,
    tokens,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Vеlmora", "velmora"),  # Cyrillic е
        ("VΕLΜΟRΑ", "velmora"),  # Greek capitals Ε Μ Ο Α
        ("Ｖｅｌｍｏｒａ", "velmora"),  # fullwidth
        ("𝐕𝐞𝐥𝐦𝐨𝐫𝐚", "velmora"),  # mathematical bold
        ("Vélmöra", "velmora"),  # accents
        ("Ve\u0301lmora", "velmora"),  # combining accent
        ("  Velmora \t\n Paris  ", "velmora paris"),
        ("Bjørn Łódź", "bjorn lodz"),
        ("STRASSE Straße", "strasse strasse"),
    ],
)
def test_normalize_folds_lookalikes_case_accents_and_space(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_plain_keeps_other_scripts_so_exact_and_disguised_differ() -> None:
    assert plain("Vélmora") == "velmora"
    assert plain("Vеlmora") != "velmora"  # Cyrillic е is a disguise, not an accent
    assert plain("Ｖｅｌｍｏｒａ") != "velmora"
    assert plain("Bjørn") == "bjorn"  # an honest ASCII spelling


def test_greek_eta_depends_on_case() -> None:
    assert normalize("Η") == "h"
    assert normalize("η") == "n"


def test_normalize_leaves_digits_alone() -> None:
    assert normalize("Ve1mora X7") == "ve1mora x7"


def test_tokens_split_on_non_alphanumerics() -> None:
    assert tokens("Vel-mora/X7 (2024) 100%!") == ["vel", "mora", "x7", "2024", "100"]
    assert tokens("") == []
    assert tokens("--- !!") == []


def test_symbols_standing_in_for_letters_stay_in_the_word() -> None:
    assert tokens("V@lmora Ca$h $50 @home") == ["v@lmora", "ca$h", "50", "@home"]


def test_trademark_sign_is_not_glued_to_the_word() -> None:
    assert tokens("Velmora™ Bag®") == ["velmora", "bag"]


@pytest.mark.parametrize(
    "variant",
    ["Velmora", "Ve1mora", "V3lmora", "Velm0ra", "Vel-mora", "Vel mora", "Vel.mora", "Vellmora",
     "VELMORRA", "Vеlmоra", "Velmor@"],
)
def test_skeleton_is_the_same_for_every_disguise(variant: str) -> None:
    assert skeleton(variant) == skeleton("Velmora") == "velmora"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0", "o"), ("1", "l"), ("3", "e"), ("4", "a"), ("5", "s"), ("7", "t"), ("8", "b")],
)
def test_skeleton_digit_swaps(raw: str, expected: str) -> None:
    assert skeleton(f"x{raw}y") == f"x{expected}y"


def test_skeleton_merges_i_and_l_because_1_stands_for_both() -> None:
    assert skeleton("N1ke") == skeleton("Nike") == skeleton("Nlke")


def test_skeleton_distinguishes_different_words() -> None:
    assert skeleton("Nova") != skeleton("now")
    assert skeleton("Velmora") != skeleton("Velmara")


@given(st.text(max_size=60))
def test_token_spans_point_into_the_original_text(text: str) -> None:
    spans = token_spans(text)
    previous_end = 0
    for tok in spans:
        assert previous_end <= tok.start < tok.end <= len(text)
        assert tok.norm and all(c.isalnum() or c in "@$" for c in tok.norm)
        previous_end = tok.end
    assert [t.norm for t in spans] == tokens(text)


@given(st.text(max_size=60))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(st.text(alphabet=st.characters(categories=["Lu", "Ll", "Nd", "Zs"]), max_size=40))
def test_normalized_words_have_no_upper_case_or_marks(text: str) -> None:
    for word in tokens(text):
        assert word == word.casefold()
        assert not any(unicodedata.category(c).startswith("M") for c in word)


_ASCII_SOUP = st.text(alphabet=st.sampled_from("aZq09 @$-_.:/\t\x00\x1f\x7f"), max_size=40)


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60) | _ASCII_SOUP)
def test_ascii_fast_path_splits_like_the_per_character_path(text: str) -> None:
    # the fast path finds words with a regex and str.find; the general path classifies
    # every character: both must give the same tokens, positions included
    assert _ascii_token_spans(text) == tuple(_token_spans_unicode(text))


_TRICKY = "aZ09@$ -_.:/\t\x0b\x0c\n'&"


@settings(max_examples=3000)
@given(st.one_of(st.text(alphabet=string.printable, max_size=40),
                 st.text(alphabet=_TRICKY, max_size=16)))
def test_token_spans_fast_path_matches_the_unicode_path(text: str) -> None:
    assert token_spans(text) == _token_spans_unicode(text)


def test_non_ascii_titles_still_fold_look_alikes() -> None:
    assert [t.norm for t in token_spans("Vеlmora Ｘ7")] == ["velmora", "x7"]
