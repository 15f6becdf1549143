"""Internal topic names: per deployment, and declared by the topic creation."""

from __future__ import annotations

import dataclasses

from streams.worker.admin import topic_specs
from streams.worker.settings import load_settings
from streams.worker.topics import DEADLETTER_MAX_BYTES, internal_topics


def test_internal_topics_carry_the_app_id_so_two_deployments_never_mix() -> None:
    a = internal_topics(load_settings({"BRANDGUARD_APP_ID": "eu"}))
    b = internal_topics(load_settings({"BRANDGUARD_APP_ID": "us"}))
    names_a, names_b = dataclasses.astuple(a), dataclasses.astuple(b)
    assert all(name.startswith("eu-") for name in names_a)
    assert len(set(names_a)) == len(names_a) and not set(names_a) & set(names_b)


def test_every_internal_topic_is_created_and_the_compacted_ones_are_compacted() -> None:
    settings = load_settings({})
    topics = internal_topics(settings)
    specs = {spec.topic: spec for spec in topic_specs(settings)}
    assert set(dataclasses.astuple(topics)) <= set(specs)
    for name in topics.compacted():
        assert (specs[name].config or {}).get("cleanup.policy") == "compact", name
    assert specs[topics.examples].config in (None, {})


def test_the_dead_letter_topic_takes_a_dead_letter_of_a_maximal_input() -> None:
    from signals.contract.limits import MAX_RECORD_BYTES

    settings = load_settings({})
    (spec,) = [s for s in topic_specs(settings) if s.topic == settings.topics.deadletter]
    assert int(spec.config["max.message.bytes"]) == DEADLETTER_MAX_BYTES
    assert DEADLETTER_MAX_BYTES > MAX_RECORD_BYTES * 4 / 3 + 64 * 1024
