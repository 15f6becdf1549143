"""The seller runner: decode, merge, gate, process, and the network agent's records."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import cast

import orjson

from signals.contract.decode import decode
from signals.contract.events import BrandEvent
from signals.processors import SellerState
from signals.processors.messages import EpochMark, NetworkFact, fact_to_dict
from streams.worker.checkpointing.flush_timing import FlushTiming
from streams.worker.checkpointing.state_cache import StateCache
from streams.worker.global_views import GlobalViews
from streams.worker.monitoring.metrics import Metrics
from streams.worker.runners.base import RawEvent
from streams.worker.runners.emitter import Emitter
from streams.worker.runners.epoch_marks import SellerEpochs
from streams.worker.runners.seller import Held, SellerRunner
from streams.worker.settings import load_settings
from tests.unit.streams.worker.fakes import Event, Librdkafka, Message, emitter, events

SCHEMAS = {"orders": "order.v1", "listings": "listing.v1", "reports": "report.v1"}
NETWORK = "facts-network"


def _order(n: int, seller: str = "s1", status: str = "placed") -> bytes:
    return orjson.dumps({"schema": "order.v1", "event_id": f"o-{seller}-{n}",
                         "event_time": f"2026-11-27T14:{n:02d}:00Z", "order_id": f"o{n}",
                         "listing_id": "l1", "seller_id": seller, "buyer_id": "b1",
                         "status": status, "unit_price": 12.5, "currency": "USD",
                         "quantity": 1})


def _report(n: int, seller: str = "s1") -> bytes:
    return orjson.dumps({"schema": "report.v1", "event_id": f"r-{seller}-{n}",
                         "event_time": f"2026-11-27T14:{n:02d}:00Z", "report_id": f"r{n}",
                         "listing_id": "l1", "seller_id": seller, "reporter": "buyer",
                         "reason": "counterfeit", "status": "filed"})


def _runner(lib: Librdkafka) -> tuple[SellerRunner, dict[str, bytes], Emitter]:
    table: dict[str, bytes] = {}
    emit = emitter(lib, partitions={"image": 1})
    metrics = Metrics()
    epochs: SellerEpochs[Held] = SellerEpochs(3600.0, 1, lambda p, m: emit.mark("image", p, m),
                                              metrics)
    cache = StateCache(table, SellerState.create, SellerState.from_dict)
    views = GlobalViews(load_settings({}))
    # every input topic of the partition has shown its end: the merger need not wait
    runner = SellerRunner(cache, views, SCHEMAS, NETWORK, emit, metrics, epochs,
                          caught_up=lambda topic, partition: True, idle_after=0.0)
    runner.timing = FlushTiming(interval=0.0)
    return runner, table, emit


def _open_gate(log: list[Message], offset: int = 0, until: int = 10**9) -> list:
    mark = orjson.dumps([fact_to_dict(EpochMark(source=0, until=until))])
    return events(log, NETWORK, 0, [mark], first=offset)


def test_a_bad_record_is_dead_lettered_with_its_bytes_and_acked() -> None:
    log: list[Message] = []
    lib = Librdkafka()
    runner, _, _ = _runner(lib)
    runner.on_batch(events(log, "orders", 0, [b"{not json"]))
    dead = [orjson.loads(v or b"") for topic, v, _, _ in lib.sent if topic == "deadletter"]
    assert [d["error_code"] for d in dead] == ["invalid_json"]
    assert [m.offset for m in log] == [0]


def test_events_wait_at_the_gate_until_the_image_partitions_news_arrives() -> None:
    log: list[Message] = []
    lib = Librdkafka()
    runner, table, _ = _runner(lib)
    runner.on_batch(events(log, "orders", 0, [_order(1), _order(2)]))
    runner.tick()  # the merger lets them go (idle), the gate holds them
    assert runner.held() == 2 and table == {} and log == []
    runner.on_batch(_open_gate(log))
    runner.tick()
    assert runner.held() == 0
    assert sorted((m.topic, m.offset) for m in log) == [
        ("facts-network", 0), ("orders", 0), ("orders", 1)]
    state = SellerState.from_dict(orjson.loads(table["s1"]))
    assert state.aggregates.to_dict() == runner.cache.get("s1", 0).aggregates.to_dict()


def test_a_redelivered_event_counts_as_a_duplicate() -> None:
    log: list[Message] = []
    runner, _, _ = _runner(Librdkafka())
    runner.on_batch(_open_gate(log))
    runner.on_batch(events(log, "orders", 0, [_order(1), _order(1)]))
    runner.tick()
    metric = runner.metrics.registry.get_sample_value
    assert metric("brandguard_events_total", {"topic": "orders", "outcome": "processed"}) == 1
    assert metric("brandguard_events_total", {"topic": "orders", "outcome": "duplicate"}) == 1
    assert metric("brandguard_dedup_hits_total", {"topic": "orders"}) == 1


def test_network_facts_change_the_sellers_state_and_marks_alone_are_not_counted() -> None:
    log: list[Message] = []
    runner, table, _ = _runner(Librdkafka())
    runner.on_batch(_open_gate(log))
    fact = NetworkFact(fact_id="n1", seller_id="s9", ts=1_000.0, phash="0123456789abcdef",
                       members=(("s8", 900.0, 950.0),), stock_since=None)
    runner.on_batch(events(log, NETWORK, 0, [orjson.dumps([fact_to_dict(fact)])], first=1))
    runner.tick()
    assert "s9" in table
    metric = runner.metrics.registry.get_sample_value
    assert metric("brandguard_events_total", {"topic": NETWORK, "outcome": "processed"}) == 1


def test_nothing_is_acked_before_its_outputs_are_delivered() -> None:
    log: list[Message] = []
    lib = Librdkafka(auto=False)
    runner, table, _ = _runner(lib)
    runner.on_batch(_open_gate(log))
    runner.on_batch(events(log, "orders", 0, [_order(1)]))
    runner.tick()
    assert log == [] and table == {}  # the mark it sent to the image partition is in flight
    lib.deliver()
    runner.tick()
    assert len(log) == 2 and "s1" in table


PARENT = b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
BRAND = {"schema": "brand.v1", "event_id": "b-1", "event_time": "2026-11-27T10:00:00Z",
         "brand_id": "br1", "name": "Lumora", "authorized_sellers": ["s-ok"],
         "reference_price": 400.0, "currency": "USD"}
#: a listing replay alerts on: counterfeit words, 90 % under the reference, unauthorized
LISTING = {"schema": "listing.v1", "event_id": "e-1", "event_time": "2026-11-27T14:00:00Z",
           "action": "created", "listing_id": "l1", "seller_id": "s1", "brand_id": "br1",
           "title": "Lumora replica handbag 1:1 mirror quality", "price": 39.0,
           "currency": "USD", "quantity": 50, "seller_since": "2026-11-26T00:00:00Z"}


def _with_headers(event: RawEvent, headers: tuple[tuple[str, bytes | None], ...],
                  timestamp: float | None = None) -> RawEvent:
    fake = cast(Event, event)
    return cast(RawEvent, Event(replace(fake.message, headers=headers, timestamp=timestamp),
                                fake.log))


def test_an_alert_carries_the_trace_context_of_the_record_that_raised_it() -> None:
    log: list[Message] = []
    lib = Librdkafka()
    runner, _, _ = _runner(lib)
    brand = decode(orjson.dumps(BRAND), expected_schema="brand.v1")
    assert isinstance(brand, BrandEvent)
    runner.views.registry.upsert(brand)
    runner.on_batch(_open_gate(log))
    listing = events(log, "listings", 0, [orjson.dumps(LISTING)])[0]
    runner.on_batch([_with_headers(listing, (("traceparent", PARENT),
                                             ("tracestate", b"v=1")))])
    runner.tick()
    alerts = [headers for (topic, *_), (headers, _) in zip(lib.sent, lib.meta, strict=True)
              if topic == "alerts"]
    assert alerts, "the listing must raise an alert for this test to mean anything"
    for headers in alerts:
        got = dict(headers or [])
        assert got["traceparent"] == PARENT and got["tracestate"] == b"v=1"
        assert got["ce_type"] == b"com.brandguard.alert.listing"


def test_a_dead_letter_keeps_the_records_headers_and_timestamp() -> None:
    log: list[Message] = []
    lib = Librdkafka()
    runner, _, _ = _runner(lib)
    bad = events(log, "orders", 2, [b"{not json"], first=7)[0]
    runner.on_batch([_with_headers(bad, (("traceparent", PARENT),), 1795788191.25)])
    [(headers, timestamp)] = [m for (topic, *_), m in zip(lib.sent, lib.meta, strict=True)
                              if topic == "deadletter"]
    assert timestamp == 1795788191250
    assert headers is not None and headers[0] == ("traceparent", PARENT)
    assert dict(headers)["brandguard.source.offset"] == b"7"
    assert dict(headers)["brandguard.source.partition"] == b"2"


def test_a_record_older_than_one_already_merged_is_counted_late() -> None:
    # idle_after=0: the merger waits for nobody, so the 14:03 order comes after the
    # 14:05 one has gone on; an operator must see that live left event-time order
    log: list[Message] = []
    runner, _, _ = _runner(Librdkafka())
    late = "brandguard_merge_late_total"
    runner.on_batch(events(log, "orders", 0, [_order(5)]))
    runner.tick()  # the merger lets it go
    assert runner.metrics.registry.get_sample_value(late) == 0.0
    runner.on_batch(events(log, "orders", 0, [_order(3)], first=1))
    assert runner.metrics.registry.get_sample_value(late) == 1.0


def test_a_batch_is_in_the_merger_whole_before_any_of_it_goes_on() -> None:
    # Faust hands over a batch per topic-partition chunk: a 14:20 order, then a
    # 14:05 report of the same partition. Reports have been silent longer than
    # idle_after, but the report was handed over with the order, so it goes first.
    log: list[Message] = []
    runner, _, _ = _runner(Librdkafka())
    runner.idle_after = 0.05
    runner.on_batch(_open_gate(log))
    runner.on_batch(events(log, "orders", 0, [_order(1)], first=0))  # starts the merger
    time.sleep(0.1)  # every other input silent for longer than idle_after
    batch = [*events(log, "orders", 0, [_order(20)], first=1),
             *events(log, "reports", 0, [_report(5)])]
    done = runner.handle_batch(batch)
    # the 14:01 order, then the report; the 14:20 order waits for reports to be silent
    assert [(e.message.topic, e.message.offset) for e in done] == [("orders", 0), ("reports", 0)]
    assert runner.metrics.registry.get_sample_value("brandguard_merge_late_total") == 0.0
