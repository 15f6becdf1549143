"""The live epoch protocol (streams.worker.runners.epoch_marks) without Kafka, on the harness of
epoch_harness.py: fixed schedules for each part of the protocol (holding,
idleness, asking after a restart, forcing after max_wait, rejoining), then
seeded-random interleavings checked for safety and liveness.
"""

from __future__ import annotations

import random

import pytest

from signals.processors.messages import EpochMark
from tests.unit.streams.worker.runners.epoch_harness import (
    IDLE_AFTER,
    Harness,
    marks_from,
    random_inputs,
)

# --- fixed schedules -----------------------------------------------------------


def test_an_event_waits_until_every_seller_partition_has_finished_the_epoch_before_last() -> None:
    h = Harness([[0.5, 2.5], [0.2, 1.5]], images=1)
    h.read_event(0)
    h.read_event(0)
    h.deliver_all()
    assert h.processed == [0, 0]  # seller 1 has not been heard from: even epoch 0 waits
    h.read_event(1)
    h.deliver_all()
    # seller 1 said "before epoch 0 done" only: it may still have epoch-0 events
    assert h.processed == [1, 1]
    assert h.held() == 1
    h.read_event(1)  # its epoch-1 event: it has finished epoch 0
    h.deliver_all()
    assert h.all_processed()
    assert h.violations == []
    assert h.forced() == 0


def test_an_idle_partition_stops_holding_the_others_back() -> None:
    h = Harness([[0.5, 2.5], [0.2]], images=1)
    h.read_event(0)
    h.read_event(0)
    h.read_event(1)
    h.deliver_all()
    assert h.processed == [1, 1]
    h.tick(1)
    h.now += IDLE_AFTER * 0.9
    h.tick(1)
    h.deliver_all()
    assert h.held() == 1  # not idle for long enough yet
    h.now += IDLE_AFTER * 0.1
    h.tick(1)
    assert marks_from(h.to_image[0], 1)[-1] == EpochMark(source=1, until=0, idle=True)
    h.deliver_all()
    assert h.all_processed()
    assert h.violations == []
    assert h.forced() == 0


def test_a_restarted_image_partition_recovers_the_marks_by_asking() -> None:
    h = Harness([[0.5], [0.7]], images=1)
    h.read_event(0)
    h.deliver_all()
    for log in h.to_image + h.to_seller:
        log.committed = log.read  # seller 0's mark is gone for good
    h.restart_image(0)
    written_before = len(marks_from(h.to_image[0], 0))
    h.read_event(1)
    h.deliver_all()
    # the image partition learnt seller 0's mark again only from seller 0's answer
    assert marks_from(h.to_image[0], 0)[written_before:] == [EpochMark(source=0, until=0)]
    assert h.all_processed()
    assert h.violations == []
    assert h.forced() == 0


def test_a_restarted_seller_partition_recovers_the_image_marks_by_asking() -> None:
    h = Harness([[2.5], [1.5]], images=2)
    h.read_event(0)
    h.read_event(1)
    for i in range(2):
        while h.to_image[i].pending():
            h.hear_at_image(i)
    log = h.to_seller[0]
    while True:  # seller 0 hears (and commits) image 0's "until 1", not image 1's
        mark = log.records[log.read]
        h.hear_at_seller(0)
        if mark == EpochMark(source=0, until=1):
            break
    log.committed = log.read
    assert h.processed == [0, 0]
    h.restart_seller(0)
    replies_before = len(marks_from(h.to_seller[0], 0))
    h.read_event(0)
    h.deliver_all()
    assert marks_from(h.to_seller[0], 0)[replies_before:] == [EpochMark(source=0, until=1)]
    assert h.all_processed()
    assert h.violations == []
    assert h.forced() == 0


def test_a_stalled_peer_holds_events_for_max_wait_and_then_they_are_forced() -> None:
    h = Harness([[3.1, 3.2], [0.5]], images=1, max_wait=5.0)
    h.read_event(0)
    h.read_event(0)
    h.deliver_all()
    for now in (0.0, 2.0, 4.99):  # seller 1 has a backlog but reads nothing
        h.now = now
        h.tick(0)
    assert h.processed == [0, 0]
    assert h.held() == 2
    assert h.forced() == 0
    h.now = 5.0
    h.tick(0)
    assert h.processed == [2, 0]
    assert h.held() == 0
    assert h.forced() == 2
    # what forcing costs: seller 1's epoch-0 event had not been processed
    assert len(h.violations) == 2
    # the wait starts again for the next event held, not from the first one's
    h.inputs[0].append(4.5)
    h.now = 6.0
    h.read_event(0)
    h.now = 10.99
    h.tick(0)
    assert h.held() == 1
    h.now = 11.0
    h.tick(0)
    assert h.held() == 0
    assert h.forced() == 3


def test_an_idle_partition_that_gets_a_new_event_rejoins() -> None:
    h = Harness([[0.5, 5.5], [0.5]], images=1)
    h.settle()
    assert h.all_processed()
    assert marks_from(h.to_image[0], 1)[-1].idle
    h.inputs[1].append(6.5)  # new records for both idle partitions
    h.inputs[0].append(8.5)
    h.read_event(1)
    assert marks_from(h.to_image[0], 1)[-1] == EpochMark(source=1, until=6, idle=False)
    h.read_event(0)
    h.deliver_all()
    # seller 1 holds seller 0's epoch 8 back again until it has finished epoch 7
    assert h.processed == [2, 2]
    assert h.held() == 1
    h.settle()
    assert h.all_processed()
    assert h.violations == []
    assert h.forced() == 0


# --- seeded-random schedules -------------------------------------------------------


@pytest.mark.parametrize(("restarts", "starve"), [(False, False), (False, True), (True, False)])
def test_random_interleavings_are_safe_and_live(restarts: bool, starve: bool) -> None:
    for seed in range(300):
        rng = random.Random(seed)
        h = Harness(random_inputs(rng, rng.randint(1, 4)), images=rng.randint(1, 3))
        starved = frozenset({0}) if starve else frozenset()
        for _ in range(rng.randint(0, 300)):
            h.step(rng, restarts, starved)
        if restarts:
            h.restart_all(rng)
        h.settle()
        assert h.violations == [], f"seed {seed}"
        assert h.all_processed(), f"seed {seed}: processed {h.processed}, held {h.held()}"
        assert h.held() == 0, f"seed {seed}"
        assert h.forced() == 0, f"seed {seed}"
