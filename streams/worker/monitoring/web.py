"""HTTP endpoints: metrics, health, and read-only state for analysts.

``/sellers/{id}`` and ``/listings/{id}?seller_id=S`` are routed (Faust
``table_route``) to the worker that owns the seller's partition;
``/brands/{id}`` to the owner of the brand's. An optional bearer token guards
the state endpoints (metrics and health stay open for probes and scrapers).
"""

from __future__ import annotations

import hmac
from typing import Any

from faust.web import Request, Response, View
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from signals.processors import BrandState, SellerState
from signals.processors.snapshot import brand_aggregates_view, seller_aggregates_view
from streams.worker.app import Brandguard

__all__ = ["install_views"]


def _seller_view(state: SellerState) -> dict[str, Any]:
    agg = state.aggregates
    return {"seller_id": state.seller_id, "aggregates": agg.summary(agg.newest),
            "risk": {"flagged": state.flagged, "risky_listings": sorted(state.risky),
                     "severity": state.severity, "upheld_weight": state.upheld_weight,
                     "report_weight": state.report_weight},
            "latest_alert": state.latest_alert}


def _listing_view(state: SellerState, listing_id: str) -> dict[str, Any] | None:
    snap = state.listings.get(listing_id)
    if snap is None:
        return None
    return {"listing_id": listing_id, "seller_id": state.seller_id, "brand_id": snap.brand_id,
            "score": snap.score, "scored_at": snap.scored_at, "severity": snap.severity,
            "removed": snap.removed, "features": snap.feature_dict(),
            "latest_alert": snap.latest_alert}


def _brand_view(state: BrandState) -> dict[str, Any]:
    agg = state.aggregates
    return {"brand": agg.summary(agg.newest), "incident_severity": state.severity,
            "latest_alert": state.latest_alert}


def install_views(bg: Brandguard) -> None:
    app, token = bg.app, bg.settings.api_token
    sellers_table: Any = bg.sellers.table  # routing needs the Faust table itself
    brands_table: Any = bg.brands.table

    def authorized(request: Request) -> bool:
        if not token:
            return True
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())

    def found(view: View, request: Request, body: dict[str, Any] | None) -> Response:
        if not authorized(request):
            return view.json({"error": "unauthorized"}, status=401)
        if body is None:
            return view.json({"error": "not found"}, status=404)
        return view.json(body)

    @app.page("/metrics")
    async def metrics(view: View, request: Request) -> Response:
        return view.bytes(generate_latest(bg.metrics.registry),
                          headers={"Content-Type": CONTENT_TYPE_LATEST})

    @app.page("/healthz")
    async def healthz(view: View, request: Request) -> Response:
        return view.json({"status": "ok"})

    @app.page("/readyz")
    async def readyz(view: View, request: Request) -> Response:
        reason = bg.not_ready()
        return view.json({"ready": reason is None, "brands": len(bg.views.registry),
                          "reason": reason}, status=200 if reason is None else 503)

    @app.page("/debug/aggregates")
    async def aggregates(view: View, request: Request) -> Response:
        """This worker's order-independent aggregates (compared with replay in tests)."""
        return found(view, request, {
            "sellers": {k: seller_aggregates_view(s.aggregates) for k, s in bg.sellers.items()},
            "brands": {k: brand_aggregates_view(b.aggregates) for k, b in bg.brands.items()},
        })

    @app.page("/sellers/{seller_id}")
    @app.table_route(table=sellers_table, match_info="seller_id")
    async def seller(view: View, request: Request, seller_id: str) -> Response:
        state = bg.sellers.peek(seller_id)
        return found(view, request, None if state is None else _seller_view(state))

    @app.page("/listings/{listing_id}")
    @app.table_route(table=sellers_table, query_param="seller_id")
    async def listing(view: View, request: Request, listing_id: str) -> Response:
        state = bg.sellers.peek(request.query["seller_id"])
        body = None if state is None else _listing_view(state, listing_id)
        return found(view, request, body)

    @app.page("/brands/{brand_id}")
    @app.table_route(table=brands_table, match_info="brand_id")
    async def brand(view: View, request: Request, brand_id: str) -> Response:
        state = bg.brands.peek(brand_id)
        return found(view, request, None if state is None else _brand_view(state))
