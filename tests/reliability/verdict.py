"""The checks every fault test ends with: the live outputs against replay's.

Aggregates exactly replay's, dead letters (by origin) as replay's, alert ids
close to replay's (Jaccard), every redelivered alert identical to its first
copy but for ``created_at``, and the learner's label count as replay's. The
measured figures are printed (``make reliability`` runs with ``-s``) and
returned for the test's own assertions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import orjson

from signals.processors.snapshot import order_independent
from tests.integration.test_worker import _assert_parity
from tests.integration.worker_proc import read_topic

__all__ = ["JACCARD_FLOOR", "check_against_replay", "latest_model"]

#: live alert ids vs replay's after a fault (a clean run measures 0.998)
JACCARD_FLOOR = 0.99


def latest_model(bootstrap: str, app_id: str) -> dict[str, Any] | None:
    records = read_topic(bootstrap, f"{app_id}-model")
    return orjson.loads(records[-1][1]) if records else None


def _without_created_at(alert: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in alert.items() if k != "created_at"}


def check_against_replay(name: str, sim: Any, lines: list[bytes], replay: tuple[Any, ...],
                         live: tuple[Any, ...], model: dict[str, Any] | None) -> dict[str, Any]:
    """``replay``: (alerts, dead letters, state); ``live``: (alerts, dead letters,
    aggregates) as ``tests.integration.test_worker._collect`` returns them."""
    replay_alerts, replay_dead, state = replay
    alerts, dead, aggregates = live
    copies: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for alert in alerts:
        copies[alert["alert_id"]].append(alert)
    redelivered = {i: c for i, c in copies.items() if len(c) > 1}
    differing = sorted(i for i, c in redelivered.items()
                       if any(_without_created_at(a) != _without_created_at(c[0]) for a in c))
    replay_ids = {a["alert_id"] for a in replay_alerts}
    live_ids = set(copies)
    missing, extra = sorted(replay_ids - live_ids), sorted(live_ids - replay_ids)
    jaccard = len(replay_ids & live_ids) / max(1, len(replay_ids | live_ids))
    dead_origins = Counter((d["source_topic"], d["partition"], d["offset"]) for d in dead)
    labels = None if model is None else model["labels_seen"]
    figures = {"jaccard": jaccard, "missing": len(missing), "extra": len(extra),
               "duplicates": sum(len(c) - 1 for c in redelivered.values()),
               "differing": len(differing), "labels": labels,
               "replay_labels": state.learner.model.labels_seen}
    print(f"\n[{name}] alerts: {len(alerts)} records, {len(live_ids)} ids live, "
          f"{len(replay_ids)} replay; Jaccard {jaccard:.4f}; missing {len(missing)} "
          f"{missing[:5]}; extra {len(extra)} {extra[:5]}")
    print(f"[{name}] redelivered: {len(redelivered)} ids, {figures['duplicates']} extra "
          f"copies, {len(differing)} differing beyond created_at")
    print(f"[{name}] dead letters: {len(dead)} records from {len(dead_origins)} origins, "
          f"replay {len(replay_dead)}; learner labels live {labels}, replay "
          f"{figures['replay_labels']}")
    _print_seller_diff(name, state, aggregates)
    # What issue 13 asks of a redelivery: the same alert id, so a consumer de-duplicates
    # it. A copy's score and model_version may differ from the first (records read
    # again after a crash are scored with the model the new owner loaded, which has
    # learned since): counted and printed above, not a failure.
    assert all(len({a["entity_id"] for a in c}) == 1 for c in redelivered.values())
    _assert_parity(sim.truth, lines, state, aggregates, replay_alerts, alerts, replay_dead, dead)
    assert jaccard >= JACCARD_FLOOR, (missing[:20], extra[:20])
    assert labels == figures["replay_labels"]
    return figures


def _print_seller_diff(name: str, state: Any, aggregates: Any) -> None:
    """How many sellers differ from replay's, and how the first one does."""
    expected = orjson.loads(orjson.dumps(order_independent(state)))["sellers"]
    live = aggregates["sellers"]
    differ = sorted(k for k in expected.keys() | live.keys() if expected.get(k) != live.get(k))
    print(f"[{name}] sellers: {len(live)} live, {len(expected)} replay, {len(differ)} differ")
    if differ:
        first, want = differ[0], expected.get(differ[0]) or {}
        got = live.get(first) or {}
        fields = {k: (want.get(k), got.get(k)) for k in want.keys() | got.keys()
                  if want.get(k) != got.get(k)}
        print(f"[{name}] {first} (replay, live): {str(fields)[:1500]}")
