"""Listing-level signal primitives: brand term matching, counterfeit vocabulary,
perceptual-hash lookup and price helpers. Pure functions and small indexes over
plain data; no I/O, no clock."""

from signals.features.phash import PhashIndex, format_phash, hamming, parse_phash
from signals.features.price import QuantileSketch, discount, price_ratio
from signals.features.titles.index.brand_index import BrandIndex, MatchKind, TermKind, TermMatch
from signals.features.titles.text import normalize, plain, skeleton, token_spans, tokens
from signals.features.titles.vocabulary import (
    CLEARANCE_TERMS,
    COUNTERFEIT_TERMS,
    counterfeit_terms,
    sale_terms,
)

__all__ = [
    "CLEARANCE_TERMS",
    "COUNTERFEIT_TERMS",
    "BrandIndex",
    "MatchKind",
    "PhashIndex",
    "QuantileSketch",
    "TermKind",
    "TermMatch",
    "counterfeit_terms",
    "discount",
    "format_phash",
    "hamming",
    "normalize",
    "parse_phash",
    "plain",
    "price_ratio",
    "sale_terms",
    "skeleton",
    "token_spans",
    "tokens",
]
