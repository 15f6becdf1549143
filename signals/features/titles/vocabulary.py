"""Counterfeit vocabulary ("replica", "1:1", "AAA+") and sale language ("clearance").

Titles are matched word by word after :func:`~signals.features.titles.text.normalize`,
with digits and symbols inside a word read as the letters they imitate
("rep1ica", "f@ke") and runs of single letters joined ("r e p l i c a",
"r.e.p.l.i.c.a"). Longer phrases win over the words inside them ("mirror
quality" is not also "mirror"). A few everyday uses are excused by their
neighbour word: "fake plant", "AAA batteries", "wall mirror", "power outlet".

Results are canonical phrases in vocabulary order, each at most once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from signals.features.titles.homoglyphs import SKELETON_CLASSES
from signals.features.titles.text import Tokenizer, tokens
from signals.memo import Memo

__all__ = ["CLEARANCE_TERMS", "CONDITION_TERMS", "COUNTERFEIT_TERMS", "Vocabulary",
           "counterfeit_terms", "sale_terms", "title_vocabulary"]

_LOOKALIKES = str.maketrans(SKELETON_CLASSES)
_ONE_TO_ONE = re.compile(r"(?<![\d.:/])1\s*:\s*1(?![\d.:/])")
_TRIPLE_A = re.compile(r"a{3,}")
_TRIPLE_A_PLUS = re.compile(r"(?<![a-z])a{3,}\s*\+")
_A_PLUS_QUALITY = re.compile(r"(?<![a-z0-9])a\s*\+\s*(?:quality|grade)")
#: spelled-out words are only looked for when this long, so "a b c" stays noise
_MIN_SPELLED_OUT = 4


#: words whose keys a :class:`Vocabulary` remembers
_KEY_MEMO_SIZE: Final = 1 << 14


def _key(word: str) -> str:
    # digits stand in for letters only inside words: "100" stays a number
    return word.translate(_LOOKALIKES) if any(c.isalpha() for c in word) else word


@dataclass(frozen=True, slots=True)
class _Phrase:
    canonical: str
    words: tuple[str, ...]
    unless_before: frozenset[str]
    unless_after: frozenset[str]


def _phrases(canonical: str, variants: Iterable[str], unless_before: str = "",
             unless_after: str = "") -> list[_Phrase]:
    before = frozenset(_key(w) for w in unless_before.split())
    after = frozenset(_key(w) for w in unless_after.split())
    # no variants: matched by a dedicated rule, listed only to fix its place in the results
    return [_Phrase(canonical, tuple(_key(w) for w in tokens(v)), before, after)
            for v in variants] or [_Phrase(canonical, (), before, after)]


_FAKE_OBJECTS = ("plant plants flower flowers grass tree trees ivy moss succulent succulents "
                 "lashes eyelashes eyelash nails nail leather fur snow blood tan tattoo tattoos "
                 "piercing beard moustache mustache fruit food cake books money window")
_MIRROR_OBJECTS = ("wall makeup vanity bathroom car side rear view dressing floor shower hand "
                   "compact pocket led round framed length mirrors light lights door")

_COUNTERFEIT: list[_Phrase] = [
    *_phrases("replica", ["replica", "replicas", "replika"]),
    *_phrases("1:1", []),
    *_phrases("aaa+", []),
    *_phrases("aaa", []),
    *_phrases("a+ quality", []),
    *_phrases("mirror quality", ["mirror quality", "mirror grade", "mirror version",
                                 "mirror copy", "mirror image quality"]),
    *_phrases("mirror", ["mirror"], unless_before=_MIRROR_OBJECTS,
              unless_after=_MIRROR_OBJECTS),
    *_phrases("inspired by", ["inspired by", "inspired from"]),
    *_phrases("dupe", ["dupe", "dupes"]),
    *_phrases("super copy", ["super copy", "high copy", "master copy", "top copy",
                             "perfect copy"]),
    *_phrases("copy", ["copy", "copies"],
              unless_before="hard signed review advance digital physical personal first",
              unless_after="paper machine holder stand editor writing protection protected"),
    *_phrases("knockoff", ["knockoff", "knockoffs", "knock off", "knock offs"]),
    *_phrases("fake", ["fake", "fakes"], unless_after=_FAKE_OBJECTS),
    *_phrases("unbranded version of", ["unbranded version of", "unbranded version",
                                       "unbranded copy of"]),
    *_phrases("same as original", ["same as original", "same as the original",
                                   "same as authentic", "same as genuine"]),
    *_phrases("same factory", ["same factory", "same factory as"]),
    *_phrases("top quality", ["top quality", "top grade", "original quality"]),
    *_phrases("factory direct", ["factory direct", "direct from factory"]),
    *_phrases("factory original", ["factory original"]),
    *_phrases("oem", ["oem"]),
    *_phrases("imitation", ["imitation", "imitations"],
              unless_after="pearl pearls crab vanilla leather gold diamond"),
    *_phrases("counterfeit", ["counterfeit", "counterfeits"]),
    *_phrases("not original", ["not original", "non original", "not genuine", "non genuine",
                               "not authentic", "non authentic"]),
    *_phrases("lookalike", ["lookalike", "look alike", "lookalikes"]),
    *_phrases("clone", ["clone", "clones"], unless_after="trooper troopers wars tool stamp"),
]

_SALE: list[_Phrase] = [
    *_phrases("clearance", ["clearance"]),
    *_phrases("last season", ["last season", "previous season", "past season"]),
    *_phrases("outlet", ["outlet"], unless_before="power electrical electric wall air usb plug"),
    *_phrases("discontinued", ["discontinued"]),
    *_phrases("end of line", ["end of line", "end of range"]),
    *_phrases("closeout", ["closeout", "close out"]),
    *_phrases("overstock", ["overstock", "surplus stock", "excess stock"]),
    *_phrases("final sale", ["final sale", "sample sale"]),
    *_phrases("sale", ["sale", "on sale"]),
    *_phrases("open box", ["open box", "opened box", "box damaged", "damaged box"]),
    *_phrases("ex display", ["ex display", "display model", "floor model"]),
    *_phrases("pre-owned", ["pre owned", "preowned", "pre loved", "preloved", "second hand",
                            "secondhand"]),
    *_phrases("used", ["used"], unless_after="for to in with on by as"),
    *_phrases("refurbished", ["refurbished", "renewed"]),
]

#: canonical counterfeit phrases, in the order results are given
COUNTERFEIT_TERMS: tuple[str, ...] = tuple(dict.fromkeys(p.canonical for p in _COUNTERFEIT))
#: canonical legitimate-discount phrases, in the order results are given
CLEARANCE_TERMS: tuple[str, ...] = tuple(dict.fromkeys(p.canonical for p in _SALE))
#: the sale phrases that say the item is not new: its price is that of used goods
CONDITION_TERMS: frozenset[str] = frozenset(
    {"open box", "ex display", "pre-owned", "used", "refurbished"})


def _by_first_word(phrases: Sequence[_Phrase]) -> dict[str, list[_Phrase]]:
    table: dict[str, list[_Phrase]] = {}
    for p in phrases:
        if p.words:
            table.setdefault(p.words[0], []).append(p)
    for group in table.values():
        group.sort(key=lambda p: -len(p.words))
    return table


_COUNTERFEIT_TABLE = _by_first_word(_COUNTERFEIT)
_SALE_TABLE = _by_first_word(_SALE)


def _spell_joined(words: list[str]) -> list[str]:
    """Runs of one-letter words joined into one ("r e p l i c a" -> "replica")."""
    for word in words:
        if len(word) == 1:
            break
    else:
        return list(words)  # no one-letter word, no run: most titles
    out: list[str] = []
    run: list[str] = []
    for w in [*words, ""]:
        if len(w) == 1:
            run.append(w)
            continue
        if len(run) >= _MIN_SPELLED_OUT:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if w:
            out.append(w)
    return out


def _scan(words: list[str], table: dict[str, list[_Phrase]]) -> set[str]:
    found: set[str] = set()
    i = 0
    while i < len(words):
        step = 1
        for p in table.get(words[i], ()):
            n = len(p.words)
            if tuple(words[i:i + n]) != p.words:
                continue
            if (i > 0 and words[i - 1] in p.unless_before) or (
                    i + n < len(words) and words[i + n] in p.unless_after):
                step = n  # an excused use consumes its words: "fake plant" is no "fake"
                break
            found.add(p.canonical)
            step = n
            break
        i += step
    return found


def _triple_a(text: str, words: list[str]) -> set[str]:
    """"AAA+" / "AAA" / "A+ quality" grade claims; "AAA batteries" is a battery size."""
    found: set[str] = set()
    # a grade word is all "a"s, so a title whose words hold no "aaa" skips the word loop
    for i, w in enumerate(words if "aaa" in " ".join(words) else ()):
        if not w.startswith("aaa") or not _TRIPLE_A.fullmatch(w):
            continue
        following = words[i + 1] if i + 1 < len(words) else ""
        if following.startswith(("batter", "batt", "cell", "size", "alkaline", "rechargeable")):
            continue
        found.add("aaa")
    if "+" not in text:
        return found  # both grade patterns below need one
    if _TRIPLE_A_PLUS.search(text):
        found.discard("aaa")
        found.add("aaa+")
    if _A_PLUS_QUALITY.search(text):
        found.add("a+ quality")
    return found


def counterfeit_terms(title: str) -> tuple[str, ...]:
    """Counterfeit-vocabulary phrases in the title (canonical, vocabulary order).

    >>> counterfeit_terms("Velmora bag 1:1 mirror quality AAA+ r e p 1 i c a")
    ('replica', '1:1', 'aaa+', 'mirror quality')
    >>> counterfeit_terms("Wall mirror, fake plant, AAA batteries, 11:15 clock")
    ()
    """
    return _counterfeit(title, tokens(title), None)


def _counterfeit(title: str, toks: list[str], keys: list[str] | None) -> tuple[str, ...]:
    """:func:`counterfeit_terms` from the title's words and, when known, their keys."""
    # only the ":" and "+" patterns read the folded text, and NFKC leaves ASCII as it is
    text = (unicodedata.normalize("NFKC", title).casefold()
            if ":" in title or "+" in title or not title.isascii() else "")
    joined = _spell_joined(toks)
    # without a run of one-letter words the joined words are the words themselves
    words = keys if keys is not None and len(joined) == len(toks) else [_key(w) for w in joined]
    found = _scan(words, _COUNTERFEIT_TABLE) | _triple_a(text, words)
    if ":" in text and _ONE_TO_ONE.search(text):
        found.add("1:1")
    return tuple(t for t in COUNTERFEIT_TERMS if t in found) if found else ()


