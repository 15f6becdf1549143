from __future__ import annotations

import itertools

import pytest

from signals.errors import GovernanceError
from signals.governance.control import (
    ChampionTimeline,
    ControlRecord,
    control_record,
    next_epoch_start,
    read_control,
)

SGD = {"name": "sgd05", "optimizer": "sgd"}
ADAM = {"name": "adam1", "optimizer": "adam"}


def _record(action: str, at: float, config: dict[str, str] | None = None,
            recorded: float = 0.0) -> ControlRecord:
    return read_control(control_record(action, version=None if config is None else
                                       f"{config['name']}-0", model_config=config,
                                       effective_at=at, who="ana", why="test",
                                       recorded_at=recorded))


def test_the_champion_follows_promotions_and_rollbacks_in_event_time_in_any_order() -> None:
    records = [_record("promote", 100.0, SGD), _record("promote", 200.0, ADAM),
               _record("rollback", 300.0), _record("rollback", 400.0)]
    expected = ["lr1", "sgd05", "adam1", "sgd05", "lr1"]
    for order in itertools.permutations(records):
        timeline = ChampionTimeline(order)
        assert [timeline.champion_at(t) for t in (50.0, 150.0, 250.0, 350.0, 450.0)] == expected
        assert timeline.stack == ("lr1",)


def test_a_rollback_with_nothing_promoted_changes_nothing() -> None:
    timeline = ChampionTimeline([_record("rollback", 10.0)])
    assert timeline.champion_at(20.0) == "lr1" and timeline.latest() == "lr1"


def test_promoted_lineages_are_configs_every_learner_trains() -> None:
    timeline = ChampionTimeline([_record("promote", 1.0, SGD), _record("rollback", 2.0)])
    assert timeline.configs()["sgd05"].optimizer == "sgd"


@pytest.mark.parametrize("change", [
    {"who": ""}, {"why": " "}, {"action": "delete"}, {"model_config": None},
    {"model_config": {"name": "x", "optimizer": "nope"}}, {"effective_at": "yesterday"},
    {"schema": "other"},
])
def test_unusable_records_are_refused(change: dict[str, object]) -> None:
    record = control_record("promote", version="sgd05-0", model_config=SGD, effective_at=1.0,
                            who="ana", why="test", recorded_at=0.0)
    record.update(change)
    with pytest.raises(GovernanceError):
        read_control(record)


def test_the_default_effective_time_is_a_whole_epoch_ahead_of_the_stream() -> None:
    for stream in (0.0, 3599.9, 3600.0, 7300.0):
        effective = next_epoch_start(stream, margin_epochs=2)
        assert effective % 3600 == 0 and effective - stream > 3600
