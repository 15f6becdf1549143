"""Counterfeit vocabulary and sale language."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signals.features.titles.vocabulary import (
    CLEARANCE_TERMS,
    COUNTERFEIT_TERMS,
    counterfeit_terms,
    sale_terms,
    title_vocabulary,
)


@pytest.mark.parametrize(("title", "expected"), [
    ("Velmora bag REPLICA", ("replica",)),
    ("Velmora replicas wholesale", ("replica",)),
    ("1:1 Velmora bag", ("1:1",)),
    ("Velmora bag 1 : 1 quality", ("1:1",)),
    ("Velmora bag １：１", ("1:1",)),  # fullwidth digits and colon
    ("AAA Velmora tote", ("aaa",)),
    ("AAA+ Velmora tote", ("aaa+",)),
    ("Velmora tote aaa +", ("aaa+",)),
    ("A+ quality Velmora tote", ("a+ quality",)),
    ("Velmora tote mirror quality", ("mirror quality",)),
    ("Velmora tote mirror grade", ("mirror quality",)),
    ("Velmora mirror 1:1", ("1:1", "mirror")),
    ("Inspired by Velmora", ("inspired by",)),
    ("Velmora dupe", ("dupe",)),
    ("Velmora copy", ("copy",)),
    ("Velmora super copy", ("super copy",)),
    ("Velmora high copy", ("super copy",)),
    ("Velmora knock-off", ("knockoff",)),
    ("Velmora knockoff", ("knockoff",)),
    ("fake Velmora", ("fake",)),
    ("unbranded version of Velmora tote", ("unbranded version of",)),
    ("same as original Velmora", ("same as original",)),
    ("Velmora top quality", ("top quality",)),
    ("Velmora top grade", ("top quality",)),
    ("factory direct Velmora", ("factory direct",)),
    ("Velmora OEM", ("oem",)),
    ("Velmora OEM quality", ("oem",)),
    ("Velmora factory original", ("factory original",)),
])
def test_each_phrase_is_found(title: str, expected: tuple[str, ...]) -> None:
    assert counterfeit_terms(title) == expected


@pytest.mark.parametrize(("title", "expected"), [
    ("Velmora rep1ica bag", ("replica",)),
    ("Velmora r3plica bag", ("replica",)),
    ("Velmora repl1ca bag", ("replica",)),
    ("Velmora r e p l i c a bag", ("replica",)),
    ("Velmora R.E.P.L.I.C.A bag", ("replica",)),
    ("Velmora f4ke", ("fake",)),
    ("Velmora f@ke", ("fake",)),
    ("Velmora c0py", ("copy",)),
    ("Velmora kn0ck0ff", ("knockoff",)),
    ("Velmora REPLICA", ("replica",)),
    ("Velmora rеplica", ("replica",)),  # Cyrillic е
])
def test_obfuscated_spellings_are_found(title: str, expected: tuple[str, ...]) -> None:
    assert counterfeit_terms(title) == expected


@pytest.mark.parametrize("title", [
    "Bathroom wall mirror with LED lights",
    "Makeup mirror, round",
    "Fake plant for living room",
    "Fake eyelashes 10 pairs",
    "AAA batteries 24 pack",
    "AAA battery charger",
    "Signed copy of the first edition",
    "Copy paper A4 500 sheets",
    "Imitation pearl necklace",
    "Wall clock 11:15 edition",
    "Scale model 1:18 car",
    "Replicate the look with this guide",  # word boundaries: not "replica"
    "Copywriting handbook",
    "Dupont pen",
    "Oembed widget",
    "",
])
def test_ordinary_uses_are_excused(title: str) -> None:
    assert counterfeit_terms(title) == ()


def test_longer_phrase_wins_over_the_words_inside() -> None:
    assert counterfeit_terms("mirror quality") == ("mirror quality",)
    assert counterfeit_terms("super copy") == ("super copy",)
    assert counterfeit_terms("AAA+") == ("aaa+",)


def test_results_are_canonical_unique_and_in_vocabulary_order() -> None:
    found = counterfeit_terms("dupe REPLICA fake replica 1:1 dupe")
    assert found == ("replica", "1:1", "dupe", "fake")
    assert list(found) == [t for t in COUNTERFEIT_TERMS if t in found]


@pytest.mark.parametrize(("title", "expected"), [
    ("CLEARANCE Velmora tote", ("clearance",)),
    ("Velmora tote - last season", ("last season",)),
    ("Velmora outlet store", ("outlet",)),
    ("Discontinued Velmora colour", ("discontinued",)),
    ("Velmora end of line", ("end of line",)),
    ("Velmora warehouse sale", ("sale",)),
    ("Velmora final sale", ("final sale",)),
    ("Velmora, pre-owned", ("pre-owned",)),
    ("Used Velmora bag", ("used",)),
    ("Velmora open box", ("open box",)),
    ("Clearance: Velmora, last season, outlet", ("clearance", "last season", "outlet")),
])
def test_sale_language(title: str, expected: tuple[str, ...]) -> None:
    assert sale_terms(title) == expected


@pytest.mark.parametrize("title", [
    "Power outlet extension", "Wall outlet cover", "Velmora tote, used for travel",
    "Velmora tote", "Salesforce handbook",
])
def test_no_sale_language(title: str) -> None:
    assert sale_terms(title) == ()


def test_term_lists_are_disjoint_and_canonical() -> None:
    assert not set(COUNTERFEIT_TERMS) & set(CLEARANCE_TERMS)
    assert len(set(COUNTERFEIT_TERMS)) == len(COUNTERFEIT_TERMS)
    assert {"replica", "1:1", "aaa", "aaa+", "mirror quality", "mirror", "inspired by", "dupe",
            "copy", "knockoff", "fake", "unbranded version of", "same as original",
            "top quality", "factory direct", "oem"} <= set(COUNTERFEIT_TERMS)
    assert {"clearance", "last season", "outlet", "discontinued"} <= set(CLEARANCE_TERMS)


@given(st.text(max_size=80))
def test_any_text_gives_known_terms(title: str) -> None:
    assert set(counterfeit_terms(title)) <= set(COUNTERFEIT_TERMS)
    assert set(sale_terms(title)) <= set(CLEARANCE_TERMS)


_SOUP_WORDS = ("r e p l 1 c a replica rep1ica AAA+ aaa batteries 1:1 mirror quality wall fake "
               "plant sale on used for power outlet clearance last season x Velmora")
_VOCABULARY_SOUP = st.lists(st.sampled_from(_SOUP_WORDS.split(" ")), max_size=12)


@given(_VOCABULARY_SOUP.map(" ".join) | st.text(max_size=40))
def test_title_vocabulary_is_both_vocabularies_at_once(title: str) -> None:
    # one split and one keying of the words for both: the answers of each alone
    assert title_vocabulary(title) == (counterfeit_terms(title), bool(sale_terms(title)))
