"""``brandguard topics create``: the topics brandguard needs, made on any cluster.

The contract's topics (inputs, alerts, dead letters) and brandguard's internal
ones (facts, model, brand views, table changelogs), with the partition counts
and cleanup policies the worker expects; the same list the worker creates at
start (:func:`streams.worker.admin.topic_specs`). Run it where the worker may
not create topics, or to check a cluster: existing topics are left alone, but a
wrong partition count or a registry that is not compacted is an error.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys

from streams.worker.admin import TopicOutcome, apply_topics
from streams.worker.settings import Settings, load_settings

__all__ = ["format_outcome", "run_cli", "settings_for"]


def settings_for(args: argparse.Namespace, settings: Settings) -> Settings:
    """The environment's settings with the command line's overrides."""
    overrides = {"bootstrap": args.bootstrap, "partitions": args.partitions,
                 "replication_factor": args.replication_factor}
    return dataclasses.replace(settings, **{k: v for k, v in overrides.items() if v is not None})


def format_outcome(topic: TopicOutcome) -> str:
    """One aligned line per topic.

    >>> " ".join(format_outcome(TopicOutcome("b", 8, -1, "compact", True, "created")).split())
    'created contract b partitions=8 replicas=default cleanup.policy=compact'
    """
    kind = "contract" if topic.contract else "internal"
    replicas = "default" if topic.replication_factor < 0 else topic.replication_factor
    return (f"{topic.action:<8} {kind:<9} {topic.name:<36} partitions={topic.partitions} "
            f"replicas={replicas} cleanup.policy={topic.cleanup_policy}")


def run_cli(args: argparse.Namespace) -> int:
    settings = settings_for(args, load_settings())
    outcomes = apply_topics(settings, args.timeout, check_policies=True, dry_run=args.dry_run)
    for topic in outcomes:
        print(format_outcome(topic))
    created = sum(t.action == "created" for t in outcomes)
    where = "(dry run)" if args.dry_run else f"on {settings.bootstrap}"
    print(f"{len(outcomes)} topics {where}: {created} created", file=sys.stderr)
    return 0
