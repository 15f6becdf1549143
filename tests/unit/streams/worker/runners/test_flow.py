"""Read-ahead per partition: pause a partition's inputs while its gate is full."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from faust.types import TP
from hypothesis import given
from hypothesis import strategies as st

from streams.worker.runners.flow import FaustFlow, ReadAhead


def _flow(limit: int) -> tuple[ReadAhead, set[tuple[str, int]]]:
    paused: set[tuple[str, int]] = set()
    flow = ReadAhead(("listings", "orders", "reports"), limit,
                     pause=paused.update, resume=paused.difference_update)
    return flow, paused


def test_only_the_full_partition_is_paused_and_all_its_input_topics() -> None:
    flow, paused = _flow(10)
    flow.update({0: 10, 1: 9, 2: 0})
    assert paused == {("listings", 0), ("orders", 0), ("reports", 0)}


def test_a_paused_partition_resumes_below_half() -> None:
    flow, paused = _flow(10)
    flow.update({0: 12})
    flow.update({0: 5})
    assert paused and flow.paused == {0}
    flow.update({0: 4})
    assert not paused and not flow.paused


def test_forget_clears_what_a_revocation_undid() -> None:
    flow, _ = _flow(10)
    flow.update({3: 50})
    flow.forget()
    assert flow.paused == set()


@given(st.lists(st.dictionaries(st.integers(0, 3), st.integers(0, 30)), max_size=30))
def test_paused_means_at_least_half_full_and_full_means_paused(
        rounds: list[dict[int, int]]) -> None:
    flow, paused = _flow(10)
    for held in rounds:
        flow.update(held)
        for partition, count in held.items():
            if count >= 10:
                assert partition in flow.paused
            if partition in flow.paused:
                assert count >= 5
        assert paused == {(t, p) for p in flow.paused for t in flow.topics}


def test_faust_flow_marks_the_partitions_buffered_in_faust_s_consumer() -> None:
    from faust.transport.consumer import Consumer

    assert callable(Consumer.on_buffer_full) and callable(Consumer.on_buffer_drop)
    calls: list[tuple[str, TP]] = []
    consumer = SimpleNamespace(on_buffer_full=lambda tp: calls.append(("full", tp)),
                               on_buffer_drop=lambda tp: calls.append(("drop", tp)))
    app: Any = SimpleNamespace(consumer=consumer)
    flow = FaustFlow(app)
    flow.pause([("listings", 0), ("orders", 0)])
    flow.resume([("listings", 0)])
    assert calls == [("full", TP("listings", 0)), ("full", TP("orders", 0)),
                     ("drop", TP("listings", 0))]
