"""An in-memory stand-in for Kafka and the workers, to test the live epoch
protocol (streams.worker.runners.epoch_marks); the tests are in test_epoch_marks.py.

The harness stands in for the worker: N seller partitions and M image
partitions, each with its own SellerEpochs / ImageEpochs (as if each ran on its
own worker), whose marks go to per-partition logs (the fact topics). A
schedule, fixed or seeded-random, decides which partition reads, hears a mark,
ticks, restarts or lets the clock run. The harness keeps its own record of
which events were processed, and checks against it:

- safety: a seller event of epoch N is processed only once every seller
  partition has processed all its events of epochs before N - SLACK (a seller
  counts network links from two epochs back, see
  ``signals.processors.seller.seller_signals``, so news of the previous epoch
  may still be travelling);
- liveness: once every partition has caught up and gone idle, every event has
  been processed, none of them forced through by ``max_wait``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from signals.eventtime.epochs import epoch_of
from signals.processors.messages import EpochMark
from streams.worker.monitoring.metrics import Metrics
from streams.worker.runners.epoch_marks import ImageEpochs, SellerEpochs

__all__ = ["EPOCH", "IDLE_AFTER", "SLACK", "Harness", "Log", "marks_from", "random_inputs"]

EPOCH = 1.0
IDLE_AFTER = 1.0
SLACK = 1
NEVER = 1e9  # max_wait for tests where forcing would hide a protocol bug


@dataclass
class Log:
    """One partition of a topic: records written, the read and committed positions."""

    records: list[EpochMark] = field(default_factory=list)
    read: int = 0
    committed: int = 0

    def pending(self) -> bool:
        return self.read < len(self.records)

    def take(self) -> EpochMark:
        self.read += 1
        return self.records[self.read - 1]


class Harness:
    """Seller partitions with event times to read, image partitions between them."""

    def __init__(self, inputs: list[list[float]], images: int, max_wait: float = NEVER) -> None:
        self.inputs = [sorted(times) for times in inputs]  # the merger hands over in order
        self.metrics = Metrics()
        self.now = 0.0
        self.to_image = [Log() for _ in range(images)]
        self.to_seller = [Log() for _ in inputs]
        self.sellers = [self._seller(max_wait) for _ in inputs]
        self.images = [ImageEpochs(len(inputs), self._send_to_seller) for _ in range(images)]
        self.read = [0] * len(inputs)  # next event each seller partition takes from Kafka
        self.processed = [0] * len(inputs)
        self.violations: list[str] = []

    def _seller(self, max_wait: float) -> SellerEpochs[int]:
        return SellerEpochs(EPOCH, len(self.to_image), self._send_to_image, self.metrics,
                            idle_after=IDLE_AFTER, max_wait=max_wait)

    def _send_to_image(self, partition: int, mark: EpochMark) -> None:
        self.to_image[partition].records.append(mark)

    def _send_to_seller(self, partition: int, mark: EpochMark) -> None:
        self.to_seller[partition].records.append(mark)

    # --- what a worker does -------------------------------------------------

    def read_event(self, p: int) -> None:
        index = self.read[p]
        self.read[p] += 1
        self.sellers[p].hold(p, self.inputs[p][index], index, self.now)
        self._drain(p)

    def hear_at_seller(self, p: int) -> None:
        self.sellers[p].heard(p, self.to_seller[p].take())
        self._drain(p)

    def hear_at_image(self, i: int) -> None:
        self.images[i].heard(i, self.to_image[i].take())

    def tick(self, p: int) -> None:
        self.sellers[p].tick(p, self.now, backlog=self.backlog(p))
        self._drain(p)

    def backlog(self, p: int) -> bool:
        return self.read[p] < len(self.inputs[p])

    def restart_image(self, i: int) -> None:
        """The partition is revoked and assigned again: Kafka redelivers what was
        read after the last commit."""
        self.images[i].forget()
        self.to_image[i].read = self.to_image[i].committed

    def restart_seller(self, p: int) -> None:
        self.sellers[p].forget()
        self.read[p] = self.processed[p]  # held events are read again
        self.to_seller[p].read = self.to_seller[p].committed

    def _drain(self, p: int) -> None:
        while batch := self.sellers[p].release(p, self.now):
            for index in batch:
                self._process(p, index)

    def _process(self, p: int, index: int) -> None:
        assert index == self.processed[p], "events of a partition are processed in order"
        epoch = epoch_of(self.inputs[p][index], EPOCH)
        for q, times in enumerate(self.inputs):
            behind = times[self.processed[q]:]
            if behind and epoch_of(behind[0], EPOCH) < epoch - SLACK:
                self.violations.append(
                    f"partition {p} processed epoch {epoch} while partition {q} "
                    f"still had epoch {epoch_of(behind[0], EPOCH)} to process")
        self.processed[p] += 1

    # --- schedules ----------------------------------------------------------

    def step(self, rng: random.Random, restarts: bool = False,
             starved: frozenset[int] = frozenset()) -> None:
        """One action, chosen among those possible; ``starved`` image partitions hear
        nothing (a slow consumer)."""
        actions = [("tick", p) for p in range(len(self.sellers))]
        actions += [("read", p) for p in range(len(self.sellers)) if self.backlog(p)]
        actions += [("seller", p) for p, log in enumerate(self.to_seller) if log.pending()]
        actions += [("image", i) for i, log in enumerate(self.to_image)
                    if log.pending() and i not in starved]
        actions += [("clock", 0), ("commit", 0)]
        if restarts:
            actions += [("restart_image", i) for i in range(len(self.images))]
            actions += [("restart_seller", p) for p in range(len(self.sellers))]
        kind, n = rng.choice(actions)
        if kind == "clock":
            self.now += rng.uniform(0, IDLE_AFTER / 2)
        elif kind == "commit":
            log = rng.choice(self.to_image + self.to_seller)
            log.committed = rng.randint(log.committed, log.read)
        else:
            getattr(self, _ACTIONS[kind])(n)

    def settle(self, rounds: int = 50) -> None:
        """Every partition reads and hears everything, then the clock runs past idle."""
        for _ in range(rounds):
            for p in range(len(self.sellers)):
                while self.backlog(p):
                    self.read_event(p)
            self.deliver_all()
            for p in range(len(self.sellers)):
                self.tick(p)
            self.now += IDLE_AFTER / 2

    def restart_all(self, rng: random.Random) -> None:
        """Everything read is committed, then some partitions restart: what they knew
        comes back only through asking."""
        for log in self.to_image + self.to_seller:
            log.committed = log.read
        for i in range(len(self.images)):
            if rng.random() < 0.5:
                self.restart_image(i)
        for p in range(len(self.sellers)):
            if rng.random() < 0.5:
                self.restart_seller(p)

    def deliver_all(self) -> None:
        while any(log.pending() for log in self.to_image + self.to_seller):
            for i, log in enumerate(self.to_image):
                while log.pending():
                    self.hear_at_image(i)
            for p, log in enumerate(self.to_seller):
                while log.pending():
                    self.hear_at_seller(p)

    def held(self) -> int:
        return sum(s.held() for s in self.sellers)

    def forced(self) -> float:
        value = self.metrics.registry.get_sample_value("brandguard_epoch_forced_total")
        assert value is not None
        return value

    def all_processed(self) -> bool:
        return self.processed == [len(times) for times in self.inputs]


_ACTIONS = {"tick": "tick", "read": "read_event", "seller": "hear_at_seller",
            "image": "hear_at_image", "restart_image": "restart_image",
            "restart_seller": "restart_seller"}


def random_inputs(rng: random.Random, partitions: int) -> list[list[float]]:
    return [[rng.uniform(0, 6 * EPOCH) for _ in range(rng.randint(0, 8))]
            for _ in range(partitions)]


def marks_from(log: Log, source: int) -> list[EpochMark]:
    """The marks one partition wrote to a log, oldest first."""
    return [mark for mark in log.records if mark.source == source]
