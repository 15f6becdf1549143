"""Look-alike tables: characters that render like a Latin letter.

Two kinds of look-alike are kept apart because they are used differently:

* :data:`HOMOGLYPHS` maps letters of other scripts (Cyrillic, Greek,
  Armenian, IPA) to the Latin letter they are confused with. A Cyrillic ``е`` in a
  title is never an honest spelling of a Latin brand, so :func:`normalize
  <signals.features.titles.text.normalize>` always folds these.
* :data:`DIGIT_SWAPS` maps digits and symbols that stand in for letters
  (``0`` for ``o``, ``@`` for ``a``). A digit is often honest (``X7``,
  ``Air 90``), so these are folded only in the matching skeleton and only
  where the registered term has a letter.

The keys of :data:`HOMOGLYPHS` are case-sensitive on purpose: Greek ``Η``
looks like ``H`` but its lower case ``η`` looks like ``n``, so folding must
happen before case folding.

>>> HOMOGLYPHS["е"], HOMOGLYPHS["Η"], HOMOGLYPHS["η"]
('e', 'H', 'n')
>>> sorted(LOOKALIKE_LETTERS["1"])
['i', 'l']
"""

from __future__ import annotations

__all__ = [
    "DIGIT_SWAPS", "HOMOGLYPHS", "LATIN_FOLDS", "LOOKALIKE_LETTERS", "SKELETON_CLASSES",
]

_CYRILLIC = {
    "А": "A", "а": "a", "В": "B", "в": "b", "Е": "E", "е": "e", "Ё": "E", "ё": "e",
    "К": "K", "к": "k", "М": "M", "м": "m", "Н": "H", "н": "h", "О": "O", "о": "o",
    "Р": "P", "р": "p", "С": "C", "с": "c", "Т": "T", "т": "t", "У": "Y", "у": "y",
    "Х": "X", "х": "x", "Ѕ": "S", "ѕ": "s", "І": "I", "і": "i", "Ї": "I", "ї": "i",
    "Ј": "J", "ј": "j", "Ԁ": "D", "ԁ": "d", "Һ": "H", "һ": "h", "Ӏ": "I", "ӏ": "l",
    "Ү": "Y", "ү": "y", "Ԛ": "Q", "ԛ": "q", "Ԝ": "W", "ԝ": "w", "Ь": "b", "ь": "b",
    "ԍ": "g",
}

_GREEK = {
    "Α": "A", "α": "a", "Β": "B", "β": "b", "Ε": "E", "ε": "e", "Ζ": "Z", "ζ": "z",
    "Η": "H", "η": "n", "Ι": "I", "ι": "i", "Κ": "K", "κ": "k", "Μ": "M", "μ": "u",
    "Ν": "N", "ν": "v", "Ο": "O", "ο": "o", "Ρ": "P", "ρ": "p", "Τ": "T", "τ": "t",
    "Υ": "Y", "υ": "u", "Χ": "X", "χ": "x", "ω": "w", "ϲ": "c", "Ϲ": "C", "ϳ": "j",
    "γ": "y",
}

_LETTERLIKE = {
    # Armenian letters that are pixel-identical to Latin ones in common fonts
    "օ": "o", "ս": "u", "ց": "g", "հ": "h", "ո": "n", "Տ": "S", "Օ": "O",
    # IPA and letterlike symbols nobody types for an honest Latin letter
    "ɡ": "g", "ȷ": "j", "ɑ": "a", "ɩ": "i", "ʀ": "r", "ℓ": "l",
}

#: Latin letters without a canonical decomposition, so accent stripping misses
#: them; writing "Bjorn" for "Bjørn" is an honest spelling, not a disguise
LATIN_FOLDS: dict[str, str] = {
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "ħ": "h",
    "ı": "i", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ŀ": "l", "ŧ": "t",
}

#: non-Latin (or undecomposable Latin) letter -> the Latin letter(s) it passes for
HOMOGLYPHS: dict[str, str] = {**_CYRILLIC, **_GREEK, **_LETTERLIKE}

#: digit or symbol -> the letter it usually replaces in an evasive spelling
DIGIT_SWAPS: dict[str, str] = {
    "0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
    "@": "a", "$": "s",
}

#: every letter a digit or symbol may stand for when matching a registered term
#: (``1`` is used for both ``i`` and ``l``: "N1ke", "Ve1mora")
LOOKALIKE_LETTERS: dict[str, frozenset[str]] = {
    **{k: frozenset(v) for k, v in DIGIT_SWAPS.items()},
    "1": frozenset("il"),
}

#: skeleton classes: letters confusable with each other share one key, so the
#: index key of "N1ke" equals that of "Nike" (1 -> l, and i -> l too)
SKELETON_CLASSES: dict[str, str] = {**DIGIT_SWAPS, "i": "l"}
