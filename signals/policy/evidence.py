"""How strong the evidence behind a listing score is, and the tier it can reach.

A score says how likely a listing infringes; the *kind* of evidence says how
far an enforcement team can act on it. Each severity is a precision promise
(docs/detection.md, "Severity tiers"), and on marketplaces the simulator was
not tuned on, the score alone breaks that promise where honest look-alikes
sit: a gray-market importer's listing (genuine goods, a modest discount, the
brand's photos, off the authorized list) scores like a careful fake's. What
does separate them is evidence the look-alike cannot have:

``listing``
    the listing itself: a look-alike brand name, counterfeit vocabulary,
    another brand's product-line term.
``seller``
    the seller's record: upheld reports outweighing rejected ones, or shared
    own photos with sellers already flagged (a counterfeit ring).
``behaviour``
    how the seller acts: a new account, a listing burst, a high rate of
    refunds, returns and disputes; or an official photo that looks edited.
    The last is a photo-provenance judgement on perceptual hashes, which
    re-encoding and resizing also move by a few bits: strong enough for a
    review queue, not for automatic enforcement.
``none``
    price, photos and authorization only: what gray-market and used-goods
    sellers also show.

Each class has the least score at which a listing is alerted and the highest
severity it can get (:data:`EVIDENCE_RULES`).

>>> evidence_class({"counterfeit_vocab": 1.0})
'listing'
>>> evidence_class({"seller_upheld": 1.2, "reports_rejected_share": 0.2})
'seller'
>>> evidence_class({"seller_upheld": 0.6})  # a single upheld report convicts nobody
'none'
>>> evidence_class({"seller_upheld": 0.6, "reports_rejected_share": 0.6})  # mostly rejected
'none'
>>> evidence_class({"seller_burst": 1.1}), evidence_class({"price_discount": 0.3})
('behaviour', 'none')
>>> tiered(0.97, "none"), tiered(0.97, "behaviour"), tiered(0.72, "behaviour")
('low', 'high', None)
>>> tiered(0.97, "listing"), tiered(0.62, "listing")
('critical', 'low')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

from signals.contract.alert import Severity, severity_rank
from signals.policy.severity import severity_for

__all__ = ["EVIDENCE_RULES", "EvidenceClass", "evidence_class", "tiered"]

EvidenceClass = Literal["listing", "seller", "behaviour", "none"]

#: per class: (least score that alerts, highest severity)
EVIDENCE_RULES: Mapping[str, tuple[float, Severity]] = {
    "listing": (0.6, "critical"),
    "seller": (0.6, "critical"),
    "behaviour": (0.75, "high"),
    "none": (0.95, "low"),
}

_LISTING_TELLS: Final = ("brand_typo", "counterfeit_vocab", "copycat_terms")
#: reliability-weighted upheld reports that convict (two decisions by default reporters)
_CONVICTING_UPHELD: Final = 1.0
#: refunds, returns and disputes per order above which behaviour corroborates
_PROBLEM_RATE: Final = 0.2


def evidence_class(x: Mapping[str, float]) -> EvidenceClass:
    """The strongest kind of evidence in feature vector ``x`` (module docstring)."""
    get = x.get
    for name in _LISTING_TELLS:
        if get(name, 0.0) > 0.0:
            return "listing"
    # a seller whose reports were mostly rejected is not convicted by the upheld ones
    # one upheld report is one reviewer's call on one listing, and owners' nuisance
    # reports against gray-market sellers are sometimes upheld: it takes more
    if (get("seller_upheld", 0.0) >= _CONVICTING_UPHELD
            and get("reports_rejected_share", 0.0) < 0.5) or (
            get("network_flagged", 0.0) > 0.0):
        return "seller"
    if (get("seller_young", 0.0) > 0.0 or get("seller_burst", 0.0) > 0.0
            or get("seller_problem_rate", 0.0) >= _PROBLEM_RATE
            or get("official_image_edited", 0.0) > 0.0):
        return "behaviour"
    return "none"


def tiered(score: float, kind: str) -> Severity | None:
    """The severity of a listing scoring ``score`` on evidence of class ``kind``, or None
    when that evidence does not warrant an alert at this score."""
    least, highest = EVIDENCE_RULES[kind]
    if score < least:
        return None
    severity = severity_for(score)
    if severity is None:
        return None
    return highest if severity_rank(severity) > severity_rank(highest) else severity
