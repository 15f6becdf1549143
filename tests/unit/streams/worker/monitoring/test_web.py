"""The worker's HTTP endpoints, served by the app's own web server on loopback: probes
and metrics open, state behind the bearer token when one is set."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from signals.contract.events import ListingEvent
from signals.processors import BrandState, SellerState
from streams.worker.app import Brandguard, create_app
from streams.worker.monitoring import web
from streams.worker.monitoring.web import install_views
from streams.worker.settings import load_settings


def _app(tmp_path: Path, token: str | None) -> Brandguard:
    settings = dataclasses.replace(load_settings({}), bootstrap="127.0.0.1:1",
                                   data_dir=tmp_path, api_token=token)
    bg = create_app(settings)
    install_views(bg)
    return bg


def _get(bg: Brandguard, *requests: tuple[str, dict[str, str]] | Callable[[], None],
         ) -> list[tuple[int, str]]:
    """GET each path in turn (a callable in between runs then); one event loop, as the
    app's web application is bound to the loop it first runs on."""
    async def run() -> list[tuple[int, str]]:
        client = TestClient(TestServer(bg.app.web.web_app))
        await client.start_server()
        try:
            out = []
            for request in requests:
                if callable(request):
                    request()
                    continue
                path, headers = request
                response = await client.get(path, headers=headers)
                out.append((response.status, await response.text()))
            return out
        finally:
            await client.close()

    return asyncio.run(run())


def test_probes_and_metrics_are_open_and_readiness_follows_the_views(tmp_path: Path) -> None:
    bg = _app(tmp_path, token="s3cret")
    health, ready, metrics, later = _get(bg, ("/healthz", {}), ("/readyz", {}),
                                         ("/metrics", {}), bg.views.ready.set, ("/readyz", {}))
    assert health == (200, '{"status":"ok"}')
    assert ready[0] == 503 and '"ready":false' in ready[1]
    assert metrics[0] == 200 and "brandguard_events_total" in metrics[1]
    assert later[0] == 200 and '"ready":true' in later[1]


@pytest.mark.parametrize(("token", "header", "status"), [
    ("s3cret", None, 401), ("s3cret", "Bearer wrong", 401), ("s3cret", "Bearer s3cret", 200),
    (None, None, 200)])
def test_state_endpoints_need_the_token_when_one_is_set(
        tmp_path: Path, token: str | None, header: str | None, status: int) -> None:
    bg = _app(tmp_path, token)
    headers = {} if header is None else {"Authorization": header}
    got, body = _get(bg, ("/debug/aggregates", headers))[0]
    assert got == status
    if status == 200:
        assert body == '{"sellers":{},"brands":{}}'


def test_state_views_say_what_an_analyst_asks() -> None:
    seller = SellerState.create("S1")
    seller.aggregates.apply_listing(ListingEvent("e1", "t", 100.0, "created", "L1", "S1"))
    view = web._seller_view(seller)
    assert view["seller_id"] == "S1" and view["aggregates"]["listings_total"] == 1
    assert view["risk"]["risky_listings"] == [] and view["latest_alert"] is None
    assert web._listing_view(seller, "L404") is None
    brand = BrandState.create("B1")
    brand.aggregates.add_listing(5.0, "S1", authorized=None, risky=False)
    assert web._brand_view(brand)["brand"]["brand_id"] == "B1"
