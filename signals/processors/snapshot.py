"""Comparable views of processor state.

``order_independent`` keeps only what must be identical between live and
replay whatever the interleaving of topics: counts, sums, distinct counts and
event-time windows of every seller and brand. Scores, alerts and the model are
order-dependent and left out.
"""

from __future__ import annotations

from typing import Any

from signals.aggregates.brand import BrandAggregates
from signals.aggregates.seller import SellerAggregates
from signals.pipeline import PipelineState

__all__ = ["brand_aggregates_view", "order_independent", "pipeline_snapshot",
           "seller_aggregates_view"]


#: bookkeeping that says when pruning last ran, not what was counted
_BOOKKEEPING = ("pruned_at",)


def seller_aggregates_view(agg: SellerAggregates) -> dict[str, Any]:
    data = agg.to_dict()
    for key in _BOOKKEEPING:
        data.pop(key, None)
    return data


def brand_aggregates_view(agg: BrandAggregates) -> dict[str, Any]:
    data = agg.to_dict()
    for key in _BOOKKEEPING:
        data.pop(key, None)
    # Which listings count as risky depends on scores, and scores on order: leave out
    # every aggregate built from that judgement.
    for part in ("counters", "distinct"):
        data[part] = {k: v for k, v in data[part].items() if "risky" not in k}
    # The learned reference price uses only listings judged genuine (score-dependent).
    data.pop("prices", None)
    return data


def order_independent(state: PipelineState) -> dict[str, Any]:
    return {
        "sellers": {k: seller_aggregates_view(s.aggregates)
                    for k, s in sorted(state.sellers.items())},
        "brands": {k: brand_aggregates_view(b.aggregates) for k, b in sorted(state.brands.items())},
    }


def pipeline_snapshot(state: PipelineState) -> dict[str, Any]:
    """Everything worth inspecting after a replay (JSON-compatible)."""
    return {
        "order_independent": order_independent(state),
        "model": {"version": state.learner.model.version,
                  "metrics": state.learner.model.metrics.snapshot()},
        "brand_views": {k: {"reference_prices": dict(v.reference_prices),
                            "reliability": dict(v.reliability)}
                        for k, v in sorted(state.brand_views.items())},
    }
