"""Reporter reliability: how often a reporter's filed reports end upheld.

A rights owner who files many reports that end ``rejected`` (abusive or
careless reporting) should move a seller's risk less than one whose reports
are usually upheld. Reliability is a Beta-smoothed upheld share, so a new
reporter starts at the prior instead of at 0 or 1.

>>> r = ReporterStats()
>>> round(r.reliability(), 2)
0.6
>>> for _ in range(8): r.record("rejected")
>>> round(r.reliability(), 2)
0.23
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["ReporterStats"]


@dataclass(slots=True)
class ReporterStats:
    filed: int = 0
    upheld: int = 0
    rejected: int = 0

    # Written out: mypyc compiles a dataclass's own __init__ natively but leaves the
    # generated one interpreted, and this class is built on the hot path.
    def __init__(self, filed: int = 0, upheld: int = 0, rejected: int = 0) -> None:
        self.filed = filed
        self.upheld = upheld
        self.rejected = rejected

    def record(self, status: str) -> None:
        if status == "filed":
            self.filed += 1
        elif status == "upheld":
            self.upheld += 1
        elif status == "rejected":
            self.rejected += 1

    def reliability(self, prior_upheld: float = 3.0, prior_rejected: float = 2.0) -> float:
        """Posterior mean share of decided reports that were upheld."""
        decided = self.upheld + self.rejected
        return (self.upheld + prior_upheld) / (decided + prior_upheld + prior_rejected)

    def to_dict(self) -> dict[str, Any]:
        return {"filed": self.filed, "upheld": self.upheld, "rejected": self.rejected}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ReporterStats:
        return cls(filed=d["filed"], upheld=d["upheld"], rejected=d["rejected"])
