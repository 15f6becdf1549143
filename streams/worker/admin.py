"""Topic creation with confluent-kafka's AdminClient (idempotent)."""

from __future__ import annotations

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from streams.worker.security import librdkafka_config
from streams.worker.settings import Settings
from streams.worker.topics import DEADLETTER_MAX_BYTES, internal_topics

__all__ = ["client_config", "ensure_topics", "topic_specs"]


def client_config(settings: Settings) -> dict[str, str | int | float | bool]:
    """librdkafka connection settings, including SASL/TLS when configured."""
    return {"bootstrap.servers": settings.bootstrap, **librdkafka_config(settings)}


def topic_specs(settings: Settings) -> list[NewTopic]:
    t, i = settings.topics, internal_topics(settings)
    n, rf = settings.partitions, settings.replication_factor
    compact = {"cleanup.policy": "compact"}
    specs = [NewTopic(name, n, rf) for name in (t.listings, t.orders, t.reports, t.alerts,
                                                i.brand_facts, i.network_facts)]
    specs.append(NewTopic(t.deadletter, n, rf,
                          config={"max.message.bytes": str(DEADLETTER_MAX_BYTES)}))
    specs.append(NewTopic(i.image_facts, settings.image_partitions, rf))
    specs.append(NewTopic(t.brands, n, rf, config=compact))
    specs.append(NewTopic(i.brand_views, n, rf, config=compact))
    specs.append(NewTopic(i.examples, 1, rf))
    specs.append(NewTopic(i.model, 1, rf, config=compact))
    # Faust names changelogs <app>-<table>-changelog; creating them here with the
    # right partition counts avoids a race with Faust's own lazy declaration.
    for table, partitions in (("sellers", n), ("brands", n),
                              ("images", settings.image_partitions), ("learner", 1)):
        specs.append(NewTopic(f"{settings.app_id}-{table}-changelog", partitions, rf,
                              config=compact))
    return specs


def ensure_topics(settings: Settings, timeout: float = 30.0) -> list[str]:
    """Create every missing topic; returns the names created.

    Raises ValueError if an existing topic has another partition count than the
    settings give it: keys would land in partitions no agent expects, and epoch
    marks would miss partitions, so the worker must not start."""
    admin = AdminClient(client_config(settings))
    existing = admin.list_topics(timeout=timeout).topics
    specs = topic_specs(settings)
    wrong = [f"{s.topic} has {len(existing[s.topic].partitions)} partitions, settings say "
             f"{s.num_partitions}" for s in specs
             if s.topic in existing and len(existing[s.topic].partitions) != s.num_partitions]
    if wrong:
        raise ValueError("topic partition counts differ from BRANDGUARD_PARTITIONS / "
                         "BRANDGUARD_IMAGE_PARTITIONS: " + "; ".join(wrong))
    missing = [s for s in specs if s.topic not in existing]
    if not missing:
        return []
    created = []
    for name, future in admin.create_topics(missing, operation_timeout=timeout).items():
        try:
            future.result(timeout)
            created.append(name)
        except KafkaException as exc:
            if "TOPIC_ALREADY_EXISTS" not in str(exc):
                raise
    return created
