"""The Faust application as built: which agent reads which topic, the tables, and that
every topic it reads or writes a changelog to is one the topic creation declares.
Building it connects to nothing (the cluster here does not exist)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from streams.worker.admin import topic_specs
from streams.worker.app import Brandguard, create_app
from streams.worker.settings import Settings, load_settings
from streams.worker.topics import internal_topics


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return dataclasses.replace(
        load_settings({"BRANDGUARD_PARTITIONS": "4", "BRANDGUARD_IMAGE_PARTITIONS": "2"}),
        bootstrap="127.0.0.1:1", data_dir=Path(tmp_path_factory.mktemp("worker")))


@pytest.fixture(scope="module")
def bg(settings: Settings) -> Brandguard:
    return create_app(settings)


def _agent_topics(bg: Brandguard) -> dict[str, tuple[str, ...]]:
    return {name.split(".", 1)[1]: tuple(agent.channel.topics)  # type: ignore[attr-defined]
            for name, agent in bg.app.agents.items()}


def test_each_agent_reads_its_processor_s_topics(bg: Brandguard, settings: Settings) -> None:
    t, i = settings.topics, internal_topics(settings)
    assert _agent_topics(bg) == {
        "seller": (t.listings, t.orders, t.reports), "seller_network": (i.network_facts,),
        "brand": (i.brand_facts,), "image": (i.image_facts,), "learner": (i.examples,),
        "registry": (t.brands,)}
    assert bg.app.conf.id == settings.app_id


def test_every_topic_read_or_changelogged_is_declared_with_its_partitions(
        bg: Brandguard, settings: Settings) -> None:
    declared = {spec.topic: spec.num_partitions for spec in topic_specs(settings)}
    read = {topic for topics in _agent_topics(bg).values() for topic in topics}
    assert read <= set(declared)
    for name, table in bg.app.tables.items():
        changelog = table.changelog_topic.get_topic_name()
        assert changelog in declared, name
        partitions = table.partitions or settings.partitions
        assert declared[changelog] == partitions, name
    assert sorted(bg.app.tables) == ["brands", "images", "learner", "sellers"]


def test_records_reach_the_decoder_untouched_and_commits_are_timed(bg: Brandguard) -> None:
    conf = bg.app.conf
    assert conf.value_serializer == "raw" and conf.key_serializer == "raw"
    assert conf.broker_commit_interval == 2.0 and conf.producer_acks == -1
    assert not conf.stream_wait_empty


def test_faust_queues_and_hands_over_records_as_the_settings_say(bg: Brandguard) -> None:
    # Faust's 4,096-record queue overflowed in a catch-up, and so did its unbounded
    # hand-over (everything the consumer holds) into the deeper one
    conf = bg.app.conf
    assert conf.stream_buffer_maxsize == bg.settings.stream_buffer == 65_536
    assert conf.broker_max_poll_records == bg.settings.max_poll_records == 1000
    # a bounded poll drains partitions one by one: small shares keep the topics
    # interleaved for the event-time mergers
    assert conf.consumer_max_fetch_size == bg.settings.partition_fetch_bytes == 65_536


def test_two_apps_share_no_metrics(bg: Brandguard, settings: Settings) -> None:
    other = create_app(settings)
    assert other.metrics.registry is not bg.metrics.registry
    assert other.runners and len(other.runners) == len(bg.runners)


def test_every_store_has_bounded_rocksdb_memory(bg: Brandguard) -> None:
    """Faust's block cache is 2 GB per store (about 25 stores per worker); the
    settings bound it and size the write buffers."""
    tables = list(bg.app.tables.values())
    assert {table.name.rsplit("-", 1)[-1] for table in tables} >= {"sellers", "images", "brands"}
    for table in tables:
        options = table.data.rocksdb_options
        assert options.write_buffer_size == 8 << 20
        assert options.max_write_buffer_number == 3
        assert options.block_cache_size == 8 << 20
