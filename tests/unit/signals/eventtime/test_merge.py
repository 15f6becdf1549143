"""Event-time merge of several inputs: records are released in event-time order once no
other input can deliver anything older."""

from __future__ import annotations

import random

from signals.eventtime.merge import EventTimeMerger

SOURCES = ("listings", "orders", "reports")


def test_interleaved_inputs_come_out_in_event_time_order() -> None:
    rng = random.Random(3)
    streams = {s: sorted(rng.uniform(0, 1000) for _ in range(50)) for s in SOURCES}
    merger: EventTimeMerger[float] = EventTimeMerger(SOURCES, idle_after=10.0, now=0.0)
    released: list[float] = []
    cursors = dict.fromkeys(SOURCES, 0)
    while any(cursors[s] < len(streams[s]) for s in SOURCES):
        source = rng.choice([s for s in SOURCES if cursors[s] < len(streams[s])])
        ts = streams[source][cursors[source]]
        cursors[source] += 1
        released += merger.push(source, ts, ts, now=0.0)
    released += merger.drain()
    assert released == sorted(released) and len(released) == 150
    assert len(merger) == 0


def test_a_record_waits_for_a_silent_input_until_it_has_been_idle_long_enough() -> None:
    merger: EventTimeMerger[str] = EventTimeMerger(("a", "b"), idle_after=2.0, now=0.0)
    assert merger.push("a", 5.0, "a5", now=1.0) == []
    assert merger.poll(now=1.9) == [] and len(merger) == 1
    assert merger.poll(now=2.0) == ["a5"]


def test_equal_event_times_keep_their_arrival_order() -> None:
    merger: EventTimeMerger[str] = EventTimeMerger(("a", "b"), idle_after=1.0, now=0.0)
    merger.push("a", 5.0, "first", now=0.0)
    merger.push("a", 5.0, "second", now=0.0)
    assert merger.push("b", 6.0, "b6", now=0.0) == ["first", "second"]
    assert merger.drain() == ["b6"]


def test_a_full_buffer_releases_its_oldest_records_without_waiting() -> None:
    merger: EventTimeMerger[int] = EventTimeMerger(("a", "b"), idle_after=100.0, now=0.0,
                                                   max_buffered=3)
    out = [item for i in range(5) for item in merger.push("a", float(i), i, now=0.0)]
    assert out == [0, 1] and len(merger) == 3


def test_a_backlogged_input_is_waited_for_only_up_to_max_wait() -> None:
    merger: EventTimeMerger[str] = EventTimeMerger(("a", "b"), idle_after=1.0, now=0.0,
                                                   max_wait=10.0)
    merger.set_backlog("b", True)
    merger.push("a", 1.0, "a1", now=0.0)
    assert merger.poll(now=9.9) == []
    merger.set_backlog("b", False)
    assert merger.poll(now=9.9) == ["a1"]


def test_an_unknown_source_joins_the_merge() -> None:
    merger: EventTimeMerger[str] = EventTimeMerger(("a",), idle_after=1.0, now=0.0)
    assert merger.push("a", 5.0, "a5", now=0.0) == ["a5"]
    assert merger.push("c", 7.0, "c7", now=0.0) == []  # a has only reached 5
    assert merger.push("a", 8.0, "a8", now=0.0) == ["c7"]  # c has only reached 7
    assert merger.push("c", 9.0, "c9", now=0.0) == ["a8"]


def test_a_caught_up_input_is_waited_for_only_the_grace_after_arrival() -> None:
    merger: EventTimeMerger[str] = EventTimeMerger(("a", "b"), idle_after=5.0, now=0.0,
                                                   grace=0.1)
    merger.set_backlog("b", False)
    merger.push("b", 1.0, "b1", now=0.95)  # b spoke just now; it is caught up all the same
    assert merger.push("a", 2.0, "a2", now=1.0) == ["b1"]
    assert merger.poll(now=1.09) == [] and merger.poll(now=1.1) == ["a2"]


def test_a_record_late_by_less_than_the_grace_keeps_event_time_order() -> None:
    merger: EventTimeMerger[str] = EventTimeMerger(("a", "b"), idle_after=5.0, now=0.0,
                                                   grace=0.1)
    merger.set_backlog("a", False)
    merger.set_backlog("b", False)
    assert merger.push("a", 2.0, "a2", now=1.0) == []
    # produced first, arrived later: out at once, and before a2
    assert merger.push("b", 1.5, "b1.5", now=1.05) == ["b1.5"]
    assert merger.poll(now=1.1) == ["a2"]


def test_without_a_grace_a_caught_up_input_counts_as_silent_input() -> None:
    merger: EventTimeMerger[str] = EventTimeMerger(("a", "b"), idle_after=2.0, now=0.0)
    merger.set_backlog("b", False)
    merger.push("a", 5.0, "a5", now=1.0)
    assert merger.poll(now=1.9) == [] and merger.poll(now=2.0) == ["a5"]


def test_an_input_not_yet_fetched_is_waited_for_until_idle() -> None:
    merger: EventTimeMerger[str] = EventTimeMerger(("a", "b"), idle_after=2.0, now=0.0,
                                                   grace=0.1)
    merger.set_backlog("b", None)
    merger.push("a", 5.0, "a5", now=1.0)
    assert merger.poll(now=1.5) == [] and merger.poll(now=2.0) == ["a5"]


def test_a_caught_up_input_silent_for_idle_after_does_not_wait_for_the_grace() -> None:
    merger: EventTimeMerger[str] = EventTimeMerger(("a", "b"), idle_after=0.2, now=0.0,
                                                   grace=1.0)
    merger.set_backlog("b", False)
    assert merger.push("a", 5.0, "a5", now=0.5) == ["a5"]


def test_records_in_event_time_order_are_never_late() -> None:
    m = EventTimeMerger(SOURCES, idle_after=1.0, now=0.0)
    for i, source in enumerate(SOURCES * 3):
        m.push(source, float(i), i, now=0.0)
    m.poll(now=5.0)
    assert m.late == 0


def test_a_record_older_than_one_released_is_late_and_still_released() -> None:
    m = EventTimeMerger(SOURCES, idle_after=1.0, now=0.0)
    m.push("orders", 10.0, "O10", now=0.0)
    assert m.poll(now=2.0) == ["O10"]  # the others were silent for longer than idle_after
    assert m.push("listings", 4.0, "L4", now=2.1) == ["L4"] and m.late == 1
    assert m.push("reports", 12.0, "R12", now=2.2) == [] and m.late == 1
