"""Counterfeit vocabulary and sale language. The shortcuts (no spelled-out run without a
one-letter word, no grade claim without "aaa", no result list when nothing was found)
answer what the plain word loops answer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.features.titles import vocabulary
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


_SHORTCUT_WORDS = st.sampled_from([
    "a", "r", "e", "p", "l", "i", "c", "aaa", "aaaa", "aaab", "4a4", "replica", "1", "sale",
    "outlet", "usb", "fake", "plant", "bag", "batteries", "mirror", "quality", "+", "1:1", "a+",
    ":"])


def _plain_spell_joined(ws: list[str]) -> list[str]:
    out: list[str] = []
    run: list[str] = []
    for w in [*ws, ""]:
        if len(w) == 1:
            run.append(w)
            continue
        out.extend(["".join(run)] if len(run) >= 4 else run)
        run = []
        if w:
            out.append(w)
    return out


@given(st.lists(_SHORTCUT_WORDS, max_size=12))
def test_spell_joined_matches_the_plain_loop(ws: list[str]) -> None:
    assert vocabulary._spell_joined(ws) == _plain_spell_joined(ws)


def _plain_grade_words(ws: list[str]) -> set[str]:
    found: set[str] = set()
    for i, w in enumerate(ws):
        if not vocabulary._TRIPLE_A.fullmatch(w):
            continue
        following = ws[i + 1] if i + 1 < len(ws) else ""
        if not following.startswith(("batter", "batt", "cell", "size", "alkaline",
                                     "rechargeable")):
            found.add("aaa")
    return found


@given(st.lists(_SHORTCUT_WORDS, max_size=10))
def test_grade_words_match_the_plain_loop(ws: list[str]) -> None:
    assert vocabulary._triple_a("", ws) == _plain_grade_words(ws)


@settings(max_examples=300)
@given(st.lists(_SHORTCUT_WORDS, max_size=10), st.sampled_from([" ", ", ", "-", " . "]))
def test_results_are_in_vocabulary_order_or_empty(ws: list[str], sep: str) -> None:
    title = sep.join(ws)
    fake, sale = counterfeit_terms(title), sale_terms(title)
    assert list(fake) == [t for t in COUNTERFEIT_TERMS if t in fake]
    assert list(sale) == [t for t in CLEARANCE_TERMS if t in sale]
    assert fake == () or fake


def test_spelled_out_runs_and_grade_claims_in_known_titles() -> None:
    # "AAA batteries" is a size; "4AA4" reads as "aaaa", a grade claim
    assert counterfeit_terms("r e p l i c a bag, AAA batteries, 4AA4 grade") == ("replica", "aaa")
    assert counterfeit_terms("r e p l i c a bag, AAA batteries") == ("replica",)
    assert counterfeit_terms("AAAA bag a+ quality") == ("aaa", "a+ quality")
    assert counterfeit_terms("plain leather tote") == ()
    assert sale_terms("plain leather tote") == ()
