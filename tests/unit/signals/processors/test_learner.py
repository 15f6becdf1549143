"""The learner processor: one model (and every challenger) learns each label once."""

from __future__ import annotations

import orjson

from signals.governance.spec import parse_spec
from signals.model.online import RiskModel
from signals.model.prior import rule_prior
from signals.processors.learner import LearnerState, process_example
from signals.processors.messages import TrainingExample


def _example(n: int, label: bool, ts: float = 100.0) -> TrainingExample:
    return TrainingExample(f"x{n}", ts, f"L{n}", {"counterfeit_vocab": float(label),
                                                  "price_discount": 0.5}, label, 0.7, ts - 60.0)


def test_each_example_is_learned_once_by_the_model_and_every_challenger() -> None:
    state = LearnerState(challengers={"sgd05": RiskModel(rule_prior, parse_spec(
        "sgd05:optimizer=sgd"))})
    assert process_example(state, _example(1, True))
    assert process_example(state, _example(2, False))
    assert not process_example(state, _example(1, True))
    assert state.model.labels_seen == 2
    assert state.challengers["sgd05"].labels_seen == 2
    assert state.model.version != RiskModel(rule_prior).version


def test_the_served_probability_and_the_label_delay_reach_the_metrics() -> None:
    state = LearnerState()
    process_example(state, _example(1, True, ts=1000.0))
    (record,) = state.model.metrics.records
    assert (record.label, record.served, record.delay_seconds) == (True, 0.7, 60.0)
    late = TrainingExample("x2", 10.0, "L2", {}, False, 0.2, scored_at=50.0)
    process_example(state, late)
    assert state.model.metrics.records[-1].delay_seconds == 0.0  # never negative


def test_the_state_round_trips_with_its_challengers_and_dedup() -> None:
    state = LearnerState(challengers={"sgd05": RiskModel(rule_prior, parse_spec(
        "sgd05:optimizer=sgd"))})
    for n in range(5):
        process_example(state, _example(n, n % 2 == 0))
    again = LearnerState.from_dict(orjson.loads(orjson.dumps(state.to_dict())))
    assert again.to_dict() == state.to_dict()
    assert not process_example(again, _example(3, False))
    assert "challengers" not in LearnerState().to_dict()
