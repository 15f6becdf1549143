"""What an analyst asks a running worker: the state endpoints, against the alerts it
emitted and against replay's aggregates."""

from __future__ import annotations

from typing import Any

import orjson

from signals.pipeline import PipelineState
from tests.integration.worker_proc import WorkerProcess

__all__ = ["check_state_endpoints"]

#: entities asked about, per entity type
SAMPLE = 8


def check_state_endpoints(workers: list[WorkerProcess], live_alerts: list[dict[str, Any]],
                          replay: PipelineState) -> None:
    """Ask the first worker only: the tables' routing must reach whoever owns the key."""
    ask = workers[0]
    latest = {(a["entity_type"], a["entity_id"]): a for a in live_alerts}  # per key, in order
    for kind, entity, alert in _sample(latest):
        path = {"seller": f"/sellers/{entity}",
                "listing": f"/listings/{entity}?seller_id={alert['seller_id']}",
                "brand": f"/brands/{entity}"}[kind]
        status, body = ask.request(path)
        assert status == 200, (path, status, body)
        assert body["latest_alert"]["alert_id"] == alert["alert_id"], (path, body)
        assert body["latest_alert"]["reasons"] == [r["message"] for r in alert["reasons"]]
        if kind == "seller":
            agg = replay.sellers[entity].aggregates
            expected = orjson.loads(orjson.dumps(agg.summary(agg.newest)))
            differ = {k: (body["aggregates"].get(k), v) for k, v in expected.items()
                      if body["aggregates"].get(k) != v}
            assert body["aggregates"] == expected, (entity, differ)
    assert {kind for kind, _, _ in _sample(latest)} >= {"seller", "listing"}
    assert ask.request("/sellers/no-such-seller")[0] == 404
    if ask.env.get("BRANDGUARD_API_TOKEN"):
        assert ask.request("/sellers/no-such-seller", token=None)[0] == 401
        assert ask.request("/debug/aggregates", token="wrong")[0] == 401


def _sample(latest: dict[tuple[str, str], dict[str, Any]]) -> list[tuple[str, str, Any]]:
    out: list[tuple[str, str, Any]] = []
    for kind in ("seller", "listing", "brand"):
        keys = sorted(e for k, e in latest if k == kind)
        step = max(1, len(keys) // SAMPLE)
        out.extend((kind, e, latest[(kind, e)]) for e in keys[::step][:SAMPLE])
    return out
