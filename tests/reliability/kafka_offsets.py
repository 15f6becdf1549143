"""What a consumer group has committed, against the ends of its topics."""

from __future__ import annotations

from collections.abc import Iterable

from confluent_kafka import Consumer, TopicPartition

__all__ = ["committed_lag", "end_offsets", "group_positions"]


def _client(bootstrap: str, group: str) -> Consumer:
    # Never subscribes, so it never joins (or rebalances) the group it reads.
    return Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                     "enable.auto.commit": False})


def end_offsets(bootstrap: str, topics: Iterable[str]) -> dict[tuple[str, int], int]:
    consumer = _client(bootstrap, "offsets-reader")
    try:
        out: dict[tuple[str, int], int] = {}
        for topic in topics:
            parts = consumer.list_topics(topic, timeout=10).topics[topic].partitions
            for p in parts:
                out[(topic, p)] = consumer.get_watermark_offsets(TopicPartition(topic, p),
                                                                 timeout=10)[1]
        return out
    finally:
        consumer.close()


def group_positions(bootstrap: str, group: str,
                    partitions: Iterable[tuple[str, int]]) -> dict[tuple[str, int], int]:
    """The group's committed offset per partition (0 where nothing is committed)."""
    consumer = _client(bootstrap, group)
    try:
        tps = [TopicPartition(t, p) for t, p in partitions]
        got = consumer.committed(tps, timeout=10)
        return {(tp.topic, tp.partition): max(0, tp.offset) for tp in got}
    finally:
        consumer.close()


def committed_lag(bootstrap: str, group: str, topics: Iterable[str]) -> dict[tuple[str, int], int]:
    """End offset minus committed offset, per partition that has any."""
    ends = end_offsets(bootstrap, topics)
    done = group_positions(bootstrap, group, ends)
    return {tp: ends[tp] - done[tp] for tp in ends if ends[tp] - done[tp] > 0}
