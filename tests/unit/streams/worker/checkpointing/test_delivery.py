"""Delivery tickets: an output counts as delivered only once the broker said so."""

from __future__ import annotations

from typing import Any

import pytest
from confluent_kafka import KafkaError, KafkaException

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


# -- refused outputs: held, retried with backoff, in produce order ------------------

class Refusing(Librdkafka):
    """Deliveries to a topic in ``refuse`` fail, as librdkafka reports a deleted topic."""

    def __init__(self, *refuse: str) -> None:
        super().__init__(auto=False)
        self.refuse = set(refuse)
        self.topics: list[str] = []

    def produce(self, topic: str, *args: Any, on_delivery: Any = None, **kwargs: Any) -> None:
        self.topics.append(topic)
        refused = topic in self.refuse

        def report(err: Any, msg: Any) -> None:
            on_delivery(KafkaError(KafkaError.UNKNOWN_TOPIC_OR_PART) if refused else None, msg)

        super().produce(topic, *args, on_delivery=report, **kwargs)

    def poll(self, timeout: float = 0) -> int:
        return self.deliver()


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _values(lib: Librdkafka, topic: str) -> list[bytes | None]:
    return [value for t, value, _, _ in lib.sent if t == topic]


def test_a_refused_alert_holds_every_ticket_after_it_and_is_tried_again_with_backoff() -> None:
    lib, clock = Refusing("alerts"), Clock()
    out = OutputProducer(lib, retry_topics={"alerts"}, clock=clock)
    out.send("alerts", b"a")
    out.send("facts", b"f")
    ticket = out.ticket()
    assert not out.delivered(ticket)  # refused: no DeliveryFailed, no ack
    assert out.refusing() and out.parked() == {"alerts": 1}
    out.send("alerts", b"b")  # behind the refused one, not produced meanwhile
    assert _values(lib, "alerts") == [b"a"] and out.parked() == {"alerts": 2}
    clock.now += 0.9
    out.poll()
    assert _values(lib, "alerts") == [b"a"]  # the first wait (1 s) is not over
    clock.now += 0.1
    out.poll()  # the probe goes out alone...
    assert _values(lib, "alerts") == [b"a", b"a"] and out.outages["alerts"].attempts == 1
    out.poll()  # ...and is refused again: the next wait is 2 s
    assert out.outages["alerts"].next_at == clock.now + 2.0
    assert not out.delivered(ticket)
    lib.refuse.clear()  # the topic is back
    clock.now += 2.0
    out.poll()  # the probe goes out
    out.poll()  # it is delivered, and the rest follow in produce order
    assert _values(lib, "alerts") == [b"a", b"a", b"a", b"b"]
    assert out.delivered(ticket) and out.delivered(out.ticket())
    assert not out.refusing() and out.outages_started == {"alerts": 1}
    assert out.refusals == {"alerts": 2} and out.failure is None


def test_the_wait_doubles_up_to_the_longest() -> None:
    lib, clock = Refusing("alerts"), Clock()
    out = OutputProducer(lib, retry_topics={"alerts"}, first_retry=1.0, longest_retry=4.0,
                         clock=clock)
    out.send("alerts", b"a")
    out.poll()
    attempts: list[float] = []
    while len(attempts) < 5:
        clock.now += 0.5
        before = len(lib.sent)
        out.poll()
        if len(lib.sent) > before:
            attempts.append(clock.now - 100.0)
    # each refusal is reported at the poll after the attempt (0.5 s here), and the
    # wait runs from that report: 1 s, then 2, 4, and never more than 4
    assert attempts == [1.0, 1.0 + 0.5 + 2, 3.5 + 0.5 + 4, 8.0 + 0.5 + 4, 12.5 + 0.5 + 4]


def test_refusals_reported_out_of_order_go_out_again_in_produce_order() -> None:
    lib, clock = Refusing("alerts"), Clock()
    out = OutputProducer(lib, retry_topics={"alerts"}, clock=clock)
    for value in (b"a", b"b", b"c"):
        out.send("alerts", value)
    reports = list(lib._waiting)
    lib._waiting.clear()
    for index in (2, 0, 1):  # another partition's batch came back first
        reports[index](None, None)
    lib.refuse.clear()
    clock.now += 1.0
    out.poll()
    out.poll()
    assert _values(lib, "alerts")[3:] == [b"a", b"b", b"c"]
    assert out.delivered(out.ticket())


def test_a_topic_known_not_to_exist_is_refused_at_produce_time() -> None:
    class Unknown(Librdkafka):
        def produce(self, topic: str, *args: Any, **kwargs: Any) -> None:
            raise KafkaException(KafkaError(KafkaError._UNKNOWN_TOPIC))

    out = OutputProducer(Unknown(), retry_topics={"deadletter"})
    out.send("deadletter", b"d")
    assert out.refusing() and out.parked() == {"deadletter": 1}
    assert not out.delivered(out.ticket())


def test_an_internal_topic_is_not_retried_it_stops_the_worker() -> None:
    out = OutputProducer(Refusing("facts"), retry_topics={"alerts"})
    out.send("facts", b"f")
    with pytest.raises(DeliveryFailed, match="facts"):
        out.delivered(out.ticket())
    assert not out.refusing()


def test_a_fatal_producer_error_is_not_retried() -> None:
    lib = Librdkafka(fail_next=None)
    out = OutputProducer(lib, retry_topics={"alerts"})
    lib.fail_next = KafkaError(KafkaError._FENCED, fatal=True)  # type: ignore[assignment]
    out.send("alerts", b"a")
    with pytest.raises(DeliveryFailed):
        out.delivered(out.ticket())


def test_outputs_in_flight_without_an_answer_make_the_broker_unreachable() -> None:
    lib, clock = Librdkafka(auto=False), Clock()
    out = OutputProducer(lib, clock=clock)
    assert out.unreachable(clock.now, 10.0) is None
    out.send("facts", b"f")
    clock.now += 9.0
    out.poll()
    assert out.unreachable(clock.now, 10.0) is None and out.unanswered(clock.now) == 9.0
    clock.now += 2.0
    assert "has not answered for 11 s" in (out.unreachable(clock.now, 10.0) or "")
    lib.deliver()
    out.poll()
    assert out.unreachable(clock.now, 10.0) is None and out.unanswered(clock.now) == 0.0


def test_losing_every_broker_counts_while_outputs_are_in_flight() -> None:
    lib, errors = Librdkafka(auto=False), []
    out = OutputProducer(lib, broker_errors=errors)
    errors.append(KafkaError(KafkaError._ALL_BROKERS_DOWN, "1/1 brokers are down"))
    out.poll()
    assert out.unreachable(0.0, 10.0) is None  # nothing in flight: nothing waits for it
    out.send("facts", b"f")
    assert "brokers are down" in (out.unreachable(0.0, 1e9) or "")
    lib.deliver()
    out.poll()
    assert out.broker_down is None
