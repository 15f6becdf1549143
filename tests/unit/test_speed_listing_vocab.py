"""The vocabulary shortcuts (no spelled-out run without a one-letter word, no grade
claim without "aaa", no result list when nothing was found) answer what the
plain word loops answer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from signals.features.titles import vocabulary
from signals.features.titles.vocabulary import counterfeit_terms, sale_terms

words = st.sampled_from(["a", "r", "e", "p", "l", "i", "c", "aaa", "aaaa", "aaab", "4a4",
                         "replica", "1", "sale", "outlet", "usb", "fake", "plant", "bag",
                         "batteries", "mirror", "quality", "+", "1:1", "a+", ":"])


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


@given(st.lists(words, max_size=12))
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


@given(st.lists(words, max_size=10))
def test_grade_words_match_the_plain_loop(ws: list[str]) -> None:
    assert vocabulary._triple_a("", ws) == _plain_grade_words(ws)


@settings(max_examples=300)
@given(st.lists(words, max_size=10), st.sampled_from([" ", ", ", "-", " . "]))
def test_results_are_in_vocabulary_order_or_empty(ws: list[str], sep: str) -> None:
    title = sep.join(ws)
    fake, sale = counterfeit_terms(title), sale_terms(title)
    assert list(fake) == [t for t in vocabulary.COUNTERFEIT_TERMS if t in fake]
    assert list(sale) == [t for t in vocabulary.CLEARANCE_TERMS if t in sale]
    assert fake == () or fake


def test_known_titles() -> None:
    # "AAA batteries" is a size; "4AA4" reads as "aaaa", a grade claim
    assert counterfeit_terms("r e p l i c a bag, AAA batteries, 4AA4 grade") == ("replica", "aaa")
    assert counterfeit_terms("r e p l i c a bag, AAA batteries") == ("replica",)
    assert counterfeit_terms("AAAA bag a+ quality") == ("aaa", "a+ quality")
    assert counterfeit_terms("plain leather tote") == ()
    assert sale_terms("plain leather tote") == ()
