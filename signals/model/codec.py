"""Pickle-free serialisation of the River learner.

Model snapshots travel through a compacted Kafka topic and are read by every
worker, so they must be plain data that any version of the code can inspect
and refuse safely: pickle would run arbitrary code on load and breaks whenever
River moves a class. Instead the state that learning actually changes is
exported as JSON-compatible values and poured back into fresh River objects:

* the scaler's per-feature counts, running means and running variances;
* the regression's weights and intercept;
* the optimizer's step counter and per-feature accumulators.

Key order is kept (JSON objects keep it too): River sums in dict order, so a
restored model only scores bit-identically if its dicts iterate the same way.

>>> from river import preprocessing
>>> scaler = preprocessing.StandardScaler()
>>> scaler.learn_one({"a": 1.0}); scaler.learn_one({"a": 3.0})
>>> encode_scaler(scaler)
{'counts': {'a': 2}, 'means': {'a': 2.0}, 'vars': {'a': 1.0}}
>>> decode_scaler(encode_scaler(scaler)).transform_one({"a": 4.0})
{'a': 2.0}
>>> check_format({"format": FORMAT_NAME, "format_version": 99})
Traceback (most recent call last):
...
signals.model.codec.ModelFormatError: unsupported model format version 99 (this code reads 1)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from river import linear_model, optim, preprocessing, utils

from signals.errors import BrandguardError

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "ModelFormatError",
    "OptimizerKind",
    "check_format",
    "decode_optimizer",
    "decode_regression",
    "decode_scaler",
    "encode_optimizer",
    "encode_regression",
    "encode_scaler",
    "make_optimizer",
]

FORMAT_NAME = "brandguard.risk_model"
FORMAT_VERSION = 1

OptimizerKind = Literal["adagrad", "adam", "sgd"]


class ModelFormatError(BrandguardError):
    """A model snapshot is of an unknown format or version, or is malformed."""


def check_format(data: Mapping[str, Any]) -> None:
    """Refuse anything but a snapshot of the one format version this code reads."""
    if data.get("format") != FORMAT_NAME:
        raise ModelFormatError(f"not a model snapshot: format={data.get('format')!r}")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFormatError(
            f"unsupported model format version {version} (this code reads {FORMAT_VERSION})"
        )


def encode_scaler(scaler: preprocessing.StandardScaler) -> dict[str, Any]:
    """Running statistics of a (non-windowed) StandardScaler."""
    return {
        "counts": {str(k): int(v) for k, v in scaler.counts.items()},
        "means": {str(k): float(v) for k, v in scaler.means.items()},
        "vars": {str(k): float(v) for k, v in scaler.vars.items()},
    }


def decode_scaler(data: Mapping[str, Any]) -> preprocessing.StandardScaler:
    """A fresh StandardScaler carrying the encoded statistics."""
    scaler = preprocessing.StandardScaler()
    scaler.counts.update({str(k): int(v) for k, v in data["counts"].items()})
    scaler.means.update({str(k): float(v) for k, v in data["means"].items()})
    scaler.vars.update({str(k): float(v) for k, v in data["vars"].items()})
    return scaler


def make_optimizer(kind: OptimizerKind, learning_rate: float) -> optim.base.Optimizer:
    """A fresh optimizer of one of the kinds the codec can serialise."""
    if kind == "adagrad":
        return optim.AdaGrad(learning_rate)
    if kind == "adam":
        return optim.Adam(learning_rate)
    if kind == "sgd":
        return optim.SGD(learning_rate)
    raise ValueError(f"unknown optimizer kind {kind!r}")


def encode_optimizer(optimizer: optim.base.Optimizer) -> dict[str, Any]:
    """Step counter and per-feature accumulators of the optimizer."""
    state: dict[str, Any] = {"n_iterations": int(optimizer.n_iterations)}
    if isinstance(optimizer, optim.AdaGrad):
        state["g2"] = _floats(optimizer.g2)
    elif isinstance(optimizer, optim.Adam):
        # Adam creates its moments lazily on the first step; None means "not yet".
        state["m"] = None if optimizer.m is None else _floats(optimizer.m)
        state["v"] = None if optimizer.v is None else _floats(optimizer.v)
    elif not isinstance(optimizer, optim.SGD):
        raise ModelFormatError(f"cannot serialise optimizer {type(optimizer).__name__}")
    return state


def decode_optimizer(
    kind: OptimizerKind, learning_rate: float, data: Mapping[str, Any]
) -> optim.base.Optimizer:
    """A fresh optimizer of ``kind`` carrying the encoded state."""
    optimizer = make_optimizer(kind, learning_rate)
    optimizer.n_iterations = int(data["n_iterations"])
    if isinstance(optimizer, optim.AdaGrad):
        optimizer.g2.update(_floats(data["g2"]))
    elif isinstance(optimizer, optim.Adam) and data["m"] is not None:
        # On the single-example path River keeps Adam's moments in VectorDicts.
        optimizer.m = utils.VectorDict(_floats(data["m"]))
        optimizer.v = utils.VectorDict(_floats(data["v"]))
    return optimizer


def encode_regression(regression: linear_model.LogisticRegression) -> dict[str, Any]:
    """Weights (in River's own key order) and intercept."""
    return {"weights": _floats(regression.weights), "intercept": float(regression.intercept)}


def decode_regression(
    data: Mapping[str, Any], optimizer: optim.base.Optimizer, l2: float, intercept_lr: float
) -> linear_model.LogisticRegression:
    """A fresh LogisticRegression with the encoded weights, learning with ``optimizer``."""
    regression = linear_model.LogisticRegression(
        optimizer=optimizer, l2=l2, intercept_lr=intercept_lr
    )
    regression._weights = utils.VectorDict(_floats(data["weights"]))
    regression.intercept = float(data["intercept"])
    return regression


def _floats(values: Mapping[Any, Any]) -> dict[str, float]:
    source = values.to_dict() if isinstance(values, utils.VectorDict) else values
    return {str(k): float(v) for k, v in source.items()}
