"""The runner base: batches, flushes, acks in offset order after delivery."""

from __future__ import annotations

from streams.worker.checkpointing.flush_timing import FlushTiming
from streams.worker.monitoring.metrics import Metrics
from streams.worker.runners.base import RawEvent, Runner
from tests.unit.streams.worker.fakes import Librdkafka, Message, emitter, events


def _events(log: list[Message], topic: str, partition: int, count: int) -> list[RawEvent]:
    return events(log, topic, partition, [b"{}"] * count)


class _HoldFirst(Runner):
    """Holds offset 0 until released; finishes every other record at once."""

    def __init__(self, librdkafka: Librdkafka | None = None) -> None:
        super().__init__(emitter(librdkafka), Metrics(), flush_interval=0.0)
        self.held: list[RawEvent] = []
        self.let_go = True

    def handle(self, event: RawEvent) -> list[RawEvent]:
        if event.message.offset == 0:
            self.held.append(event)
            return []
        return [event]

    def release(self, partition: int, now: float) -> list[RawEvent]:
        if not self.let_go:
            return []
        released, self.held = self.held, []
        return released

    def reset_state(self) -> None:
        pass


def test_a_runner_does_not_ack_past_a_record_it_still_holds() -> None:
    log: list[Message] = []
    runner = _HoldFirst()
    held, finished = _events(log, "listings", 4, 2)
    runner.on_event(held)
    runner.on_event(finished)  # flushed at once (interval 0) ...
    assert log == []  # ... but acking it would let Faust commit past offset 0
    runner.tick()
    assert [m.offset for m in log] == [0, 1]
    assert runner.acks.waiting() == 0


def _oldest_unacked(runner: Runner) -> float | None:
    return runner.metrics.registry.get_sample_value(
        "brandguard_oldest_unacked_seconds", {"agent": runner.name})


def test_a_runner_exports_how_long_its_oldest_unacked_record_has_waited() -> None:
    log: list[Message] = []
    runner = _HoldFirst()
    runner.let_go = False
    held, finished = _events(log, "listings", 4, 2)
    runner.on_event(held)
    runner.on_event(finished)
    runner.tick()
    age = _oldest_unacked(runner)
    assert age is not None and age > 0.0 and log == []
    runner.let_go = True
    runner.tick()
    assert _oldest_unacked(runner) == 0.0 and len(log) == 2


class _Counter(Runner):
    """Finishes every record at once; its state is how many it saw per partition."""

    def __init__(self, librdkafka: Librdkafka) -> None:
        super().__init__(emitter(librdkafka), Metrics(), flush_interval=0.0)
        self.written: list[object] = []
        self.seen: dict[int, int] = {}

    def handle(self, event: RawEvent) -> list[RawEvent]:
        partition = event.message.partition
        self.seen[partition] = self.seen.get(partition, 0) + 1
        self.emit.out.send("alerts", b"x")
        return [event]

    def snapshot_state(self, partition: int) -> object:
        return (partition, self.seen.get(partition, 0))

    def write_state(self, snapshot: object) -> None:
        self.written.append(snapshot)

    def reset_state(self) -> None:
        self.seen.clear()


def test_state_is_written_and_records_acked_only_after_their_outputs_are_delivered() -> None:
    log: list[Message] = []
    lib = Librdkafka(auto=False)
    runner = _Counter(lib)
    runner.on_batch(_events(log, "orders", 2, 3))
    assert log == [] and runner.written == [] and runner.undelivered() == 1
    runner.tick()
    assert log == []  # still nothing back from the broker
    lib.deliver()
    runner.tick()
    assert [m.offset for m in log] == [0, 1, 2]
    assert runner.written == [(2, 3)]


