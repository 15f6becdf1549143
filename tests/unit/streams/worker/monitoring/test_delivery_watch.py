"""What the worker says while its outputs do not reach the broker."""

from __future__ import annotations

from confluent_kafka import KafkaError

from streams.worker.checkpointing.delivery import OutputProducer
from streams.worker.monitoring.delivery_watch import DeliveryWatch
from streams.worker.monitoring.metrics import Metrics
from tests.unit.streams.worker.fakes import Librdkafka


def _value(metrics: Metrics, name: str, **labels: str) -> float:
    found = metrics.registry.get_sample_value(name, labels)
    assert found is not None, name
    return found


def test_an_unanswered_broker_is_one_episode_and_a_reason_until_it_answers() -> None:
    lib, metrics, now = Librdkafka(auto=False), Metrics(), [0.0]
    out = OutputProducer(lib, clock=lambda: now[0])
    watch = DeliveryWatch(out, metrics, broker_timeout=10.0, output_topics=["alerts"])
    out.send("facts", b"f")
    for now[0] in (5.0, 12.0, 20.0):
        watch.update(now[0])
    assert "has not answered for 20 s" in (watch.reason() or "")
    assert _value(metrics, "brandguard_broker_unreachable") == 1
    assert _value(metrics, "brandguard_output_unanswered_seconds") == 20.0
    lib.deliver()
    watch.update(21.0)
    assert watch.reason() is None
    assert _value(metrics, "brandguard_broker_unreachable") == 0
    assert _value(metrics, "brandguard_broker_unreachable_episodes_total") == 1


def test_a_refusing_topic_is_counted_held_and_a_reason() -> None:
    class Refusing(Librdkafka):
        def deliver(self) -> int:
            done, self._waiting = self._waiting, []
            for callback in done:
                callback(KafkaError(KafkaError.TOPIC_AUTHORIZATION_FAILED), None)
            return len(done)

    lib, metrics = Refusing(), Metrics()
    out = OutputProducer(lib, retry_topics={"alerts"}, clock=lambda: 0.0)
    watch = DeliveryWatch(out, metrics, broker_timeout=10.0, output_topics=["alerts"])
    assert _value(metrics, "brandguard_outputs_held", topic="alerts") == 0
    out.send("alerts", b"a")
    out.send("alerts", b"b")
    watch.update(0.0)
    assert _value(metrics, "brandguard_outputs_held", topic="alerts") == 2
    assert _value(metrics, "brandguard_output_outages_total", topic="alerts") == 1
    assert _value(metrics, "brandguard_output_refusals_total", topic="alerts") == 2
    assert "output topic alerts refuses records" in (watch.reason() or "")
    assert "2 held" in (watch.reason() or "")
