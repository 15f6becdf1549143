"""Text normalisation for matching listing titles against brand terms.

Three strengths of folding, each including the previous one:

* :func:`plain` — case folded, accents stripped. Two spellings with equal
  plain tokens are *the same spelling*: a match on them is "exact".
* :func:`normalize` — also compatibility forms (fullwidth, mathematical
  letters) and :data:`~signals.features.titles.homoglyphs.HOMOGLYPHS` (Cyrillic and
  Greek look-alikes), whitespace collapsed. Equal only after this = disguise.
* :func:`skeleton` — also digit/symbol swaps (``0``→o, ``@``→a, ``1``/``i``→l),
  separators inside a term removed and repeated letters collapsed.

Index time vs query time: the brand index keys every term *and* every title
window by its skeleton, the same function on both sides, so a key lookup finds
a look-alike whichever side carries the odd character. The skeleton is only a
recall device: what kind of match a candidate is gets decided afterwards on
the normalised forms, asymmetrically (a digit counts for a letter only where
the registered term has that letter), so "XT" never passes for "X7".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Final, Literal, NamedTuple

from signals.features.titles.homoglyphs import HOMOGLYPHS, LATIN_FOLDS, SKELETON_CLASSES
from signals.memo import Memo

__all__ = [
    "Token",
    "Tokenizer",
    "collapse_repeats",
    "normalize",
    "plain",
    "skeleton",
    "skeleton_key",
    "token_spans",
    "tokens",
]

_CharKind = Literal["word", "mark", "space", "symbol"]
_SKELETON_TABLE = str.maketrans(SKELETON_CLASSES)
_ALL_FOLDS = {**LATIN_FOLDS, **HOMOGLYPHS}
_REPEATS = re.compile(r"(.)\1+")
#: symbols that are part of a word when touching a letter ("V@lmora", "Ca$h") but not in "$50"
_LETTER_STAND_INS = frozenset("@$")
#: an ASCII word: letters and digits, with "@"/"$" where they touch a letter
_ASCII_WORD = re.compile(r"(?:[A-Za-z0-9]|(?<=[A-Za-z])[@$]|[@$](?=[A-Za-z]))+")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]+")  # the same where no "@" or "$" occurs
#: builds a Token without the Python-level ``Token.__new__`` (titles make many)
_new_tuple: Final = tuple.__new__


class Token(NamedTuple):
    """One word of a text: its plain and normalised forms and where it sits.

    ``start``/``end`` index the original text, so ``text[start:end]`` is what
    the writer typed. A named tuple rather than a frozen dataclass: every
    title makes several, and a tuple is several times cheaper to create.
    """

    plain: str
    norm: str
    start: int
    end: int


def _strip_marks(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s)
                   if not unicodedata.category(c).startswith("M"))


def _fold(s: str, table: dict[str, str]) -> str:
    return "".join(table.get(c, c) for c in s)


def _plain_letter(ch: str) -> str:
    # casefold before stripping: "İ".casefold() is "i" plus a combining dot
    return _fold(_strip_marks(_fold(ch, LATIN_FOLDS).casefold()), LATIN_FOLDS)


def _norm_letter(ch: str) -> str:
    # homoglyphs before casefold (Greek "Η" is H, its lower case "η" is n), and
    # again after, for letters only casefold produces
    s = _fold(_strip_marks(unicodedata.normalize("NFKC", ch)), _ALL_FOLDS)
    s = _fold(_strip_marks(unicodedata.normalize("NFKC", s.casefold())), _ALL_FOLDS)
    return "".join(c for c in s if c.isalnum())


CharForms = tuple[_CharKind, str, str]


def _char_forms(ch: str) -> CharForms:
    """(kind, plain form, normalised form) of one character."""
    category = unicodedata.category(ch)
    if category.startswith("M"):
        return "mark", "", ""
    if category[0] in "LN":
        norm = _norm_letter(ch)
        if norm:
            return "word", _plain_letter(ch), norm
    folded = _strip_marks(unicodedata.normalize("NFKC", ch))
    if not folded.strip():
        return "space", " ", " "  # also spacing accents such as "¸", which fold to nothing
    if any(c.isalnum() for c in folded):
        folded = ch  # "™" must not turn into the letters "tm" glued to the brand
    return "symbol", ch, folded.casefold()


def _touches_letter(text: str, i: int) -> bool:
    return any(0 <= j < len(text) and unicodedata.category(text[j]).startswith("L")
               for j in (i - 1, i + 1))


def token_spans(text: str) -> list[Token]:
    """Split on non-alphanumerics, keeping plain/normalised forms and positions.

    >>> [(t.plain, t.norm, t.start, t.end) for t in token_spans("Vеlmora-X7 $50")]
    [('vеlmora', 'velmora', 0, 7), ('x7', 'x7', 8, 10), ('50', '50', 12, 14)]
    >>> [(t.plain, t.start) for t in token_spans("V@lmora Ca$h $50 a@ @")]  # ASCII fast path
    [('v@lmora', 0), ('ca$h', 8), ('50', 14), ('a@', 17)]
    """
    return list(_split(text, None))


#: titles whose words a tokenizer remembers: the brand index and both vocabularies
#: split the same title, and a registry change re-matches the titles seen before it
_RECENT_TITLES: Final = 4096
#: characters whose forms a tokenizer remembers (the Unicode path looks up every one)
_KNOWN_CHARACTERS: Final = 8192


class Tokenizer:
    """:func:`token_spans` and :func:`tokens` of recent titles, remembered.

    >>> words = Tokenizer()
    >>> words.token_spans("Vеlmora bag") is words.token_spans("Vеlmora bag")
    True
    >>> words.tokens("Vеlmora bag")
    ['velmora', 'bag']
    """

    def __init__(self) -> None:
        self._spans: Memo[str, tuple[Token, ...]] = Memo(_RECENT_TITLES)
        self._chars: Memo[str, CharForms] = Memo(_KNOWN_CHARACTERS)

    def token_spans(self, text: str) -> tuple[Token, ...]:
        spans = self._spans.get(text)
        return self._spans.put(text, _split(text, self._chars)) if spans is None else spans

    def tokens(self, text: str) -> list[str]:
        return [t.norm for t in self.token_spans(text)]


def _split(text: str, chars: Memo[str, CharForms] | None) -> tuple[Token, ...]:
    # Most titles are plain ASCII, where both folds are just lower case: one regex
    # instead of a Unicode lookup per character (same tokens, see the unit tests).
    return _ascii_token_spans(text) if text.isascii() else tuple(_token_spans_unicode(text, chars))


def _ascii_token_spans(text: str) -> tuple[Token, ...]:
    # Lower-casing ASCII keeps every position and every character's class, so the
    # words can be found in the lowered text directly.
    lowered = text.lower()
    if "@" in text or "$" in text:
        return tuple([_new_tuple(Token, (m.group(), m.group(), m.start(), m.end()))
                      for m in _ASCII_WORD.finditer(lowered)])
    # findall makes no match objects; a word is a maximal run of letters and digits,
    # so its first occurrence after the previous word's end is where it was found
    words: list[str] = _ASCII_ALNUM.findall(lowered)
    found: list[Token] = []
    end = 0
    for word in words:
        start = lowered.find(word, end)
        end = start + len(word)
        found.append(_new_tuple(Token, (word, word, start, end)))
    return tuple(found)


def _token_spans_unicode(text: str, chars: Memo[str, CharForms] | None = None) -> list[Token]:
    found: list[Token] = []
    plains: list[str] = []
    norms: list[str] = []
    start = end = -1
    for i, ch in enumerate(text):
        forms = chars.get(ch) if chars is not None else None
        if forms is None:
            forms = _char_forms(ch)
            if chars is not None:
                chars.put(ch, forms)
        kind, plain_form, norm_form = forms
        if ch in _LETTER_STAND_INS and _touches_letter(text, i):
            kind, plain_form, norm_form = "word", ch, ch
        if kind == "word" or (kind == "mark" and start >= 0):
            start = i if start < 0 else start
            end = i + 1
            plains.append(plain_form)
            norms.append(norm_form)
        elif start >= 0:
            found.append(Token("".join(plains), "".join(norms), start, end))
            plains, norms, start = [], [], -1
    if start >= 0:
        found.append(Token("".join(plains), "".join(norms), start, end))
    return found


def plain(text: str) -> str:
    """Case folded, accents stripped, whitespace collapsed; scripts untouched.

    >>> plain("  Crème   BRÛLÉE ")
    'creme brulee'
    """
    return " ".join("".join(_char_forms(c)[1] for c in text).split())


def normalize(text: str) -> str:
    """NFKC, homoglyphs folded to Latin, case folded, accents stripped, spaces collapsed.

    >>> normalize("Ｖｅｌｍｏｒａ  Vеlmorá ΑΙR")
    'velmora velmora air'
    >>> normalize("Velmora™ Bjørn")
    'velmora™ bjorn'
    """
    return " ".join("".join(_char_forms(c)[2] for c in text).split())


def tokens(text: str) -> list[str]:
    """Normalised words, split on anything that is not a letter or digit.

    >>> tokens("Vel-mora (Х7), 100% ORIGINAL!")
    ['vel', 'mora', 'x7', '100', 'original']
    """
    return [t.norm for t in _split(text, None)]


def collapse_repeats(s: str) -> str:
    """Runs of one character become one character.

    >>> collapse_repeats("vellmoraa")
    'velmora'
    """
    # most words repeat no letter; the substitution with a group reference runs Python
    # code in the re module, the search does not
    return _REPEATS.sub(r"\1", s) if _REPEATS.search(s) else s


def skeleton_key(norm_tokens: Sequence[str]) -> str:
    """Skeleton of already normalised tokens (the index key of a term or window).

    >>> skeleton_key(["vel", "m0ra"]) == skeleton_key(["velmora"])
    True
    """
    return collapse_repeats("".join(norm_tokens).translate(_SKELETON_TABLE))


def skeleton(text: str) -> str:
    """The aggressive form used as a typosquat index key.

    Digit and symbol swaps (0→o 1→l 3→e 4→a 5→s 7→t 8→b @→a $→s; ``i`` joins
    ``l`` because ``1`` stands in for both), separators removed, repeated
    letters collapsed.

    >>> skeleton("Ve1mora"), skeleton("Vel-mora"), skeleton("VELLMORA"), skeleton("Vеlm0ra")
    ('velmora', 'velmora', 'velmora', 'velmora')
    >>> skeleton("N1ke") == skeleton("Nike")
    True
    """
    return skeleton_key(tokens(text))