def test_a_batch_counts_metrics_once_per_label() -> None:
    log: list[Message] = []
    runner = _Counter(Librdkafka())
    runner.counts[("orders", "processed")] += 5
    runner.on_batch(_events(log, "orders", 0, 2))
    value = runner.metrics.registry.get_sample_value(
        "brandguard_events_total", {"topic": "orders", "outcome": "processed"})
    assert value == 5.0
    last = runner.metrics.registry.get_sample_value(
        "brandguard_last_event_timestamp_seconds", {"topic": "orders"})
    assert last is not None and last > 0


def test_revocation_forgets_undelivered_flushes() -> None:
    log: list[Message] = []
    lib = Librdkafka(auto=False)
    runner = _Counter(lib)
    runner.on_batch(_events(log, "orders", 0, 2))
    runner.reset()
    lib.deliver()
    runner.tick()
    assert log == [] and runner.written == [] and runner.acks.waiting() == 0


def test_revocation_forgets_how_far_each_partition_was_read() -> None:
    # The next owner, this worker included, reads again from the committed offset:
    # a position kept from before would call the partition caught up too early.
    log: list[Message] = []
    runner = _Counter(Librdkafka())
    runner.on_batch(_events(log, "orders", 3, 4))
    assert runner.positions == {("orders", 3): 3}
    runner.reset()
    assert runner.positions == {}


class _Writing(_Counter):
    """Writes its snapshot as a state record: the runner then waits for it too."""

    def write_state(self, snapshot: object) -> None:
        super().write_state(snapshot)
        self.emit.out.send("changelog", b"state")


def test_records_are_acked_only_after_the_state_written_for_them_is_delivered() -> None:
    log: list[Message] = []
    lib = Librdkafka(auto=False)
    runner = _Writing(lib)
    runner.on_batch(_events(log, "orders", 1, 2))
    lib.deliver()  # the outputs: now the state is written ...
    runner.tick()
    assert runner.written == [(1, 2)] and log == []  # ... but its changelog is in flight
    lib.deliver()
    runner.tick()
    assert [m.offset for m in log] == [0, 1]


class _Slow(_Counter):
    """Waits ``flush_interval`` between state writes."""

    def __init__(self, librdkafka: Librdkafka, flush_interval: float) -> None:
        super().__init__(librdkafka)
        self.timing = FlushTiming(interval=flush_interval)


def test_the_timer_writes_state_only_when_the_flush_interval_is_due() -> None:
    log: list[Message] = []
    lib = Librdkafka()
    runner = _Slow(lib, flush_interval=3600.0)
    runner.on_batch(_events(log, "orders", 0, 1))  # the first flush of a partition is due
    runner.on_batch(_events(log, "orders", 0, 2)[1:])
    runner.tick()
    runner.tick()
    # one state write for the first record; the second waits for the interval ...
    assert runner.written == [(0, 1)] and [m.offset for m in log] == [0]
    runner.timing = FlushTiming(interval=0.0)
    runner.tick()  # ... and is written, then acked, once it is due
    assert runner.written == [(0, 1), (0, 2)] and [m.offset for m in log] == [0, 1]


def test_a_partition_catching_up_is_written_at_the_catchup_interval() -> None:
    log: list[Message] = []
    lib = Librdkafka()
    runner = _Counter(lib)
    behind = {0: True, 1: False}
    runner.timing = FlushTiming(interval=0.0, catchup_interval=3600.0)
    runner.lagging = behind.__getitem__
    runner.on_batch(_events(log, "orders", 0, 1) + _events(log, "orders", 1, 1))
    runner.timing = FlushTiming(interval=1e-9, catchup_interval=3600.0)
    runner.on_batch(_events(log, "orders", 0, 2)[1:] + _events(log, "orders", 1, 2)[1:])
    runner.tick()
    # partition 1 is caught up: its second record is written and acked at once; partition
    # 0 is behind: its second record waits for the catch-up interval
    assert sorted(runner.written) == [(0, 1), (1, 1), (1, 2)]  # type: ignore[type-var]
    behind[0] = False
    runner.tick()
    assert (0, 2) in runner.written
