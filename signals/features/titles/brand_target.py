"""Which brand a listing trades on, and which brand mentions are only compatibility.

A title can name a brand for three different reasons:

* it sells that brand (tagged, or named in the title): price and authorisation
  are checked against the brand;
* it sells something *for* that brand ("Replacement laces for North Peak
  Ridgeline", "Strap compatible with X7"): an accessory, not trading on the
  brand, so neither price nor authorisation says anything. A misspelt or
  look-alike name is still suspicious, so typo matches are kept as evidence;
* it borrows another brand's product-line name for its own goods (a copycat):
  the protected term's owner is the brand the listing trades on.

A mention is in a compatibility phrase when the words right before it are a
compatibility cue ("for", "fits", "compatible with", "works with"), or when it
directly follows such a mention ("for North Peak Summit Pro": both the name and
the model are compatibility).

>>> from signals.features.titles.index.brand_index import TermMatch
>>> title = "Replacement laces for North Peak Ridgeline"
>>> name = TermMatch("np", "North Peak", "name", "exact", 1.0, "North Peak", 22, 32)
>>> term = TermMatch("np", "Ridgeline", "protected_term", "exact", 1.0, "Ridgeline", 33, 42)
>>> compatibility_flags(title, [name, term])
[True, True]
>>> resolve_target(None, [name, term], [True, True], lambda b: True)
TargetBrand(brand_id=None, role='compat', copycat=())
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from signals.features.titles.index.brand_index import TermMatch
from signals.features.titles.text import tokens

__all__ = ["TargetBrand", "TargetRole", "compatibility_flags", "resolve_target"]

TargetRole = Literal["tag", "mention", "copycat", "own_tag", "compat", "none"]

#: a word that, right before a brand term, makes the term what the item fits
_CUES = frozenset({"for", "fits", "fit", "compatible", "compatibility", "replaces"})
#: "<word> with": "compatible with", "works with", "for use with"
_WITH_CUES = frozenset({"compatible", "works", "work", "use", "pairs", "fits"})
#: characters of the preceding text enough to see the last two words
_LOOKBACK = 40


@dataclass(frozen=True, slots=True)
class TargetBrand:
    """The brand trading on (None: none), why, and the copycat terms of another brand."""

    brand_id: str | None
    role: TargetRole
    copycat: tuple[TermMatch, ...]

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, brand_id: str | None, role: TargetRole,
                 copycat: tuple[TermMatch, ...]) -> None:
        object.__setattr__(self, "brand_id", brand_id)
        object.__setattr__(self, "role", role)
        object.__setattr__(self, "copycat", copycat)


_NO_TARGET: Final = TargetBrand(None, "none", ())


def _cue_before(prefix: str) -> bool:
    words = tokens(prefix[-_LOOKBACK:])
    if not words:
        return False
    if words[-1] in _CUES:
        return True
    return words[-1] == "with" and len(words) > 1 and words[-2] in _WITH_CUES


def compatibility_flags(title: str, matches: Sequence[TermMatch]) -> list[bool]:
    """For each match (in title order), whether it sits in a compatibility phrase.

    >>> m = TermMatch("b", "X7", "protected_term", "exact", 1.0, "X7", 0, 2)
    >>> compatibility_flags("X7 Style Sneakers for Men", [m])
    [False]
    """
    flags: list[bool] = []
    compat_end = -1  # end of the last mention found in a compatibility phrase
    for m in matches:
        chained = compat_end >= 0 and (m.start < compat_end
                                       or not tokens(title[compat_end:m.start]))
        flag = chained or _cue_before(title[:m.start])
        if flag:
            compat_end = max(compat_end, m.end)
        flags.append(flag)
    return flags


def _strongest(matches: Sequence[TermMatch]) -> str | None:
    if not matches:
        return None
    return max(matches, key=lambda m: (m.similarity, m.brand_id)).brand_id


def resolve_target(tag: str | None, matches: Sequence[TermMatch], compat: Sequence[bool],
                   registered: Callable[[str], bool]) -> TargetBrand:
    """The brand a listing trades on, given its tag, title matches and their compat flags.

    Tagged with a registered brand: that brand. Otherwise a brand named outside
    a compatibility phrase (any match kind), else the owner of a protected term
    borrowed outside one (a copycat), else an unregistered tag (``own_tag``:
    often a shop's own label); a brand named only for compatibility is no target.

    >>> term = TermMatch("np", "Ridgeline", "protected_term", "exact", 1.0, "Ridgeline", 0, 9)
    >>> resolve_target("own", [term], [False], lambda b: b == "np")
    TargetBrand(brand_id='np', role='copycat', copycat=(TermMatch(brand_id='np', \
term='Ridgeline', term_kind='protected_term', match_kind='exact', similarity=1.0, \
matched_text='Ridgeline', start=0, end=9),))
    """
    if not matches:  # most titles name no registered term: only the tag can decide
        if tag is None:
            return _NO_TARGET
        return TargetBrand(tag, "tag" if registered(tag) else "own_tag", ())
    names = [m for m, c in zip(matches, compat, strict=True)
             if m.term_kind != "protected_term" and (not c or m.match_kind != "exact")]
    named = {m.brand_id for m in names}
    copycat = tuple(m for m, c in zip(matches, compat, strict=True)
                    if m.term_kind == "protected_term" and not c
                    and m.brand_id != tag and m.brand_id not in named)
    if tag is not None and registered(tag):
        return TargetBrand(tag, "tag", copycat)
    mentioned = _strongest(names)
    if mentioned is not None:
        return TargetBrand(mentioned, "mention", copycat)
    if copycat:
        return TargetBrand(_strongest(copycat), "copycat", copycat)
    if tag is not None:
        return TargetBrand(tag, "own_tag", copycat)  # a label the registry does not know
    return TargetBrand(None, "compat" if matches else "none", copycat)
