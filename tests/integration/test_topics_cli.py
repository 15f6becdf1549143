"""``brandguard topics create`` on the real broker: every topic with its partition
count and cleanup policy, idempotent, and a clear error for a cluster whose topics
contradict the settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from confluent_kafka.admin import AdminClient, ConfigResource  # type: ignore[attr-defined]

from streams.worker.admin import topic_specs
from streams.worker.settings import load_settings
from tests.integration.conftest import CreateTopics
from tests.integration.worker_proc import TOPIC_ROLES, topic_name

ROOT = Path(__file__).resolve().parents[2]


def _env(bootstrap: str, app_id: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRANDGUARD_KAFKA_BOOTSTRAP": bootstrap,
           "BRANDGUARD_APP_ID": app_id, "BRANDGUARD_PARTITIONS": "3"}
    env.update({f"BRANDGUARD_TOPIC_{role.upper()}": topic_name(app_id, role)
                for role in TOPIC_ROLES})
    return env


def _topics_create(env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "streams.cli.main", "topics", "create",
                           *extra], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)


def _describe(admin: AdminClient, names: list[str]) -> dict[str, tuple[int, str]]:
    """name -> (partitions, cleanup.policy) as the broker has them."""
    metadata = admin.list_topics(timeout=30).topics
    resources = [ConfigResource(ConfigResource.Type.TOPIC, name) for name in names]
    policies = {resource.name: future.result(30)["cleanup.policy"].value
                for resource, future in admin.describe_configs(resources).items()}
    return {name: (len(metadata[name].partitions), policies[name]) for name in names}


def test_creates_every_topic_with_partitions_and_policy_then_changes_nothing(
        kafka_bootstrap: str, unique: str) -> None:
    app_id = f"tc-{unique}"[:60]
    env = _env(kafka_bootstrap, app_id)
    first = _topics_create(env)
    assert first.returncode == 0, first.stderr
    specs = topic_specs(load_settings(env))
    expected = {s.topic: (s.num_partitions, (s.config or {}).get("cleanup.policy", "delete"))
                for s in specs}
    admin = AdminClient({"bootstrap.servers": kafka_bootstrap})
    assert _describe(admin, sorted(expected)) == expected
    assert expected[topic_name(app_id, "brands")] == (3, "compact")
    assert expected[f"{app_id}-model"] == (1, "compact")
    assert {line.split()[0] for line in first.stdout.splitlines()} == {"created"}
    second = _topics_create(env)
    assert second.returncode == 0, second.stderr
    assert {line.split()[0] for line in second.stdout.splitlines()} == {"exists"}
    assert _describe(admin, sorted(expected)) == expected


def test_a_registry_that_is_not_compacted_is_an_error(
        kafka_bootstrap: str, unique: str, create_topics: CreateTopics) -> None:
    app_id = f"tp-{unique}"[:60]
    env = _env(kafka_bootstrap, app_id)
    create_topics([topic_name(app_id, "brands")], partitions=3)  # cleanup.policy=delete
    result = _topics_create(env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert f"{topic_name(app_id, 'brands')} has cleanup.policy=delete" in result.stderr
    # the missing topics were still created; only the registry needs fixing by hand
    existing = AdminClient({"bootstrap.servers": kafka_bootstrap}).list_topics(timeout=30).topics
    assert topic_name(app_id, "alerts") in existing


def test_a_partition_count_that_differs_is_an_error(
        kafka_bootstrap: str, unique: str, create_topics: CreateTopics) -> None:
    app_id = f"tn-{unique}"[:60]
    env = _env(kafka_bootstrap, app_id)
    create_topics([topic_name(app_id, "listings")], partitions=5)
    result = _topics_create(env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{topic_name(app_id, 'listings')} has 5 partitions, settings say 3" in result.stderr
