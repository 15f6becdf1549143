"""``brandguard topics create``: the settings the command line overrides, one line per
topic, a dry run that connects to nothing, and an unreachable cluster in one line."""

from __future__ import annotations

import argparse
import dataclasses

import pytest

from streams.cli.main import main
from streams.cli.topics import format_outcome, settings_for
from streams.worker.admin import TopicOutcome
from streams.worker.settings import ENV_VARS, load_settings
from tests.unit.streams.cli.cli_run import one_line_error, run


def test_an_unreachable_cluster_is_one_line_and_exit_1() -> None:
    line = one_line_error(run("topics", "create", "--bootstrap", "127.0.0.1:1",
                                "--timeout", "2"), 1)
    assert line.startswith("brandguard topics: error: Kafka at 127.0.0.1:1")


def test_topics_dry_run_lists_every_topic_with_its_policy(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    assert main(["topics", "create", "--dry-run", "--partitions", "3"]) == 0
    rows = {line.split()[2]: line.split() for line in capsys.readouterr().out.splitlines()}
    assert rows["marketplace.brands"][1:] == ["contract", "marketplace.brands", "partitions=3",
                                              "replicas=1", "cleanup.policy=compact"]
    assert rows["marketplace.listings"][-1] == "cleanup.policy=delete"
    assert rows["brandguard-model"][1:4] == ["internal", "brandguard-model", "partitions=1"]
    assert {row[0] for row in rows.values()} == {"planned"}


def test_only_the_options_given_override_the_environment_s_settings() -> None:
    settings = load_settings({"BRANDGUARD_PARTITIONS": "4"})
    args = argparse.Namespace(bootstrap="kafka:9092", partitions=None, replication_factor=3)
    overridden = settings_for(args, settings)
    assert (overridden.bootstrap, overridden.partitions, overridden.replication_factor) == (
        "kafka:9092", 4, 3)
    untouched = settings_for(argparse.Namespace(bootstrap=None, partitions=None,
                                                replication_factor=None), settings)
    assert untouched == settings
    assert dataclasses.replace(settings, partitions=9) == settings_for(
        argparse.Namespace(bootstrap=None, partitions=9, replication_factor=None), settings)


def test_an_outcome_line_names_kind_partitions_replicas_and_policy() -> None:
    line = format_outcome(TopicOutcome("brandguard-model", 1, 3, "compact", False, "exists"))
    assert line.split() == ["exists", "internal", "brandguard-model", "partitions=1",
                            "replicas=3", "cleanup.policy=compact"]
    rows = [format_outcome(TopicOutcome(name, 8, -1, "delete", True, "created"))
            for name in ("a", "a-much-longer-topic-name")]
    assert rows[0].index("partitions=") == rows[1].index("partitions=")  # aligned
    assert "replicas=default" in rows[0]


def test_the_summary_line_counts_topics_on_stderr(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    assert main(["topics", "create", "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert err == f"{len(out.splitlines())} topics (dry run): 0 created\n"
