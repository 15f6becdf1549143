"""Which lineage serves and which shadows an event.

Directly, and in a replay with a challenger and control records: the champion's outputs
are unchanged by the shadow, and a promotion switches the serving model at its event
time, the same way whatever the order the records come in."""

from __future__ import annotations

from functools import cache
from typing import Any

from signals.contract.alert import alert_to_dict
from signals.contract.timefmt import parse_rfc3339
from signals.evaluation.simulator import scenario_config, simulate
from signals.governance.control import ControlRecord, control_record, read_control
from signals.governance.lineages import (
    Lineages,
    ensure_models,
    model_named,
    select_models,
    select_published,
)
from signals.governance.observation import ScoredListing
from signals.governance.spec import parse_spec
from signals.model.online import RiskModel
from signals.model.prior import rule_prior
from signals.pipeline import PipelineState, governed_state
from signals.policy.config import PolicyConfig
from signals.processors.learner import LearnerState
from signals.processors.outputs import Context
from signals.registry import Registry
from signals.replay import replay_lines

#: trusted early: the 3-day file has few labels
CHALLENGER_CONFIG = {"name": "sgd05", "optimizer": "sgd", "learning_rate": 0.05,
                     "warmup_labels": 5, "full_trust_labels": 20}
CHALLENGER = parse_spec("sgd05:optimizer=sgd,learning_rate=0.05,warmup_labels=5,"
                        "full_trust_labels=20")
DAY = 86400.0


@cache
def _lines() -> tuple[bytes, ...]:
    return tuple(simulate(scenario_config("mixed", seed=3, days=3.0, scale=0.5)).lines)


def _replay(state: PipelineState | None) -> tuple[list[dict[str, Any]], list[ScoredListing],
                                                  PipelineState]:
    alerts: list[dict[str, Any]] = []
    scored: list[ScoredListing] = []
    _, final = replay_lines(list(_lines()), "f", lambda: 0.0,
                            lambda a: alerts.append(alert_to_dict(a)), lambda d: None,
                            state=state, on_scored=scored.append)
    return alerts, scored, final


def _start() -> float:
    return parse_rfc3339(scenario_config("mixed", seed=3, days=3.0, scale=0.5).start_time)


def _controls() -> list[ControlRecord]:
    return [read_control(control_record("promote", version="sgd05-0",
                                        model_config=CHALLENGER_CONFIG,
                                        effective_at=_start() + DAY, who="ana", why="t",
                                        recorded_at=0.0)),
            read_control(control_record("rollback", version=None, model_config=None,
                                        effective_at=_start() + 2 * DAY, who="ana", why="t",
                                        recorded_at=1.0))]


def test_the_shadow_challenger_leaves_the_champion_outputs_byte_identical() -> None:
    plain, none_scored, _ = _replay(None)
    shadowed, scored, state = _replay(governed_state(Lineages(CHALLENGER)))
    assert shadowed == plain and none_scored == []
    assert scored and all(s.shadow_version and s.shadow_version.startswith("sgd05-")
                          for s in scored)
    challenger = state.learner.challengers["sgd05"]
    assert challenger.labels_seen == state.learner.model.labels_seen > 0
    assert any(s.shadow_probability != s.probability for s in scored)


def test_a_promotion_switches_the_serving_model_at_its_event_time_and_rollback_back() -> None:
    controls = _controls()
    alerts, scored, _ = _replay(governed_state(Lineages(CHALLENGER, controls)))
    again, _, _ = _replay(governed_state(Lineages(CHALLENGER, controls[::-1])))
    assert again == alerts
    start = _start()
    for alert in alerts:
        if alert["entity_type"] == "brand":
            continue
        ts = parse_rfc3339(alert["trigger_event_time"])
        lineage = "sgd05" if start + DAY <= ts < start + 2 * DAY else "lr1"
        assert alert["model_version"].startswith(lineage + "-"), alert
    # while promoted, the old champion is the one shadowing
    promoted = [s for s in scored if start + DAY <= s.event.ts < start + 2 * DAY]
    assert promoted and all(s.shadow_version and s.shadow_version.startswith("lr1-")
                            for s in promoted)


def test_the_challenger_shadows_until_promoted_then_the_default_lineage_does() -> None:
    lineages = Lineages(CHALLENGER, _controls())
    start = _start()
    assert lineages.roles_at(start) == ("lr1", "sgd05")
    assert lineages.roles_at(start + DAY) == ("sgd05", "lr1")
    assert lineages.roles_at(start + 2 * DAY) == ("lr1", "sgd05")
    assert Lineages(None, _controls()).roles_at(start + DAY) == ("sgd05", None)


def test_every_named_lineage_gets_one_fresh_model_and_keeps_it() -> None:
    other = parse_spec("adam1:optimizer=adam")
    controls = [read_control(control_record("promote", version="adam1-0",
                                            model_config={"name": "adam1", "optimizer": "adam"},
                                            effective_at=0.0, who="a", why="t",
                                            recorded_at=0.0))]
    lineages = Lineages(CHALLENGER, controls)
    assert sorted(lineages.configs()) == ["adam1", "sgd05"]
    assert lineages.configs()["adam1"].optimizer == other.optimizer
    learner = LearnerState()
    ensure_models(learner, lineages)
    trained = learner.challengers["sgd05"]
    ensure_models(learner, lineages)
    assert learner.challengers["sgd05"] is trained and sorted(learner.challengers) == [
        "adam1", "sgd05"]
    assert model_named(learner, "lr1") is learner.model
    assert model_named(learner, "sgd05") is trained
    assert model_named(learner, "unknown") is learner.model


def test_select_points_the_context_at_champion_and_shadow() -> None:
    learner = LearnerState()
    lineages = Lineages(CHALLENGER, _controls())
    ensure_models(learner, lineages)
    ctx = Context(Registry(), {}, learner.model, PolicyConfig(), 0.0)
    select_models(ctx, learner, lineages, _start() + DAY)
    assert ctx.model is learner.challengers["sgd05"] and ctx.shadow is learner.model
    assert ctx.observe
    published = {"lr1": RiskModel(rule_prior), "sgd05": RiskModel(rule_prior)}
    select_published(ctx, published.__getitem__, Lineages(None), _start())
    assert ctx.model is published["lr1"] and ctx.shadow is None
