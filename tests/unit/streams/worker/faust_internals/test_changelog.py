"""The private parts of Faust that faust_internals.changelog relies on still exist, and
what it does with them.

An upgrade that moves one of them fails here, not as a table write filed under the
wrong partition in production.
"""

from __future__ import annotations

import contextvars

from faust.streams import _current_event

from streams.worker.faust_internals.changelog import DirectChangelog, event_context


class _Event:
    """Stands in for a Faust event: event_context only keeps a weak reference."""


def test_event_context_sets_and_restores_the_current_event() -> None:
    assert isinstance(_current_event, contextvars.ContextVar)
    before = _current_event.get(None)
    event = _Event()
    with event_context(event):  # type: ignore[arg-type]
        ref = _current_event.get()
        assert ref is not None and ref() is event
    assert _current_event.get(None) is before


class _DB(dict[bytes, bytes]):
    def put(self, key: bytes, value: bytes) -> None:
        self[key] = value


class _Store:
    """The part of Faust's RocksDB ``Store`` that DirectChangelog uses."""

    def __init__(self) -> None:
        self.dbs: dict[int, _DB] = {}
        self.persisted: dict[object, int] = {}

    def _db_for_partition(self, partition: int) -> _DB:
        return self.dbs.setdefault(partition, _DB())

    def set_persisted_offset(self, tp: object, offset: int) -> None:
        self.persisted[tp] = offset


class _Topic:
    def get_topic_name(self) -> str:
        return "app-sellers-changelog"


class _Table:
    def __init__(self) -> None:
        self.data = _Store()
        self.changelog_topic = _Topic()


class _Msg:
    partition = 5


class _Current:
    message = _Msg()


def test_direct_changelog_writes_the_store_and_records_the_delivered_offset() -> None:
    from faust.types import TP

    table = _Table()
    sent: list[tuple[str, bytes, bytes, int]] = []
    callbacks = []

    def send(topic: str, value: bytes, key: bytes, partition: int, then: object) -> None:
        sent.append((topic, value, key, partition))
        callbacks.append(then)

    writer = DirectChangelog(table, send)
    with event_context(_Current()):  # type: ignore[arg-type]
        writer["s1"] = b"{}"
        writer["s2"] = b"[]"
    assert table.data.dbs == {5: {b"s1": b"{}", b"s2": b"[]"}}  # the event's partition
    assert writer.get("s1", 5) == b"{}" and writer.get("s1", 4) is None
    assert sent == [("app-sellers-changelog", b"{}", b"s1", 5),
                    ("app-sellers-changelog", b"[]", b"s2", 5)]
    callbacks[1](42)
    callbacks[0](41)  # delivery reports may come in any order: the highest counts
    assert table.data.persisted == {}  # written with the next write round, not per record
    writer.persist()
    assert table.data.persisted == {TP("app-sellers-changelog", 5): 42}
    callbacks[1](43)
    with event_context(_Current()):  # type: ignore[arg-type]
        writer["s3"] = b"{}"
    assert table.data.persisted == {TP("app-sellers-changelog", 5): 43}


def test_direct_changelog_refuses_a_write_without_a_current_event() -> None:
    import pytest

    writer = DirectChangelog(_Table(), lambda *args: None)
    with pytest.raises(RuntimeError, match="current event"):
        writer["s1"] = b"{}"
