"""Topic creation: every topic the worker needs, planned without connecting, and a
cluster that does not answer or disagrees named in one error."""

from __future__ import annotations

import dataclasses
import re
from types import SimpleNamespace

import pytest

from signals.errors import ConfigError, ServiceUnavailable
from streams.worker import admin
from streams.worker.admin import apply_topics, client_config, topic_specs
from streams.worker.settings import load_settings
from streams.worker.topics import internal_topics


def test_a_dry_run_plans_every_topic_and_connects_to_nothing() -> None:
    settings = dataclasses.replace(load_settings({}), bootstrap="127.0.0.1:1")
    outcomes = apply_topics(settings, timeout=0.1, dry_run=True)
    assert {o.action for o in outcomes} == {"planned"}
    assert [o.name for o in outcomes] == [s.topic for s in topic_specs(settings)]
    contract = {o.name for o in outcomes if o.contract}
    t = settings.topics
    assert contract == {t.listings, t.orders, t.reports, t.brands, t.alerts, t.deadletter}


def test_partition_counts_follow_the_settings() -> None:
    settings = load_settings({"BRANDGUARD_PARTITIONS": "6", "BRANDGUARD_IMAGE_PARTITIONS": "2",
                              "BRANDGUARD_APP_ID": "bg"})
    specs = {s.topic: s.num_partitions for s in topic_specs(settings)}
    i = internal_topics(settings)
    assert specs[settings.topics.listings] == specs["bg-sellers-changelog"] == 6
    assert specs[i.image_facts] == specs["bg-images-changelog"] == 2
    assert specs[i.model] == specs[i.examples] == specs["bg-learner-changelog"] == 1


def test_existing_topics_with_other_partition_counts_are_refused() -> None:
    settings = load_settings({})
    specs = topic_specs(settings)
    existing = {specs[0].topic: SimpleNamespace(partitions={0: None}),
                specs[1].topic: SimpleNamespace(partitions=dict.fromkeys(
                    range(specs[1].num_partitions)))}
    with pytest.raises(ConfigError, match=f"{specs[0].topic} has 1 partitions"):
        admin._check_partitions(specs, existing)
    admin._check_partitions(specs[1:2], existing)


def test_client_config_names_the_bootstrap_servers() -> None:
    settings = dataclasses.replace(load_settings({}), bootstrap="k1:9092,k2:9092")
    assert client_config(settings)["bootstrap.servers"] == "k1:9092,k2:9092"


def test_an_unreachable_cluster_is_service_unavailable_naming_it() -> None:
    settings = dataclasses.replace(load_settings({}), bootstrap="127.0.0.1:1")
    with pytest.raises(ServiceUnavailable, match=re.escape("Kafka at 127.0.0.1:1")):
        apply_topics(settings, timeout=1.0)