def sale_terms(title: str) -> tuple[str, ...]:
    """Legitimate discount language (explains a low price), canonical, vocabulary order.

    >>> sale_terms("CLEARANCE - Velmora tote, last season, outlet")
    ('clearance', 'last season', 'outlet')
    >>> sale_terms("USB power outlet adapter, used for travel")
    ()
    """
    return _sale([_key(w) for w in tokens(title)])


def _sale(keys: list[str]) -> tuple[str, ...]:
    found = _scan(keys, _SALE_TABLE)
    return tuple(t for t in CLEARANCE_TERMS if t in found) if found else ()


class Vocabulary:
    """:func:`title_vocabulary` for a stream: the words of recent titles (from
    ``tokenizer``, which the brand index shares) and their keys are remembered.

    >>> Vocabulary(Tokenizer()).title_vocabulary("Replica Velmora tote, clearance")
    (('replica',), True)
    """

    def __init__(self, tokenizer: Tokenizer) -> None:
        self._tokenizer = tokenizer
        self._keys: Memo[str, str] = Memo(_KEY_MEMO_SIZE)

    def _key(self, word: str) -> str:
        key = self._keys.get(word)
        return self._keys.put(word, _key(word)) if key is None else key

    def title_vocabulary(self, title: str) -> tuple[tuple[str, ...], bool]:
        vocab, sale = self.title_terms(title)
        return vocab, bool(sale)

    def title_terms(self, title: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Counterfeit phrases and sale phrases (:data:`CONDITION_TERMS` among them).

        >>> Vocabulary(Tokenizer()).title_terms("Quorra X7 headphones - Open Box, sale")
        ((), ('sale', 'open box'))
        """
        toks = self._tokenizer.tokens(title)
        keys = [self._key(w) for w in toks]
        return _counterfeit(title, toks, keys), _sale(keys)


def title_vocabulary(title: str) -> tuple[tuple[str, ...], bool]:
    """:func:`counterfeit_terms` and whether :func:`sale_terms` finds any, splitting the
    title and keying its words once for both.

    >>> title_vocabulary("Replica Velmora tote, clearance"), title_vocabulary("r e p l i c a")
    ((('replica',), True), (('replica',), False))
    """
    toks = tokens(title)
    keys = [_key(w) for w in toks]
    return _counterfeit(title, toks, keys), bool(_sale(keys))
