"""The governance topics of one deployment, as ``brandguard model`` reads and writes them
(against a real broker in tests/integration/test_governance.py); here without one."""

from __future__ import annotations

import pytest
from confluent_kafka import KafkaException

from streams.cli.model_topics import GovernanceTopics
from streams.worker.settings import ENV_VARS


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)


def test_the_options_override_the_environment_s_deployment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRANDGUARD_APP_ID", "eu")
    monkeypatch.setenv("BRANDGUARD_KAFKA_BOOTSTRAP", "kafka:9092")
    from_env = GovernanceTopics()
    assert (from_env.settings.app_id, from_env.settings.bootstrap) == ("eu", "kafka:9092")
    assert from_env.topics.registry == "eu-model-registry"
    chosen = GovernanceTopics("other:9092", "us")
    assert (chosen.settings.app_id, chosen.settings.bootstrap) == ("us", "other:9092")
    assert chosen.topics.governance == "us-model-governance"


def test_a_record_the_cluster_never_takes_is_an_error_naming_the_topic() -> None:
    topics = GovernanceTopics("127.0.0.1:1", "bg")
    with pytest.raises(RuntimeError, match="could not write to bg-model-governance"):
        topics.write(topics.topics.governance, "k", {"a": 1}, timeout=1.0)


def test_reading_from_a_cluster_that_does_not_answer_fails_instead_of_waiting() -> None:
    topics = GovernanceTopics("127.0.0.1:1", "bg")
    with pytest.raises(KafkaException):
        topics.read(topics.topics.registry, timeout=1.0)
