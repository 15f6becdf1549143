"""Delivery tickets: an output counts as delivered only once the broker said so."""

from __future__ import annotations

import pytest

from streams.worker.checkpointing.delivery import DeliveryFailed, OutputProducer, producer_config
from tests.unit.streams.worker.fakes import Librdkafka


def test_a_ticket_is_delivered_once_every_output_before_it_is() -> None:
    lib = Librdkafka(auto=False)
    out = OutputProducer(lib)
    out.send("t", b"1")
    first = out.ticket()
    out.send("t", b"2")
    assert not out.delivered(first)
    lib.deliver()
    assert out.delivered(first) and out.delivered(out.ticket())
    assert out.waiting() == 0


def test_out_of_order_deliveries_hold_the_ticket_until_the_gap_closes() -> None:
    lib = Librdkafka(auto=False)
    out = OutputProducer(lib)
    for value in (b"a", b"b", b"c"):
        out.send("t", value)
    callbacks = list(lib._waiting)
    callbacks[2](None, None)  # a later partition's batch came back first
    callbacks[1](None, None)
    assert not out.delivered(2, poll=False)
    callbacks[0](None, None)
    assert out.delivered(3, poll=False)


def test_nothing_produced_is_delivered_at_once() -> None:
    assert OutputProducer(Librdkafka(auto=False)).delivered(0)


def test_a_failed_delivery_stops_acks_for_good() -> None:
    lib = Librdkafka(fail_next="broker gone")
    out = OutputProducer(lib)
    out.send("alerts", b"x")
    with pytest.raises(DeliveryFailed, match="alerts: broker gone"):
        out.delivered(out.ticket())
    with pytest.raises(DeliveryFailed):
        out.delivered(0, poll=False)


def test_a_full_local_queue_is_drained_before_producing_again() -> None:
    class Full(Librdkafka):
        def __init__(self) -> None:
            super().__init__()
            self.refused = 2

        def produce(self, *args: object, **kwargs: object) -> None:
            if self.refused:
                self.refused -= 1
                raise BufferError("queue full")
            super().produce(*args, **kwargs)  # type: ignore[arg-type]

    lib = Full()
    out = OutputProducer(lib)
    out.send("t", b"v", key=b"k", partition=3)
    assert lib.sent == [("t", b"v", b"k", 3)]


def test_producer_config_keeps_the_connection_and_orders_per_partition() -> None:
    config = producer_config({"bootstrap.servers": "h:1", "security.protocol": "SSL"})
    assert config["bootstrap.servers"] == "h:1" and config["security.protocol"] == "SSL"
    assert config["enable.idempotence"] is True
    assert config["partitioner"] == "murmur2_random"


def test_the_dead_letter_of_a_record_at_the_input_limit_can_be_sent() -> None:
    from signals.contract.deadletter import dead_letter, encode_deadletter
    from signals.contract.limits import MAX_RECORD_BYTES
    from signals.errors import TooLarge
    from streams.worker.topics import DEADLETTER_MAX_BYTES

    # an input topic may take records well above the contract's limit (they are too_large)
    value = b"x" * (4 * MAX_RECORD_BYTES)
    record = encode_deadletter(dead_letter(
        source_topic="listings", partition=0, offset=1, key=b"k", value=value,
        error=TooLarge(None, "record is too large"), failed_at="2026-11-27T14:03:11.250Z"))
    assert len(record) <= DEADLETTER_MAX_BYTES < producer_config({})["message.max.bytes"]
