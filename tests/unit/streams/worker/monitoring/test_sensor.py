"""HealthMonitor on a real Faust app: Faust's own rebalance, commit and send hooks
(``App.on_rebalance_*``, ``SensorDelegate``) drive the Prometheus metrics."""

from __future__ import annotations

from collections.abc import Iterable

import faust
from faust.types import TP

from streams.worker.monitoring.metrics import Metrics
from streams.worker.monitoring.sensor import HealthMonitor, assigned_partitions


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _value(metrics: Metrics, name: str, **labels: str) -> float:
    value = metrics.registry.get_sample_value(name, labels)
    assert value is not None, (name, labels)
    return value


def _app(metrics: Metrics, clock: _Clock,
         assignment: tuple[Iterable[TP], Iterable[TP]]) -> tuple[faust.App, HealthMonitor]:
    monitor = HealthMonitor(metrics, clock=clock, assignment=lambda app: assignment)
    app = faust.App("sensor-test", broker="kafka://127.0.0.1:1", monitor=monitor)
    app.sensors.add(app.monitor)  # what the app does when it starts (on_init_dependencies)
    return app, monitor


def test_the_app_uses_it_as_its_monitor() -> None:
    metrics = Metrics()
    app, monitor = _app(metrics, _Clock(), ((), ()))
    assert app.monitor is monitor and monitor in set(app.sensors)


def test_a_rebalance_is_counted_timed_and_records_the_assignment() -> None:
    metrics, clock = Metrics(), _Clock()
    active = [TP("listings", 0), TP("listings", 3), TP("orders", 0)]
    standby = [TP("bg-sellers-changelog", 1)]
    app, _ = _app(metrics, clock, (active, standby))
    app.on_rebalance_start()
    assert _value(metrics, "brandguard_rebalance_in_progress") == 1
    clock.now += 2.5
    app.on_rebalance_return()
    clock.now += 10.0
    app.on_rebalance_end()
    assert _value(metrics, "brandguard_rebalances_total") == 1
    assert _value(metrics, "brandguard_rebalance_in_progress") == 0
    assert _value(metrics, "brandguard_last_rebalance_seconds", phase="assigned") == 2.5
    assert _value(metrics, "brandguard_last_rebalance_seconds", phase="recovered") == 12.5
    assert _value(metrics, "brandguard_assigned_partitions", topic="listings",
                  kind="active") == 2
    assert _value(metrics, "brandguard_assigned_partitions", topic="orders", kind="active") == 1
    assert _value(metrics, "brandguard_assigned_partitions", topic="bg-sellers-changelog",
                  kind="standby") == 1
    # Faust's own Monitor, which this one extends, still counts too
    assert len(app.monitor.rebalance_end_latency) == 1


def test_a_partition_taken_away_is_no_longer_reported() -> None:
    metrics, clock = Metrics(), _Clock()
    assignment: list[TP] = [TP("listings", 0), TP("orders", 1)]
    monitor = HealthMonitor(metrics, clock=clock, assignment=lambda app: (assignment, ()))
    app = faust.App("sensor-test-2", broker="kafka://127.0.0.1:1", monitor=monitor)
    app.sensors.add(monitor)
    for current in ([TP("listings", 0), TP("orders", 1)], [TP("listings", 0)]):
        assignment[:] = current
        app.on_rebalance_start()
        app.on_rebalance_return()
        app.on_rebalance_end()
    assert metrics.registry.get_sample_value(
        "brandguard_assigned_partitions", {"topic": "orders", "kind": "active"}) is None
    assert _value(metrics, "brandguard_rebalances_total") == 2


def test_commit_latency_and_send_errors_go_through_the_sensor_delegate() -> None:
    metrics, clock = Metrics(), _Clock()
    app, _ = _app(metrics, clock, ((), ()))
    state = app.sensors.on_commit_initiated(app.consumer)
    clock.now += 0.3
    app.sensors.on_commit_completed(app.consumer, state)
    assert _value(metrics, "brandguard_commit_seconds_count") == 1
    assert _value(metrics, "brandguard_commit_seconds_bucket", le="0.25") == 0
    assert _value(metrics, "brandguard_commit_seconds_bucket", le="0.5") == 1
    assert _value(metrics, "brandguard_producer_send_errors_total", producer="faust") == 0
    # the delegate hands each sensor the state its on_send_initiated returned
    app.sensors.on_send_error(app.producer, RuntimeError("broker gone"), {app.monitor: None})
    assert _value(metrics, "brandguard_producer_send_errors_total", producer="faust") == 1
    assert _value(metrics, "brandguard_producer_send_errors_total", producer="outputs") == 0


def test_the_default_assignment_reads_faust_s_assignor() -> None:
    app = faust.App("sensor-test-3", broker="kafka://127.0.0.1:1")
    active, standby = assigned_partitions(app)
    assert set(active) == set() and set(standby) == set()


def test_build_info_names_the_running_build() -> None:
    from streams.worker.monitoring.build_info import running_build

    metrics = Metrics()
    samples = [s for s in metrics.registry.collect() if s.name == "brandguard_build_info"]
    (sample,) = samples[0].samples
    assert sample.value == 1
    assert sample.labels["build"] == running_build().kind
    assert sample.labels["version"] and sample.labels["python"]


def test_a_full_stream_buffer_is_counted_by_topic() -> None:
    metrics = Metrics()
    app, monitor = _app(metrics, _Clock(), ((), ()))
    for tp in (TP("listings", 0), TP("listings", 3), TP("orders", 1)):
        app.sensors.on_topic_buffer_full(tp)
    assert _value(metrics, "brandguard_stream_buffer_full_total", topic="listings") == 2
    assert _value(metrics, "brandguard_stream_buffer_full_total", topic="orders") == 1
    assert monitor.topic_buffer_full[TP("listings", 0)] == 1  # Faust's own count still kept


def test_a_record_in_is_counted_and_nothing_is_kept_for_its_way_out() -> None:
    """The worker acks records itself, so Faust's "out" hooks never run: a record in
    must count, and leave no timing state that would wait for them."""
    metrics = Metrics()
    app, monitor = _app(metrics, _Clock(), ((), ()))
    tp = TP("listings", 0)

    class _Message:
        time_in = None

    class _Stream:
        task_owner = None

    message, stream = _Message(), _Stream()
    for offset in range(3):
        app.sensors.on_message_in(tp, offset, message)  # type: ignore[arg-type]
        state = app.sensors.on_stream_event_in(tp, offset, stream, None)  # type: ignore[arg-type]
        assert state == {monitor: None}
    assert monitor.messages_received_total == 3 and monitor.events_total == 3
    assert monitor.messages_active == 0 and monitor.events_active == 0
    assert message.time_in is None and not monitor.stream_inbound_time
