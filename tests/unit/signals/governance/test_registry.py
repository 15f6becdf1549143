from __future__ import annotations

import orjson
import pytest

from signals.errors import GovernanceError
from signals.governance.registry import (
    diff_records,
    latest_by_lineage,
    model_record,
    read_record,
    snapshot_digest,
)
from signals.model.online import ModelConfig, RiskModel
from signals.model.prior import rule_prior
from signals.policy.config import PolicyConfig


def _trained(labels: int, config: ModelConfig | None = None) -> RiskModel:
    model = RiskModel(rule_prior, config)
    for i in range(labels):
        model.learn_one({"price_discount": (i % 5) / 5, "brand_typo": float(i % 2)}, bool(i % 2))
    return model


def _record(model: RiskModel, parent: str | None = None) -> dict[str, object]:
    return model_record(model, parent=parent, policy=PolicyConfig(), reason="test",
                        published_at=1_793_491_200.0)


def test_equal_learning_histories_have_equal_digests_and_learning_changes_it() -> None:
    a, b = _trained(60), _trained(60)
    assert snapshot_digest(a.to_dict()) == snapshot_digest(b.to_dict())
    assert snapshot_digest(a.to_dict()) != snapshot_digest(_trained(61).to_dict())


def test_a_record_says_what_the_model_is_sees_learned_and_scored() -> None:
    model = _trained(120, ModelConfig(name="small", drop_features=("brand_typo",)))
    record = _record(model, parent="small-100")
    assert record["version"] == "small-120" and record["lineage"] == "small"
    assert record["parent"] == "small-100"
    features = record["feature_set"]
    assert "brand_typo" not in features["names"] and features["dropped"] == ["brand_typo"]
    assert features["version"].startswith("fs-")
    assert record["labels"] == {"seen": 120, "positive": 60, "negative": 60, "window": 120}
    metrics = record["metrics"]
    assert metrics["progressive_roc_auc"] is not None
    assert 0.0 <= metrics["calibration"]["served"]["brier"] <= 1.0
    assert record["policy_config"]["listing_threshold"] == PolicyConfig().listing_threshold
    assert record["model_config"]["drop_features"] == ["brand_typo"]
    assert record["published_at"] == "2026-11-01T00:00:00.000Z"
    assert read_record(orjson.dumps(record)) == orjson.loads(orjson.dumps(record))


@pytest.mark.parametrize("value", [b"not json", b"[]", b'{"schema": "other", "version": "x"}',
                                   b'{"schema": "brandguard.model_record.v1"}'])
def test_anything_but_a_record_is_refused(value: bytes) -> None:
    with pytest.raises(GovernanceError):
        read_record(value)


def test_diff_names_what_changed_between_two_versions() -> None:
    older, newer = _record(_trained(60)), _record(_trained(90), parent="lr1-60")
    changed = diff_records(older, newer)
    assert changed["labels.seen"] == (60, 90)
    assert "version" not in changed and "policy_config.listing_threshold" not in changed
    assert diff_records(older, older) == {}


def test_latest_by_lineage_picks_the_most_trained_record() -> None:
    records = [_record(_trained(n)) for n in (10, 30, 20)]
    assert latest_by_lineage(records)["lr1"]["version"] == "lr1-30"
