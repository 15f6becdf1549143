"""Records are acked in offset order per topic-partition, never past a held one."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from hypothesis import given
from hypothesis import strategies as st

from streams.worker.checkpointing.ordered_acks import OrderedAcks


@dataclass(frozen=True)
class Message:
    topic: str
    partition: int
    offset: int


@dataclass(eq=False)
class Event:
    message: Message
    log: list[Message] = field(repr=False)

    def ack(self) -> None:
        self.log.append(self.message)


def _events(log: list[Message], topic: str, partition: int, count: int) -> list[Event]:
    return [Event(Message(topic, partition, offset), log) for offset in range(count)]


def test_a_finished_record_waits_for_the_held_one_before_it() -> None:
    log: list[Message] = []
    held, dead_lettered, later = _events(log, "listings", 3, 3)
    acks = OrderedAcks()
    for event in (held, dead_lettered, later):
        acks.received(event, 0.0)
    acks.flushed(3, [dead_lettered, later])
    assert log == [] and acks.waiting() == 3
    acks.flushed(3, [held])
    assert [m.offset for m in log] == [0, 1, 2] and acks.waiting() == 0


def test_partitions_and_topics_do_not_wait_for_each_other() -> None:
    log: list[Message] = []
    listing = _events(log, "listings", 0, 1)[0]
    order = _events(log, "orders", 0, 1)[0]
    other_partition = _events(log, "listings", 1, 1)[0]
    acks = OrderedAcks()
    for event in (listing, order, other_partition):
        acks.received(event, 0.0)
    acks.flushed(0, [order])
    acks.flushed(1, [other_partition])
    assert log == [order.message, other_partition.message]


def test_a_flush_of_another_partition_acks_nothing_here() -> None:
    log: list[Message] = []
    (event,) = _events(log, "listings", 2, 1)
    acks = OrderedAcks()
    acks.received(event, 0.0)
    acks.flushed(5, [event])  # wrong partition: its state was not flushed
    assert log == []


def test_forget_drops_every_unacked_record() -> None:
    log: list[Message] = []
    acks = OrderedAcks()
    first, second = _events(log, "listings", 0, 2)
    acks.received(first, 0.0)
    acks.received(second, 0.0)
    acks.forget()
    acks.flushed(0, [first, second])
    assert log == [] and acks.waiting() == 0


def test_oldest_age_is_that_of_the_oldest_record_still_waiting_anywhere() -> None:
    log: list[Message] = []
    acks = OrderedAcks()
    assert acks.oldest_age(now=50.0) == 0.0
    first, second = _events(log, "listings", 0, 2)
    (order,) = _events(log, "orders", 1, 1)
    acks.received(first, 10.0)
    acks.received(second, 12.0)
    acks.received(order, 11.0)
    assert acks.oldest_age(now=20.0) == 10.0
    acks.flushed(0, [first])  # acked: the age moves to the next oldest, on another topic
    assert acks.oldest_age(now=20.0) == 9.0
    acks.flushed(1, [order])
    assert acks.oldest_age(now=20.0) == 8.0
    acks.flushed(0, [second])
    assert acks.oldest_age(now=20.0) == 0.0


@given(st.lists(st.tuples(st.sampled_from(["listings", "orders"]), st.integers(0, 2)),
                min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_acks_are_always_a_prefix_of_each_partitions_reads(
        reads: list[tuple[str, int]], rng: random.Random) -> None:
    log: list[Message] = []
    offsets: dict[tuple[str, int], int] = {}
    events = []
    for topic, partition in reads:
        offset = offsets.get((topic, partition), 0)
        offsets[(topic, partition)] = offset + 1
        events.append(Event(Message(topic, partition, offset), log))
    acks = OrderedAcks()
    for event in events:
        acks.received(event, 0.0)
    finish = events[:]
    rng.shuffle(finish)
    for index, event in enumerate(finish):
        acks.flushed(event.message.partition, [event])
        finished = {e.message for e in finish[: index + 1]}
        for (topic, partition), count in offsets.items():
            acked = [m.offset for m in log if (m.topic, m.partition) == (topic, partition)]
            assert acked == list(range(len(acked)))  # in order, no gaps
            # ... and as far as the finished records allow
            reach = 0
            while reach < count and Message(topic, partition, reach) in finished:
                reach += 1
            assert len(acked) == reach
    assert len(log) == len(events) and acks.waiting() == 0


def test_the_module_examples_run() -> None:
    import doctest

    from streams.worker.checkpointing import ordered_acks

    assert doctest.testmod(ordered_acks).failed == 0


def test_a_seek_back_drops_the_stale_copies_instead_of_stalling() -> None:
    """After a rebalance Faust re-reads from the commit while records buffered before
    it may still come: each offset must be acked once, by whichever copy finishes."""
    log: list[Message] = []
    acks = OrderedAcks()
    stale = [Event(Message("orders", 3, offset), log) for offset in range(4)]
    again = [Event(Message("orders", 3, offset), log) for offset in range(2, 6)]
    for event in stale:
        acks.received(event, 0.0)
    for event in again:  # the consumer went back to offset 2
        acks.received(event, 1.0)
    acks.flushed(3, stale[:2])  # the stale copies of 0 and 1 finish
    acks.flushed(3, again)
    assert [m.offset for m in log] == [0, 1, 2, 3, 4, 5]
    assert acks.waiting() == 0
