"""The live side of event-time epochs: marks between seller and image partitions.

Replay delivers seller-network news at once; live it travels seller ->
image-facts topic -> image processor -> network-facts topic -> seller. A
seller counts a network link only from the epoch after it formed
(:mod:`signals.eventtime.epochs`), so live must not process a seller event of epoch N
before every image partition has passed on all news from epochs before N.

- Each seller partition, once everything before epoch N is processed, sends
  ``EpochMark(source=p, until=N)`` to every image-facts partition, after the
  image facts of those events (one producer, so the order holds in each
  partition). An input partition with nothing to read sends an ``idle`` mark.
- Each image partition, once every seller partition's mark has reached N,
  sends ``EpochMark(source=i, until=N)`` to every network-facts partition,
  after the network facts it produced.
- A seller counts links formed before epoch N - 1 (see
  ``signals.processors.seller.seller_signals``), so a seller partition holds
  an event of epoch N until the marks of every image partition have reached
  N - 1: one epoch of slack, in which the marks travel while events flow.

A partition that starts (or is newly assigned) asks its peers for their
latest marks (``ask``), so nothing about the protocol is stored: the marks
are rebuilt from Kafka after a restart or a rebalance. A held event waits
at most ``max_wait`` seconds (a dead peer must not stop the worker for
ever); events let through early are counted in
``brandguard_epoch_forced_total``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from signals.eventtime.epochs import epoch_of
from signals.eventtime.watermarks import EpochGate, LowWatermark
from signals.processors.messages import EpochMark
from streams.worker.monitoring.metrics import Metrics

__all__ = ["ImageEpochs", "SellerEpochs"]

T = TypeVar("T")
#: send one mark to one partition of the peer topic
SendMark = Callable[[int, EpochMark], None]


@dataclass
class _SellerPartition(Generic[T]):
    network: LowWatermark
    gate: EpochGate[T] = field(default_factory=EpochGate)
    sent: int | None = None
    sent_idle: bool = False
    active_at: float = float("inf")  # set on first use: a partition is not idle at birth
    held_since: float | None = None


class SellerEpochs(Generic[T]):
    """Per seller partition: the gate of held events and the marks sent and heard."""

    def __init__(self, epoch: float, image_partitions: int, send: SendMark, metrics: Metrics,
                 idle_after: float = 10.0, max_wait: float = 60.0, delay: int = 2) -> None:
        self.epoch = epoch
        #: links count from ``delay`` epochs after they formed: an event of epoch N
        #: needs the news of epochs before N - delay + 1
        self.slack = delay - 1
        self.image_partitions = image_partitions
        self.send = send
        self.metrics = metrics
        self.idle_after = idle_after
        self.max_wait = max_wait
        self._parts: dict[int, _SellerPartition[T]] = {}

    def _part(self, partition: int) -> _SellerPartition[T]:
        part = self._parts.get(partition)
        if part is None:
            part = self._parts[partition] = _SellerPartition(LowWatermark(self.image_partitions))
            self._broadcast(EpochMark(source=partition, until=-1, ask=True))
        return part

    def hold(self, partition: int, ts: float, item: T, now: float) -> None:
        """Queue one event, in event-time order; :meth:`release` lets it go."""
        part = self._part(partition)
        part.gate.push(epoch_of(ts, self.epoch), item)
        part.active_at = now

    def heard(self, partition: int, mark: EpochMark) -> None:
        """An image partition's mark arrived in this seller partition."""
        part = self._part(partition)
        if mark.ask:
            if part.sent is not None:
                self._announce(partition, part, part.sent, part.sent_idle)
            return
        part.network.advance(mark.source, mark.until, mark.idle)

    def release(self, partition: int, now: float) -> list[T]:
        """Held events now free to process. The caller processes them (so their facts
        are sent) before calling again: a mark announced here promises that every
        event before the gate's head, and before the last event let through, has
        been processed (events arrive in event-time order)."""
        part = self._part(partition)
        head = part.gate.head_epoch
        progress = max((e for e in (head, part.gate.released_epoch) if e is not None),
                       default=None)
        if progress is not None and (part.sent is None or progress > part.sent
                                     or (part.sent_idle and head is not None)):
            self._announce(partition, part, progress, idle=False)
        low = part.network.low
        released = part.gate.release(None if low is None else low + self.slack)
        if not released and head is not None and self._overdue(part, now):
            released = part.gate.drain()
            self.metrics.epoch_forced.inc(len(released))
        if released:
            part.held_since = None
        if len(part.gate) and part.held_since is None:
            part.held_since = now
        return released

    def tick(self, partition: int, now: float, backlog: bool) -> None:
        """Timer: a partition with nothing to read says so, once (then :meth:`release`)."""
        part = self._part(partition)
        if backlog or len(part.gate) or part.active_at == float("inf"):
            part.active_at = now
        elif now - part.active_at >= self.idle_after and not part.sent_idle:
            self._announce(partition, part, part.sent if part.sent is not None else -1,
                           idle=True)

    def held(self) -> int:
        return sum(len(p.gate) for p in self._parts.values())

    def held_by_partition(self) -> dict[int, int]:
        return {partition: len(p.gate) for partition, p in self._parts.items()}

    def forget(self) -> None:
        """Partitions were revoked: held events will be read again from Kafka."""
        self._parts.clear()

    def _overdue(self, part: _SellerPartition[T], now: float) -> bool:
        return part.held_since is not None and now - part.held_since >= self.max_wait

    def _announce(self, partition: int, part: _SellerPartition[T], until: int,
                  idle: bool) -> None:
        part.sent, part.sent_idle = until, idle
        self._broadcast(EpochMark(source=partition, until=until, idle=idle))

    def _broadcast(self, mark: EpochMark) -> None:
        for peer in range(self.image_partitions):
            self.send(peer, mark)


@dataclass
class _ImagePartition:
    sellers: LowWatermark
    forwarded: int | None = None


class ImageEpochs:
    """Per image partition: seller marks in, one mark to every seller partition out."""

    def __init__(self, seller_partitions: int, send: SendMark) -> None:
        self.seller_partitions = seller_partitions
        self.send = send
        self._parts: dict[int, _ImagePartition] = {}

    def heard(self, partition: int, mark: EpochMark) -> None:
        part = self._parts.get(partition)
        if part is None:
            part = self._parts[partition] = _ImagePartition(LowWatermark(self.seller_partitions))
            self._broadcast(EpochMark(source=partition, until=-1, ask=True))
        if mark.ask:
            if part.forwarded is not None:
                self._broadcast(EpochMark(source=partition, until=part.forwarded))
            return
        if part.sellers.advance(mark.source, mark.until, mark.idle):
            low = part.sellers.low
            if low is not None and (part.forwarded is None or low > part.forwarded):
                part.forwarded = low
                self._broadcast(EpochMark(source=partition, until=low))

    def forget(self) -> None:
        self._parts.clear()

    def _broadcast(self, mark: EpochMark) -> None:
        for peer in range(self.seller_partitions):
            self.send(peer, mark)
