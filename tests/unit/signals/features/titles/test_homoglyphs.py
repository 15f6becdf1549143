"""Look-alike tables: other scripts fold to the Latin letter they pass for; digits only
stand in for letters where a term has a letter."""

from __future__ import annotations

import unicodedata

from signals.features.titles.homoglyphs import (
    DIGIT_SWAPS,
    HOMOGLYPHS,
    LATIN_FOLDS,
    LOOKALIKE_LETTERS,
    SKELETON_CLASSES,
)
from signals.features.titles.text import normalize


def test_homoglyphs_are_non_ascii_letters_mapping_to_ascii_ones() -> None:
    for char, latin in HOMOGLYPHS.items():
        assert len(char) == 1 and not char.isascii() and char.isalpha(), char
        assert latin.isascii() and latin.isalpha(), char
    scripts = {unicodedata.name(char).split()[0] for char in HOMOGLYPHS}
    assert {"CYRILLIC", "GREEK", "ARMENIAN"} <= scripts


def test_case_matters_in_the_table_greek_eta() -> None:
    assert (HOMOGLYPHS["Η"], HOMOGLYPHS["η"]) == ("H", "n")
    assert normalize("Ηη") == "hn"


def test_a_title_in_look_alike_script_normalises_to_the_latin_brand() -> None:
    assert normalize("Vеlmоrа") == "velmora"  # Cyrillic е, о, а
    assert normalize("ΑΙR") == "air"  # Greek capitals


def test_latin_folds_are_honest_spellings_of_ascii_letters() -> None:
    assert all(folded.isascii() and folded.isalpha() for folded in LATIN_FOLDS.values())
    assert not set(LATIN_FOLDS) & set(HOMOGLYPHS)
    assert normalize("Bjørn Łódź") == "bjorn lodz"


def test_digit_swaps_stand_for_letters_and_one_for_both_i_and_l() -> None:
    assert all(len(k) == 1 and not k.isalpha() and v.isalpha() for k, v in DIGIT_SWAPS.items())
    assert set(LOOKALIKE_LETTERS) == set(DIGIT_SWAPS)
    assert LOOKALIKE_LETTERS["1"] == frozenset("il")
    assert SKELETON_CLASSES["i"] == SKELETON_CLASSES["1"] == "l"
    assert normalize("N1ke") == "n1ke"  # digits survive normalisation: "X7" is honest
