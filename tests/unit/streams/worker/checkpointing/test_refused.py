"""Outputs a topic refused: parked in produce order, probed one at a time with backoff."""

from __future__ import annotations

from streams.worker.checkpointing.refused import Backoff, Outage, Record


def test_backoff_doubles_up_to_its_longest_wait() -> None:
    backoff = Backoff(0.5, 3.0)
    assert [backoff.next() for _ in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_parked_records_come_back_in_produce_order_whatever_order_they_failed_in() -> None:
    outage = Outage("alerts", started=0.0, backoff=Backoff(1.0, 4.0))
    for number in (9, 3, 6):
        outage.park(Record(number, "alerts", str(number).encode()))
    outage.refused(0.0, "unknown topic")
    assert outage.probe().number == 3  # the oldest goes out alone
    assert outage.release() == [Record(6, "alerts", b"6"), Record(9, "alerts", b"9")]
    assert outage.parked() == 0


def test_no_second_probe_while_one_is_in_flight_and_each_refusal_waits_longer() -> None:
    outage = Outage("deadletter", started=10.0, backoff=Backoff(1.0, 4.0))
    outage.park(Record(1, "deadletter", b"x"))
    outage.refused(10.0, "denied")
    assert not outage.due(10.9) and outage.due(11.0)
    probe = outage.probe()
    assert not outage.due(100.0)  # the probe's answer is not in yet
    outage.probe_refused(probe, 11.5, "still denied")
    assert outage.next_at == 13.5 and outage.attempts == 1 and outage.last_error == "still denied"
    assert outage.due(13.5) and outage.probe() is probe
