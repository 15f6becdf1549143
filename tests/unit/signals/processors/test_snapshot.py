"""Comparable views of state: what live and replay must agree on, whatever the order."""

from __future__ import annotations

import random

import orjson

from signals.evaluation.simulator import scenario_config, simulate
from signals.processors.snapshot import order_independent, pipeline_snapshot
from signals.replay import replay_lines


def _final_state(lines: list[bytes]):  # type: ignore[no-untyped-def]
    _, state = replay_lines(lines, "f", lambda: 0.0, lambda a: None, lambda d: None)
    return state


def test_the_order_independent_view_ignores_how_topics_interleave() -> None:
    lines = list(simulate(scenario_config("mixed", seed=4, days=1.0, scale=0.3)).lines)
    shuffled = lines[:]
    # move each report a little later, as a topic read more slowly than the others would
    rng = random.Random(1)
    for i in range(len(shuffled) - 1, 0, -1):
        if b'"report.v1"' in shuffled[i - 1] and rng.random() < 0.5:
            shuffled[i - 1], shuffled[i] = shuffled[i], shuffled[i - 1]
    assert shuffled != lines
    assert order_independent(_final_state(lines)) == order_independent(_final_state(shuffled))


def test_the_snapshot_is_json_and_names_the_model_and_brand_views() -> None:
    lines = list(simulate(scenario_config("mixed", seed=4, days=1.0, scale=0.3)).lines)
    state = _final_state(lines)
    snap = orjson.loads(orjson.dumps(pipeline_snapshot(state), option=orjson.OPT_SORT_KEYS))
    assert snap["model"]["version"] == state.learner.model.version
    assert set(snap["brand_views"]) == set(state.brand_views)
    sellers = snap["order_independent"]["sellers"]
    assert sellers and all("pruned_at" not in s for s in sellers.values())
    for brand in snap["order_independent"]["brands"].values():
        assert "prices" not in brand
        assert not any("risky" in k for part in ("counters", "distinct") for k in brand[part])
