"""After table recovery, every record from the committed offset on reaches the agent.

A worker restarted with changelog records to recover lost input records for
good (the restart integration test: a seller's reports missing). Faust's
recovery resumes the input partitions, then seeks them to the committed
offsets with the flow running. Records fetched during the seek went into the
streams' queues, the seek set the read offset back, and ``flow_control.resume()``
emptied the queues: the agent never saw those records. Faust then either took
the next record's offset for a gap, counted as acked and so committed past, or
never committed the partition again. A partition with nothing committed is not
moved by the seek at all, so records fetched and dropped around it were lost
even with the flow stopped.

This drives Faust's own ``_drain_messages``, ``getmany`` and ``perform_seek``
with the broker replaced by one partition held in memory, in the order
``Recovery.on_recovery_completed`` calls them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

import faust
import pytest
from faust.types import TP

from streams.worker.faust_internals import FastFetchConsumer

INPUT = TP("app.reports", 7)
CHANGELOG = TP("seek-after-recovery-sellers-changelog", 7)
END = 20


@dataclass
class _Record:
    """What aiokafka hands Faust for one record."""

    offset: int
    topic: str = INPUT.topic
    partition: int = INPUT.partition
    timestamp: int = 0
    timestamp_type: int = 0
    headers: list[Any] = field(default_factory=list)
    key: bytes = b"s1"
    value: bytes = b"{}"
    checksum: None = None
    serialized_key_size: int = 2
    serialized_value_size: int = 2


class _OnePartition(FastFetchConsumer):
    """Faust's consumer; the broker is one input partition of END records."""

    def __init__(self, app: faust.App, queue: Any, committed: int | None) -> None:
        super().__init__(app.transport, callback=self._deliver,
                         on_partitions_revoked=_nothing, on_partitions_assigned=_nothing)
        self.queue = queue
        self.committed = committed
        # aiokafka starts an assigned partition at its committed offset, else the earliest
        self.next_offset = committed or 0
        self.last_delivered = -1
        self.fetching = False

    async def _deliver(self, message: Any) -> None:
        """Where Faust's conductor puts a record: the stream's queue."""
        self.queue.put_nowait(message.offset)
        self.last_delivered = message.offset

    async def _getmany(self, active_partitions: Any, timeout: float) -> Any:
        self.fetching = True
        await asyncio.sleep(0)  # the fetch is in flight
        self.fetching = False
        if INPUT not in active_partitions or self.next_offset >= END:
            return {}
        first = self.next_offset
        batch = [_Record(offset) for offset in range(first, min(first + 3, END))]
        self.next_offset = batch[-1].offset + 1
        return {INPUT: batch}

    async def seek_to_committed(self) -> Mapping[TP, int]:
        if self.committed:  # as aiokafka: a partition with nothing committed stays put
            self.next_offset = self.committed
        for _ in range(50):  # the round trip to the group coordinator
            await asyncio.sleep(0)
        return {INPUT: cast(int, self.committed)}  # None too, as aiokafka returns it

    async def earliest_offsets(self, *partitions: TP) -> Mapping[TP, int]:
        return dict.fromkeys(partitions, 0)

    async def seek_wait(self, partitions: Mapping[TP, int]) -> None:
        for tp, offset in partitions.items():  # as Faust's AIOKafkaConsumerThread._seek_wait
            assert tp == INPUT
            self.next_offset = offset
            self._read_offset[tp] = offset if offset > 0 else None

    def assignment(self) -> set[TP]:
        return {INPUT, CHANGELOG}

    def highwater(self, tp: TP) -> int:
        return END


async def _nothing(*args: Any) -> None:
    return None


async def _recover_and_resume(committed: int | None) -> list[int]:
    app = faust.App("seek-after-recovery", broker="kafka://127.0.0.1:1")
    app.Table("sellers")  # its changelog partition is assigned too, and never rewound
    queue = app.FlowControlQueue(maxsize=100, clear_on_resume=True)
    consumer = _OnePartition(app, queue, committed)
    # Recovery is reading the changelog: flow on, the input paused at Faust's level.
    consumer._set_active_tps({CHANGELOG})
    app.flow_control.resume()
    consumer.resume_flow()
    fetcher = SimpleNamespace(_stopped=asyncio.Event())
    drain = asyncio.ensure_future(consumer._drain_messages(cast(Any, fetcher)))
    try:
        for _ in range(1000):  # a fetch in flight when recovery ends
            if consumer.fetching:
                break
            await asyncio.sleep(0)
        # Recovery.on_recovery_completed, in its order
        consumer.resume_partitions({INPUT})
        await consumer.perform_seek()
        app.flow_control.resume()
        consumer.resume_flow()
        for _ in range(10_000):  # until the partition is read to its end
            if consumer.last_delivered == END - 1:
                break
            await asyncio.sleep(0)
        return [queue.get_nowait() for _ in range(queue.qsize())]
    finally:
        fetcher._stopped.set()
        drain.cancel()
        await asyncio.gather(drain, return_exceptions=True)


@pytest.mark.parametrize("committed", [2, None], ids=["committed", "nothing-committed"])
def test_records_fetched_around_the_seek_are_not_lost(committed: int | None) -> None:
    assert asyncio.run(_recover_and_resume(committed)) == list(range(committed or 0, END))
