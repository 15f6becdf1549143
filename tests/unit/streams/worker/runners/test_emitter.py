"""The emitter: contract records one by one, internal facts packed per partition."""

from __future__ import annotations

import orjson
from aiokafka.partitioner import DefaultPartitioner

from signals.contract.alert import Alert, Reason, encode_alert
from signals.contract.headers import alert_headers
from signals.errors import InvalidJson
from signals.processors.messages import EpochMark, ImageFact, fact_from_dict
from streams.worker.runners.base import load_facts
from streams.worker.runners.emitter import kafka_partition
from tests.unit.streams.worker.fakes import Librdkafka, emitter

PARENT = b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def _image(n: int, phash: str = "0123456789abcdef") -> ImageFact:
    return ImageFact(fact_id=f"f{n}", phash=phash, ts=float(n), seller_id=f"s{n}", flagged=False)


def test_kafka_partition_is_the_default_partitioner() -> None:
    for key in (b"", b"seller-1", b"brand-xyz", "ünïcode".encode()):
        for count in (1, 2, 8, 12):
            expected = DefaultPartitioner()(key, list(range(count)), list(range(count)))
            assert kafka_partition(key, count) == expected


def test_facts_wait_for_a_flush_and_go_out_as_one_record_per_partition() -> None:
    lib = Librdkafka()
    emit = emitter(lib, partitions={"image": 4})
    facts = [_image(n, phash=f"{n:016x}") for n in range(20)]
    for fact in facts:
        emit.fact(fact)
    assert lib.sent == [] and emit.pending() == 20
    emit.flush()
    assert emit.pending() == 0
    partitions = [p for _, _, _, p in lib.sent]
    assert len(partitions) == len(set(partitions)) <= 4
    received = [f for _, value, _, _ in lib.sent for f in load_facts(value)]
    assert sorted(f.fact_id for f in received) == sorted(f.fact_id for f in facts)
    for topic, value, _, partition in lib.sent:
        assert topic == "facts-image"
        for fact in load_facts(value):
            assert isinstance(fact, ImageFact)
            assert kafka_partition(fact.phash.encode(), 4) == partition


def test_a_mark_follows_the_facts_before_it_and_goes_out_at_once() -> None:
    lib = Librdkafka()
    emit = emitter(lib, partitions={"image": 1})
    emit.fact(_image(1))
    emit.mark("image", 0, EpochMark(source=3, until=7))
    assert len(lib.sent) == 1
    kinds = [item["kind"] for item in orjson.loads(lib.sent[0][1] or b"")]
    assert kinds == ["image", "epoch_mark"]


def test_a_full_batch_goes_out_without_waiting_for_a_flush() -> None:
    lib = Librdkafka()
    emit = emitter(lib, partitions={"image": 1}, batch_size=3)
    for n in range(7):
        emit.fact(_image(n))
    assert [len(load_facts(v)) for _, v, _, _ in lib.sent] == [3, 3]
    emit.flush()
    assert [len(load_facts(v)) for _, v, _, _ in lib.sent] == [3, 3, 1]


def test_old_single_fact_records_still_load() -> None:
    raw = orjson.dumps({"kind": "image", "fact_id": "f", "phash": "0123456789abcdef",
                        "ts": 1.0, "seller_id": "s", "flagged": True})
    assert load_facts(raw) == [fact_from_dict(orjson.loads(raw))]


def test_every_output_is_covered_by_the_ticket() -> None:
    lib = Librdkafka(auto=False)
    emit = emitter(lib)
    emit.publish("brand_views", "b1", {"brand_id": "b1"})
    ticket = emit.ticket()
    assert not emit.out.delivered(ticket)
    lib.deliver()
    assert emit.out.delivered(ticket)
    assert lib.sent[0][:3] == ("brand-views", b'{"brand_id":"b1"}', b"b1")


def test_a_view_published_latest_goes_out_once_at_the_flush_newest_value_only() -> None:
    lib = Librdkafka()
    emit = emitter(lib)
    for price in (10, 11, 12):
        emit.publish_latest("brand_views", "b1", {"brand_id": "b1", "price": price})
    emit.publish_latest("brand_views", "b2", {"brand_id": "b2"})
    assert lib.sent == [] and emit.pending() == 2
    emit.flush()
    assert [(k, orjson.loads(v)) for _, v, k, _ in lib.sent] == [
        (b"b1", {"brand_id": "b1", "price": 12}), (b"b2", {"brand_id": "b2"})]
    emit.flush()
    assert len(lib.sent) == 2 and emit.pending() == 0


def _alert() -> Alert:
    return Alert(alert_id="al_1", entity_type="listing", entity_id="l-1", listing_id="l-1",
                 seller_id="s-1", brand_id=None, score=0.9, severity="high",
                 reasons=(Reason("NEW_SELLER_ACCOUNT", "New."),), model_version="m1",
                 trigger_event_id="e1", trigger_event_time="2026-11-27T14:03:11.250Z",
                 created_at="2026-11-27T14:03:12.000Z")


def test_an_alert_carries_cloudevents_headers_and_its_triggers_trace() -> None:
    lib = Librdkafka()
    emit = emitter(lib, ce_source="brandguard/eu")
    emit.alert(_alert(), (("traceparent", PARENT), ("unrelated", b"x")))
    headers, timestamp = lib.meta[0]
    assert headers == [*alert_headers(_alert(), "brandguard/eu"), ("traceparent", PARENT)]
    assert timestamp == 0 and lib.sent[0][:3] == ("alerts", encode_alert(_alert()), b"l-1")


def test_an_alert_without_a_trigger_trace_has_only_the_cloudevents_headers() -> None:
    lib = Librdkafka()
    emitter(lib).alert(_alert())
    headers = dict(lib.meta[0][0] or [])
    assert "traceparent" not in headers and headers["ce_source"] == b"brandguard/brandguard"


def test_a_dead_letter_keeps_the_key_bytes_headers_and_timestamp_of_the_original() -> None:
    lib = Librdkafka()
    original = (("traceparent", PARENT), ("producer", b"app-7"))
    emitter(lib).dead("orders", 3, 41, b"s\xff1", b"{", InvalidJson(None, "truncated"),
                      original, 1795788191.25)
    topic, value, key, _ = lib.sent[0]
    headers, timestamp = lib.meta[0]
    dead = orjson.loads(value or b"")
    assert (topic, key, timestamp) == ("deadletter", b"s\xff1", 1795788191250)
    assert headers is not None and headers[:2] == list(original)
    assert dict(headers[2:]) == {
        "brandguard.error.code": b"invalid_json", "brandguard.error.message": b"truncated",
        "brandguard.source.topic": b"orders", "brandguard.source.partition": b"3",
        "brandguard.source.offset": b"41"}
    assert dead["error"] == "truncated" and dead["offset"] == 41


def test_internal_records_go_out_without_headers() -> None:
    lib = Librdkafka()
    emit = emitter(lib, partitions={"image": 1})
    emit.fact(_image(1))
    emit.flush()
    emit.publish("brand_views", "b1", {"brand_id": "b1"})
    assert lib.meta == [(None, 0), (None, 0)]
