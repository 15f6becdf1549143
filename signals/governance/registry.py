"""Model registry records: one per published model version, keyed by that version.

A record says what the snapshot is (its digest, format and parent version), what it
sees (the feature set and its version), what it learned from (label counts), how well
it did when it was published (progressive ROC AUC and calibration on delayed labels),
which alert policy it served under, and when and why it was published. The worker
publishes one on a compacted topic each time it publishes a snapshot, so every
``alert.model_version`` a live worker writes names one record.

Pure: the wall-clock publication time is passed in.

>>> from signals.model.online import RiskModel
>>> from signals.model.prior import rule_prior
>>> from signals.policy.config import PolicyConfig
>>> model = RiskModel(rule_prior)
>>> genesis = model_record(model, parent=None, policy=PolicyConfig(), reason="genesis",
...                        published_at=None)
>>> genesis["version"], genesis["lineage"], genesis["parent"], genesis["labels"]["seen"]
('lr1-0', 'lr1', None, 0)
>>> genesis["feature_set"]["version"] == feature_set(model.config)["version"]
True
>>> model.learn_one({"price_discount": 1.0}, y=True)
>>> child = model_record(model, parent="lr1-0", policy=PolicyConfig(), reason="learned",
...                      published_at=1_793_491_200.0)
>>> child["published_at"], child["snapshot_digest"] != genesis["snapshot_digest"]
('2026-11-01T00:00:00.000Z', True)
>>> changed = diff_records(genesis, child)
>>> changed["labels.seen"], changed["parent"], "snapshot_digest" in changed
((0, 1), (None, 'lr1-0'), True)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import Any

import orjson

from signals.contract.timefmt import format_rfc3339
from signals.errors import GovernanceError
from signals.features.listing import FEATURE_NAMES
from signals.governance.calibration import calibration
from signals.model.online import ModelConfig, RiskModel
from signals.policy.config import PolicyConfig

__all__ = ["RECORD_SCHEMA", "UnknownVersion", "diff_records", "feature_set", "latest_by_lineage",
           "model_record", "read_record", "snapshot_digest"]

RECORD_SCHEMA = "brandguard.model_record.v1"


class UnknownVersion(GovernanceError):
    """No registry record names this model version."""


def snapshot_digest(snapshot: Mapping[str, Any]) -> str:
    """sha256 of the snapshot's canonical JSON (sorted keys): equal models, equal digests."""
    return "sha256:" + hashlib.sha256(orjson.dumps(snapshot, option=orjson.OPT_SORT_KEYS)
                                      ).hexdigest()


def feature_set(config: ModelConfig) -> dict[str, Any]:
    """The features a model of ``config`` sees, and a version that changes with the list."""
    names = [n for n in FEATURE_NAMES if n not in config.drop_features]
    digest = hashlib.sha256("\n".join(FEATURE_NAMES).encode()).hexdigest()[:10]
    return {"version": f"fs-{digest}", "names": names, "dropped": list(config.drop_features)}


def model_record(model: RiskModel, *, parent: str | None, policy: PolicyConfig, reason: str,
                 published_at: float | None) -> dict[str, Any]:
    """The registry record of ``model`` as it is now (see the module docstring)."""
    snapshot = model.to_dict()
    metrics = model.metrics
    figures = metrics.snapshot()
    records = metrics.records
    return {
        "schema": RECORD_SCHEMA,
        "version": model.version,
        "lineage": model.config.name,
        "parent": parent,
        "snapshot_digest": snapshot_digest(snapshot),
        "snapshot_format": f"{snapshot['format']}/{snapshot['format_version']}",
        "feature_set": feature_set(model.config),
        "labels": {"seen": metrics.labels_seen, "positive": metrics.positives_seen,
                   "negative": metrics.negatives_seen, "window": len(records)},
        "metrics": {
            "progressive_roc_auc": _number(figures["learned_roc_auc"]),
            "served_roc_auc": _number(figures["served_roc_auc"]),
            "served_precision": _number(figures["served_precision"]),
            "served_recall": _number(figures["served_recall"]),
            "calibration": {"served": calibration(records, "served"),
                            "progressive": calibration(records, "learned")},
            "mean_label_delay_seconds": _number(figures["mean_label_delay_seconds"]),
        },
        "trust": model.trust(),
        "model_config": snapshot["config"],
        "policy_config": asdict(policy),
        "published_at": None if published_at is None else format_rfc3339(published_at),
        "reason": reason,
    }


def read_record(value: bytes) -> dict[str, Any]:
    """A record read back from the registry topic; GovernanceError if it is not one."""
    try:
        record = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise GovernanceError(f"registry record is not JSON: {exc}") from exc
    if not isinstance(record, dict) or record.get("schema") != RECORD_SCHEMA:
        raise GovernanceError("not a model registry record")
    if not isinstance(record.get("version"), str):
        raise GovernanceError("registry record without a version")
    return record


def diff_records(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Every leaf (dotted path) that differs between two records: (a's value, b's)."""
    left, right = dict(_leaves(a)), dict(_leaves(b))
    return {key: (left.get(key), right.get(key)) for key in sorted(left.keys() | right.keys())
            if left.get(key) != right.get(key) and key != "version"}


def latest_by_lineage(records: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """The record with the most labels of each lineage."""
    latest: dict[str, Mapping[str, Any]] = {}
    for record in records:
        best = latest.get(record["lineage"])
        if best is None or record["labels"]["seen"] > best["labels"]["seen"]:
            latest[record["lineage"]] = record
    return latest


def _leaves(value: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _leaves(inner, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list) and value and isinstance(value[0], Mapping | list):
        for index, inner in enumerate(value):
            yield from _leaves(inner, f"{prefix}[{index}]")
    else:
        yield prefix, value


def _number(value: float | int) -> float | None:
    return None if value != value else float(value)  # NaN (undefined) -> None
