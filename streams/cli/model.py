"""``brandguard model list|show|diff|promote|rollback``: the model registry and the
audited champion switches, on the deployment's own topics (real Kafka).

``promote V`` makes V's lineage the champion and ``rollback`` returns to the champion
before the latest promotion, each from an event time ahead of the stream (the start of
the hourly epoch ``--margin`` epochs after the newest listing on the input topic, or
``--effective-at``), so every worker and a replay switch at the same event.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Mapping
from typing import Any

import orjson

from signals.contract.timefmt import format_rfc3339, parse_rfc3339
from signals.errors import GovernanceError
from signals.governance.control import (
    ChampionTimeline,
    ControlRecord,
    control_record,
    next_epoch_start,
    read_control,
)
from signals.governance.registry import diff_records, read_record
from streams.cli.model_topics import GovernanceTopics

__all__ = ["read_controls", "read_registry", "run_cli"]


def read_registry(topics: GovernanceTopics) -> dict[str, dict[str, Any]]:
    """The latest record of every model version."""
    records: dict[str, dict[str, Any]] = {}
    for _key, value in topics.read(topics.topics.registry):
        try:
            record = read_record(value)
        except GovernanceError:
            continue
        records[record["version"]] = record
    return records


def read_controls(topics: GovernanceTopics) -> list[ControlRecord]:
    controls: dict[str, ControlRecord] = {}
    for _key, value in topics.read(topics.topics.governance):
        try:
            record = read_control(value)
        except GovernanceError:
            continue
        controls[record.record_id] = record
    return list(controls.values())


def run_cli(args: argparse.Namespace) -> int:
    topics = GovernanceTopics(args.bootstrap, args.app_id)
    try:
        return int(_ACTIONS[args.action](topics, args))
    except GovernanceError as exc:
        print(f"brandguard model {args.action}: {exc}", file=sys.stderr)
        return 2


def _list(topics: GovernanceTopics, args: argparse.Namespace) -> int:
    records = read_registry(topics)
    champion = ChampionTimeline(read_controls(topics)).latest()
    ordered = sorted(records.values(), key=lambda r: (r["lineage"], r["labels"]["seen"]))
    if args.json:
        for record in ordered:
            print(orjson.dumps(record).decode())
        return 0
    print(f"{'version':<16} {'role':<10} {'parent':<16} {'labels':>6} {'prog.AUC':>8} "
          f"{'Brier':>6}  published_at              reason")
    for r in ordered:
        role = "champion" if r["lineage"] == champion else "challenger"
        calib = r["metrics"]["calibration"]["served"]["brier"]
        print(f"{r['version']:<16} {role:<10} {r['parent']!s:<16} {r['labels']['seen']:>6} "
              f"{_num(r['metrics']['progressive_roc_auc']):>8} {_num(calib):>6}  "
              f"{r['published_at']!s:<25} {r['reason']}")
    return 0


def _registry_record(topics: GovernanceTopics, version: str) -> dict[str, Any]:
    record: dict[str, Any] | None = read_registry(topics).get(version)
    if record is None:
        raise GovernanceError(f"no registry record for model version {version!r}")
    return record


def _show(topics: GovernanceTopics, args: argparse.Namespace) -> int:
    version = _one(args, "show V")
    record = _registry_record(topics, version)
    print(orjson.dumps(record, option=orjson.OPT_INDENT_2).decode())
    return 0


def _diff(topics: GovernanceTopics, args: argparse.Namespace) -> int:
    if len(args.versions) != 2:
        raise GovernanceError("usage: brandguard model diff V1 V2")
    records = read_registry(topics)
    missing = [v for v in args.versions if v not in records]
    if missing:
        raise GovernanceError(f"no registry record for {', '.join(missing)}")
    a, b = (records[v] for v in args.versions)
    for key, (left, right) in diff_records(a, b).items():
        print(f"{key}: {_show_value(left)} -> {_show_value(right)}")
    return 0


def _history(topics: GovernanceTopics, args: argparse.Namespace) -> int:
    timeline = ChampionTimeline(read_controls(topics))
    if args.json:
        raw = {orjson.loads(v).get("record_id"): v
               for _, v in topics.read(topics.topics.governance) if v.startswith(b"{")}
        for record in timeline.records:
            print(raw[record.record_id].decode())
        return 0
    for record in timeline.records:
        print(f"{format_rfc3339(record.effective_at)}  {record.action:<8} "
              f"{record.version!s:<16} by {record.who} at "
              f"{format_rfc3339(record.recorded_at)}: {record.why}  -> champion "
              f"{timeline.champion_at(record.effective_at)}")
    print(f"champion now: {timeline.latest()}")
    return 0


def _promote(topics: GovernanceTopics, args: argparse.Namespace) -> int:
    version = _one(args, "promote V")
    record = _registry_record(topics, version)
    timeline = ChampionTimeline(read_controls(topics))
    if record["lineage"] == timeline.latest():
        raise GovernanceError(f"{record['lineage']} is already the champion")
    return _write(topics, args, "promote", version, record["model_config"])


def _rollback(topics: GovernanceTopics, args: argparse.Namespace) -> int:
    timeline = ChampionTimeline(read_controls(topics))
    if len(timeline.stack) < 2:
        raise GovernanceError("nothing to roll back: no promotion is in force")
    return _write(topics, args, "rollback", None, None)


def _write(topics: GovernanceTopics, args: argparse.Namespace, action: str,
           version: str | None, config: Mapping[str, Any] | None) -> int:
    who = args.who or topics.settings.operator
    if not who or not args.why:
        raise GovernanceError("say who (--who or BRANDGUARD_OPERATOR) and why (--why)")
    effective = _effective_at(topics, args)
    record = control_record(action, version=version, model_config=config,
                            effective_at=effective, who=who, why=args.why,
                            recorded_at=time.time())
    topics.write(topics.topics.governance, record["record_id"], record)
    print(orjson.dumps(record, option=orjson.OPT_INDENT_2).decode())
    return 0


def _effective_at(topics: GovernanceTopics, args: argparse.Namespace) -> float:
    if args.effective_at:
        try:
            return parse_rfc3339(args.effective_at)
        except ValueError as exc:
            raise GovernanceError(f"--effective-at: {exc}") from exc
    stream = topics.stream_time()
    if stream is None:
        raise GovernanceError("no listing on the input topic yet: give --effective-at")
    return next_epoch_start(stream, margin_epochs=args.margin)


def _one(args: argparse.Namespace, usage: str) -> str:
    if len(args.versions) != 1:
        raise GovernanceError(f"usage: brandguard model {usage}")
    return str(args.versions[0])


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _show_value(value: Any) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def _card(topics: GovernanceTopics, args: argparse.Namespace) -> int:
    from streams.cli.model_card import run_card  # replays: the whole topology

    return run_card(topics, args)


_ACTIONS = {"list": _list, "show": _show, "diff": _diff, "promote": _promote,
            "rollback": _rollback, "history": _history, "card": _card}
