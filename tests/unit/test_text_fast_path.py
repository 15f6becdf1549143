"""The ASCII fast path of token_spans gives exactly the tokens of the general path."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from signals.features.titles.text import _token_spans_unicode, token_spans

_TRICKY = "aZ09@$ -_.:/\t\x0b\x0c\n'&"


@settings(max_examples=3000)
@given(st.one_of(st.text(alphabet=string.printable, max_size=40),
                 st.text(alphabet=_TRICKY, max_size=16)))
def test_ascii_fast_path_matches_the_unicode_path(text: str) -> None:
    assert token_spans(text) == _token_spans_unicode(text)


def test_non_ascii_titles_still_fold_look_alikes() -> None:
    assert [t.norm for t in token_spans("Vеlmora Ｘ7")] == ["velmora", "x7"]
