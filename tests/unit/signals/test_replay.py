"""Replay properties the contract promises: deterministic alerts, duplicates ignored; and the
garbage collector's thresholds, raised for a replay, are always put back."""

from __future__ import annotations

import dataclasses
import functools
import gc

import orjson
import pytest

from signals.contract.alert import Alert, encode_alert
from signals.contract.deadletter import DeadLetter
from signals.evaluation.simulator import scenario_config, simulate
from signals.replay import fewer_full_collections, replay_lines


@functools.cache
def _lines() -> tuple[bytes, ...]:
    sim = simulate(scenario_config("mixed", seed=5, days=1.5, scale=0.25))
    return tuple(line if isinstance(line, bytes) else line.encode() for line in sim.lines)


def _replay(lines: list[bytes], clock: float) -> tuple[list[Alert], list[DeadLetter]]:
    alerts: list[Alert] = []
    dead: list[DeadLetter] = []
    replay_lines(lines, "events.jsonl", lambda: clock, alerts.append, dead.append)
    return alerts, dead


def _without_created_at(alerts: list[Alert]) -> list[bytes]:
    return [encode_alert(dataclasses.replace(a, created_at="")) for a in alerts]


def test_the_sample_raises_every_kind_of_listing_and_seller_alert() -> None:
    alerts, _ = _replay(list(_lines()), 0.0)
    kinds = {a.entity_type for a in alerts}
    assert {"listing", "seller"} <= kinds, "the sample must exercise the alert paths"


def test_replaying_twice_gives_identical_alerts_apart_from_created_at() -> None:
    first, dead_first = _replay(list(_lines()), 1_000.0)
    second, dead_second = _replay(list(_lines()), 2_000_000.0)
    assert first, "no alerts: the comparison would prove nothing"
    assert _without_created_at(first) == _without_created_at(second)
    assert {a.created_at for a in first} != {a.created_at for a in second}
    assert [d.offset for d in dead_first] == [d.offset for d in dead_second]


def test_every_event_delivered_twice_gives_the_same_alerts() -> None:
    lines = list(_lines())
    doubled = [line for line in lines for _ in range(2)]
    once, _ = _replay(lines, 0.0)
    twice, _ = _replay(doubled, 0.0)
    assert _without_created_at(once) == _without_created_at(twice)


def test_a_redelivery_much_later_is_still_skipped() -> None:
    lines = list(_lines())
    good = [line for line in lines if _is_record(line)]
    once, _ = _replay(lines, 0.0)
    again, _ = _replay(lines + good[: len(good) // 3], 0.0)
    assert _without_created_at(once) == _without_created_at(again)


def _is_record(line: bytes) -> bool:
    try:
        return isinstance(orjson.loads(line), dict)
    except orjson.JSONDecodeError:
        return False


@pytest.mark.parametrize("bad", [b"{not json", b'{"schema": "nope.v9"}', b"[1, 2]"])
def test_bad_lines_are_dead_lettered_with_their_line_number(bad: bytes) -> None:
    lines = [*list(_lines())[:50], bad, *list(_lines())[50:60]]
    _, dead = _replay(lines, 0.0)
    assert 51 in [d.offset for d in dead]


def test_gc_thresholds_are_restored_even_when_the_block_raises() -> None:
    before = gc.get_threshold()
    try:
        with fewer_full_collections():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before


def test_replay_restores_gc_thresholds() -> None:
    before = gc.get_threshold()
    summary, _ = replay_lines([b"not json", b""], "f", lambda: 0.0, lambda a: None,
                              lambda d: None)
    assert summary.lines == 2 and summary.events == 1 and summary.dead_letters
    assert gc.get_threshold() == before
