"""Pickle-free snapshots: exact round trip, continued learning, version checks."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Mapping
from typing import Any

import orjson
import pytest

from signals.errors import BrandguardError
from signals.model import ModelConfig, ModelFormatError, RiskModel
from signals.model.codec import FORMAT_VERSION


def labelled_stream(seed: int, n: int) -> Iterator[tuple[dict[str, float], bool, float]]:
    rng = random.Random(seed)
    for _ in range(n):
        x = {f"feature_{i:02d}": rng.gauss(i, 1.0 + i) for i in range(12)}
        # A rare binary feature: optimizers keep per-feature state for it.
        if rng.random() < 0.1:
            x["official_image_unauthorized"] = 1.0
        logit = 0.8 * (x["feature_01"] - 1) - 0.3 * (x["feature_05"] - 5) / 6
        logit += 2.0 * x.get("official_image_unauthorized", 0.0)
        y = rng.random() < 1.0 / (1.0 + math.exp(-logit))
        yield x, y, rng.random()


def prior(x: Mapping[str, float]) -> tuple[float, dict[str, float]]:
    return 0.25, {"feature_01": 0.1 * x.get("feature_01", 0.0)}


def through_json(data: Mapping[str, Any]) -> Any:
    return orjson.loads(orjson.dumps(data))


def assert_plain_json(value: Any) -> None:
    if isinstance(value, dict):
        assert all(isinstance(k, str) for k in value)
        for item in value.values():
            assert_plain_json(item)
    elif isinstance(value, list):
        for item in value:
            assert_plain_json(item)
    else:
        assert value is None or type(value) in (str, int, float, bool), type(value)


@pytest.mark.parametrize("optimizer", ["adagrad", "adam", "sgd"])
def test_restored_model_scores_and_learns_exactly_like_the_original(optimizer: str) -> None:
    config = ModelConfig(optimizer=optimizer, warmup_labels=20, metrics_window=100)  # type: ignore[arg-type]
    original = RiskModel(prior, config)
    stream = list(labelled_stream(11, 900))
    for x, y, served in stream[:500]:
        original.learn_one(x, y, scored_probability=served, delay_seconds=serve_delay(served))
    snapshot = original.to_dict()
    assert_plain_json(snapshot)
    restored = RiskModel.from_dict(through_json(snapshot), prior)
    assert restored.to_dict() == snapshot
    assert restored.version == original.version == "lr1-500"
    probes = [x for x, _, _ in labelled_stream(12, 50)]
    assert [restored.score_one(x) for x in probes] == [original.score_one(x) for x in probes]
    for x, y, served in stream[500:]:
        original.learn_one(x, y, scored_probability=served)
        restored.learn_one(x, y, scored_probability=served)
    assert restored.to_dict() == original.to_dict()
    assert [restored.score_one(x) for x in probes] == [original.score_one(x) for x in probes]
    # repr, because NaN equals NaN only as the very same object, which the compiled
    # build (make compiled) does not keep
    assert repr(restored.metrics.snapshot()) == repr(original.metrics.snapshot())


def serve_delay(served: float) -> float:
    return 3600.0 * (1.0 + served)


@pytest.mark.parametrize("optimizer", ["adagrad", "adam", "sgd"])
def test_a_fresh_model_round_trips(optimizer: str) -> None:
    fresh = RiskModel(prior, ModelConfig(optimizer=optimizer))  # type: ignore[arg-type]
    restored = RiskModel.from_dict(through_json(fresh.to_dict()), prior)
    for x, y, _ in labelled_stream(13, 60):
        fresh.learn_one(x, y)
        restored.learn_one(x, y)
    assert restored.to_dict() == fresh.to_dict()


def test_config_travels_with_the_snapshot() -> None:
    config = ModelConfig(warmup_labels=7, full_trust_labels=70, alert_threshold=0.3, l2=0.0)
    restored = RiskModel.from_dict(through_json(RiskModel(prior, config).to_dict()), prior)
    assert restored.config == config


def test_unknown_format_version_is_refused() -> None:
    snapshot = RiskModel(prior).to_dict()
    snapshot["format_version"] = FORMAT_VERSION + 1
    with pytest.raises(ModelFormatError, match="version"):
        RiskModel.from_dict(snapshot, prior)
    assert issubclass(ModelFormatError, BrandguardError)


def test_something_else_is_not_mistaken_for_a_snapshot() -> None:
    with pytest.raises(ModelFormatError):
        RiskModel.from_dict({"weights": {}}, prior)


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.pop("scaler"),
        lambda d: d["config"].update(unknown_setting=1),
        lambda d: d["optimizer"].pop("g2"),
        lambda d: d["metrics"].update(records=[[True, 0.5]]),
        lambda d: d["regression"].update(weights=["not", "a", "mapping"]),
    ],
)
def test_malformed_snapshots_raise_the_format_error(damage: Any) -> None:
    model = RiskModel(prior, ModelConfig(warmup_labels=1))
    for x, y, _ in labelled_stream(14, 5):
        model.learn_one(x, y)
    snapshot = through_json(model.to_dict())
    damage(snapshot)
    with pytest.raises(ModelFormatError):
        RiskModel.from_dict(snapshot, prior)


def test_a_snapshot_from_before_offset_stacking_keeps_the_prior_as_a_scaled_feature() -> None:
    old = RiskModel(prior, ModelConfig(stacking="feature"))
    for i in range(60):
        old.learn_one({"price_discount": (i % 5) / 5, "brand_typo": float(i % 3 == 0)}, i % 2 == 0)
    data = old.to_dict()
    del data["config"]["stacking"]  # as written by the previous release
    restored = RiskModel.from_dict(through_json(data), prior)
    assert restored.config.stacking == "feature"
    probe = {"price_discount": 0.4, "brand_typo": 1.0}
    assert restored.score_one(probe) == old.score_one(probe)
