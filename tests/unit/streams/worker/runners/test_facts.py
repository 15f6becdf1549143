"""The brand, image and registry runners on packed internal records."""

from __future__ import annotations

from dataclasses import replace
from typing import cast

import orjson

from signals.processors import BrandState, ImageState
from signals.processors.messages import BrandListingFact, EpochMark, ImageFact, fact_to_dict
from streams.worker.checkpointing.flush_timing import FlushTiming
from streams.worker.checkpointing.state_cache import StateCache
from streams.worker.monitoring.metrics import Metrics
from streams.worker.runners.base import RawEvent, load_facts
from streams.worker.runners.epoch_marks import ImageEpochs
from streams.worker.runners.facts import BrandRunner, ImageRunner, RegistryRunner
from tests.unit.streams.worker.fakes import Event, Librdkafka, Message, emitter, events


def _listing(n: int, brand: str = "b1") -> BrandListingFact:
    return BrandListingFact(fact_id=f"f{n}", brand_id=brand, ts=1_000.0 + n, event_id=f"e{n}",
                            event_time="2026-11-27T14:00:00Z", seller_id=f"s{n}",
                            listing_id=f"l{n}", price=100.0, currency="USD", authorized=None,
                            risky=False, score=0.1)


def _pack(*facts: object) -> bytes:
    return orjson.dumps([fact_to_dict(f) for f in facts])  # type: ignore[arg-type]


def test_every_fact_of_a_packed_record_reaches_the_brand_state() -> None:
    log: list[Message] = []
    table: dict[str, bytes] = {}
    runner = BrandRunner(StateCache(table, BrandState.create, BrandState.from_dict),
                         emitter(Librdkafka()), Metrics())
    runner.timing = FlushTiming(interval=0.0)
    runner.on_batch(events(log, "facts-brand", 0, [_pack(*(_listing(n) for n in range(5)))]))
    runner.tick()
    assert len(log) == 1 and "b1" in table
    assert runner.cache.get("b1", 0).dedup.first_time("f0", 1_000.0) is False


def test_one_bad_fact_dead_letters_its_record_once_and_the_rest_still_apply() -> None:
    log: list[Message] = []
    lib = Librdkafka()
    runner = BrandRunner(StateCache({}, BrandState.create, BrandState.from_dict),
                         emitter(lib), Metrics())
    mark = EpochMark(source=0, until=1)  # no business on the brand topic
    raw = _pack(_listing(1), mark, _listing(2))
    runner.on_batch(events(log, "facts-brand", 0, [raw]))
    dead = [orjson.loads(v or b"") for topic, v, _, _ in lib.sent if topic == "deadletter"]
    assert len(dead) == 1 and dead[0]["error"].startswith("fact 1 of 3")
    state = runner.cache.get("b1", 0)
    assert state.dedup.first_time("f2", 1_002.0) is False


def test_a_record_that_is_not_json_is_dead_lettered_whole() -> None:
    log: list[Message] = []
    lib = Librdkafka()
    runner = BrandRunner(StateCache({}, BrandState.create, BrandState.from_dict),
                         emitter(lib), Metrics())
    runner.on_batch(events(log, "facts-brand", 0, [b"\x00garbage"]))
    dead = [orjson.loads(v or b"") for topic, v, _, _ in lib.sent if topic == "deadletter"]
    assert [d["error_code"] for d in dead] == ["processing_error"]


def test_the_image_runner_forwards_the_low_watermark_after_its_network_facts() -> None:
    log: list[Message] = []
    lib = Librdkafka()
    emit = emitter(lib, partitions={"network": 2})
    epochs = ImageEpochs(2, lambda partition, mark: emit.mark("network", partition, mark))
    runner = ImageRunner(StateCache({}, ImageState.create, ImageState.from_dict), emit,
                         Metrics(), epochs)
    phash = "0123456789abcdef"
    facts = [ImageFact(fact_id="i1", phash=phash, ts=10.0, seller_id="s1", flagged=True),
             ImageFact(fact_id="i2", phash=phash, ts=20.0, seller_id="s2", flagged=False),
             EpochMark(source=0, until=5), EpochMark(source=1, until=4)]
    runner.on_batch(events(log, "facts-image", 0, [_pack(*facts)]))
    network = [load_facts(v) for topic, v, _, _ in lib.sent if topic == "facts-network"]
    forwarded = [f for batch in network for f in batch if isinstance(f, EpochMark)
                 and not f.ask]
    assert sorted(f.until for f in forwarded) == [4, 4]  # one per seller partition
    for batch in network:  # news first, then the mark that covers it
        kinds = [f.kind for f in batch]
        assert kinds == sorted(kinds, key=lambda k: k == "epoch_mark")


def test_the_registry_runner_dead_letters_bad_brand_records() -> None:
    log: list[Message] = []
    lib = Librdkafka()
    runner = RegistryRunner(emitter(lib), Metrics())
    runner.on_batch(events(log, "marketplace.brands", 0, [b'{"schema":"brand.v1"}']))
    dead = [orjson.loads(v or b"") for topic, v, _, _ in lib.sent if topic == "deadletter"]
    assert [d["error_code"] for d in dead] == ["schema_violation"]


#: inputs with a trace context: the surge's first alert is raised by one, the next is not
TRACED = frozenset(range(0, 40, 2)) | {5}


def _parent(n: int) -> bytes:
    return f"00-4bf92f3577b34da6a3ce929d0e0e4736-{n + 1:016x}-01".encode()


def test_a_brand_alert_carries_the_trace_of_the_input_behind_its_triggering_fact() -> None:
    # the seller side packs brand facts with their inputs' trace contexts ...
    packer = Librdkafka()
    emit = emitter(packer, partitions={"brand_listing": 1})
    for n in range(40):
        fact = replace(_listing(n), risky=True, authorized=False)
        emit.fact(fact, (("traceparent", _parent(n)),) if n in TRACED else None)
    emit.flush()
    [(topic, value, _, _)] = packer.sent
    [(headers, _)] = packer.meta
    # ... and the brand side gives each alert the context of the fact that raised it
    lib = Librdkafka()
    runner = BrandRunner(StateCache({}, BrandState.create, BrandState.from_dict),
                         emitter(lib), Metrics())
    record = replace(events([], topic, 0, [value or b""])[0].message,
                     headers=tuple(headers or ()))
    runner.on_batch([cast(RawEvent, Event(record, []))])
    alerts = [(orjson.loads(v or b""), dict(h or [])) for (t, v, _, _), (h, _)
              in zip(lib.sent, lib.meta, strict=True) if t == "alerts"]
    assert alerts, "the surge must raise a brand alert for this test to mean anything"
    for alert, got in alerts:
        n = int(alert["trigger_event_id"][1:])
        assert got.get("traceparent") == (_parent(n) if n in TRACED else None)
        assert got["ce_type"] == b"com.brandguard.alert.brand"
    assert {"traceparent" in got for _, got in alerts} == {True, False}, "cover both"


def test_only_brand_facts_carry_trace_contexts() -> None:
    lib = Librdkafka()
    emit = emitter(lib, partitions={"image": 1})
    emit.fact(ImageFact(fact_id="i1", phash="0123456789abcdef", ts=1.0, seller_id="s1",
                        flagged=True), (("traceparent", _parent(1)),))
    emit.flush()
    assert lib.meta == [(None, 0)]
