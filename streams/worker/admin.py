"""Topic creation with confluent-kafka's AdminClient (idempotent).

The worker creates what is missing before it starts; ``brandguard topics
create`` does the same ahead of time, for clusters where the worker may not
create topics, and also checks the cleanup policy of topics that exist.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from confluent_kafka import KafkaException
from confluent_kafka.admin import (  # type: ignore[attr-defined] # public, not in __all__
    AdminClient,
    ConfigResource,
)
from confluent_kafka.cimpl import NewTopic

from signals.errors import ConfigError, ServiceUnavailable
from streams.worker.security import librdkafka_config
from streams.worker.settings import Settings
from streams.worker.topics import DEADLETTER_MAX_BYTES, internal_topics

__all__ = ["TopicOutcome", "apply_topics", "client_config", "ensure_topics", "topic_specs"]

log = logging.getLogger(__name__)


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
    specs.append(NewTopic(i.registry, 1, rf, config=compact))
    specs.append(NewTopic(i.governance, 1, rf, config=compact))
    # Faust names changelogs <app>-<table>-changelog; creating them here with the
    # right partition counts avoids a race with Faust's own lazy declaration.
    for table, partitions in (("sellers", n), ("brands", n),
                              ("images", settings.image_partitions), ("learner", 1)):
        specs.append(NewTopic(f"{settings.app_id}-{table}-changelog", partitions, rf,
                              config=compact))
    return specs


@dataclass(frozen=True, slots=True)
class TopicOutcome:
    """One topic brandguard needs, and what was done about it."""

    name: str
    partitions: int
    replication_factor: int
    cleanup_policy: str
    #: a topic of CONTRACT.md (inputs, alerts, dead letters) rather than an internal one
    contract: bool
    action: Literal["created", "exists", "planned"]


def _outcome(spec: NewTopic, settings: Settings, action: Any) -> TopicOutcome:
    config: Mapping[str, str] = spec.config or {}
    contract = spec.topic in (settings.topics.inputs().keys()
                              | {settings.topics.alerts, settings.topics.deadletter})
    return TopicOutcome(spec.topic, spec.num_partitions, spec.replication_factor,
                        config.get("cleanup.policy", "delete"), contract, action)


class _DebugLines:
    """A ``logger`` for librdkafka that files every line at DEBUG."""

    def log(self, level: int, msg: str, *args: Any) -> None:
        log.debug(msg, *args)


def _unavailable(settings: Settings, exc: KafkaException,
                 reasons: list[str]) -> ServiceUnavailable:
    error = exc.args[0] if exc.args else exc
    text = error.str() if hasattr(error, "str") else str(error)  # KafkaError's own words
    # "Failed to get metadata" alone does not say why: the broker's own error (a
    # refused password, a certificate it does not trust) came through error_cb
    why = f" ({reasons[-1]})" if reasons and reasons[-1] not in text else ""
    return ServiceUnavailable(f"Kafka at {settings.bootstrap}: {text}{why}")


def _check_partitions(specs: list[NewTopic], existing: Mapping[str, Any]) -> None:
    wrong = [f"{s.topic} has {len(existing[s.topic].partitions)} partitions, settings say "
             f"{s.num_partitions}" for s in specs
             if s.topic in existing and len(existing[s.topic].partitions) != s.num_partitions]
    if wrong:
        raise ConfigError("topic partition counts differ from BRANDGUARD_PARTITIONS / "
                          "BRANDGUARD_IMAGE_PARTITIONS: " + "; ".join(wrong))


def _check_compaction(admin: AdminClient, specs: list[NewTopic], timeout: float) -> None:
    """Topics that must be compacted but exist with another cleanup policy: the
    registry and the model would lose their latest records to retention."""
    compacted = [s.topic for s in specs if (s.config or {}).get("cleanup.policy") == "compact"]
    if not compacted:
        return
    resources = [ConfigResource(ConfigResource.Type.TOPIC, name) for name in compacted]
    wrong = []
    for resource, future in admin.describe_configs(resources, request_timeout=timeout).items():
        entry = future.result(timeout).get("cleanup.policy")
        policy = entry.value if entry is not None else "delete"
        if "compact" not in str(policy).split(","):
            wrong.append(f"{resource.name} has cleanup.policy={policy}")
    if wrong:
        raise ConfigError("topics that must be compacted are not: " + "; ".join(wrong)
                          + " (kafka-configs.sh --alter --entity-type topics --entity-name NAME"
                          " --add-config cleanup.policy=compact)")


def _create(admin: AdminClient, missing: list[NewTopic], timeout: float) -> list[str]:
    created = []
    for name, future in admin.create_topics(missing, operation_timeout=timeout).items():
        try:
            future.result(timeout)
            created.append(name)
        except KafkaException as exc:
            if "TOPIC_ALREADY_EXISTS" not in str(exc):  # another worker was first: fine
                raise
    return created


def apply_topics(settings: Settings, timeout: float = 30.0, *, check_policies: bool = False,
                 dry_run: bool = False) -> list[TopicOutcome]:
    """Create every missing topic brandguard needs and say what each one is.

    Raises ConfigError if an existing topic has another partition count than the
    settings give it (keys would land in partitions no agent expects, and epoch
    marks would miss partitions, so the worker must not start), or, with
    ``check_policies``, a topic that must be compacted is not; ServiceUnavailable
    if the cluster does not answer or refuses. ``dry_run`` connects to nothing."""
    specs = topic_specs(settings)
    if dry_run:
        return [_outcome(s, settings, "planned") for s in specs]
    # librdkafka's own log lines (one per failed connection attempt) go to our log at
    # DEBUG instead of stderr: a failure reaches the caller as one exception, with the
    # broker's reason from error_cb
    reasons: list[str] = []
    config: dict[str, Any] = {**client_config(settings), "logger": _DebugLines(),
                              "error_cb": lambda error: reasons.append(error.str())}
    admin = AdminClient(config)
    try:
        existing = admin.list_topics(timeout=timeout).topics
        _check_partitions(specs, existing)
        missing = [s for s in specs if s.topic not in existing]
        created = set(_create(admin, missing, timeout)) if missing else set()
        if check_policies:
            _check_compaction(admin, [s for s in specs if s.topic in existing], timeout)
    except KafkaException as exc:
        admin.poll(0)  # serves the queued log lines and error_cb
        raise _unavailable(settings, exc, reasons) from None
    return [_outcome(s, settings, "created" if s.topic in created else "exists")
            for s in specs]


def ensure_topics(settings: Settings, timeout: float = 30.0) -> list[str]:
    """Create every missing topic; returns the names created (see :func:`apply_topics`)."""
    return [t.name for t in apply_topics(settings, timeout) if t.action == "created"]
