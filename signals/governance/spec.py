"""A challenger model as a setting: ``name:key=value,key=value``.

The keys are :class:`~signals.model.online.ModelConfig` fields; ``drop`` lists features
(joined by ``+``) the challenger never sees. Nothing else changes, so trying another
optimizer, learning rate, regularisation, trust schedule or a smaller feature set needs
no code change.

>>> config = parse_spec("sgd05:optimizer=sgd,learning_rate=0.05,drop=network_shared+seller_reports")
>>> config.name, config.optimizer, config.learning_rate, config.drop_features
('sgd05', 'sgd', 0.05, ('network_shared', 'seller_reports'))
>>> format_spec(config)
'sgd05:drop_features=network_shared+seller_reports,learning_rate=0.05,optimizer=sgd'
>>> parse_spec("lr1:l2=0.1")
Traceback (most recent call last):
...
signals.governance.spec.SpecError: a challenger needs its own name, not the champion's 'lr1'
>>> parse_spec("x:speed=9")
Traceback (most recent call last):
...
signals.governance.spec.SpecError: unknown model setting 'speed' in 'x:speed=9'; known: ...
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from signals.errors import GovernanceError
from signals.model.online import MODEL_FAMILY, ModelConfig

__all__ = ["SpecError", "config_from_dict", "format_spec", "parse_spec"]

_ALIASES = {"drop": "drop_features"}
_DEFAULTS = asdict(ModelConfig())


class SpecError(GovernanceError):
    """A challenger setting that does not name a valid model."""


def parse_spec(text: str) -> ModelConfig:
    """The model a ``name:key=value,...`` setting describes (defaults for the rest)."""
    name, _, body = text.strip().partition(":")
    if name == MODEL_FAMILY:
        raise SpecError(f"a challenger needs its own name, not the champion's {name!r}")
    values: dict[str, Any] = {"name": name}
    for item in filter(None, (part.strip() for part in body.split(","))):
        key, sep, raw = item.partition("=")
        key = _ALIASES.get(key.strip(), key.strip())
        if not sep or key not in _DEFAULTS or key == "name":
            known = ", ".join(sorted(k for k in _DEFAULTS if k != "name"))
            raise SpecError(f"unknown model setting {key!r} in {text!r}; known: {known}")
        values[key] = _convert(key, raw.strip())
    return config_from_dict(values)


def config_from_dict(values: dict[str, Any]) -> ModelConfig:
    """A ModelConfig from plain values (a spec, a control record), or SpecError."""
    values = dict(values)
    values["drop_features"] = tuple(values.get("drop_features", ()))
    try:
        return ModelConfig(**values)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"not a valid model: {exc}") from exc


def format_spec(config: ModelConfig) -> str:
    """The setting that gives ``config`` back: only what differs from the defaults."""
    parts = []
    for f in sorted(fields(config), key=lambda f: f.name):
        value = getattr(config, f.name)
        if f.name == "name" or value == _DEFAULTS[f.name]:
            continue
        parts.append(f"{f.name}={'+'.join(value) if isinstance(value, tuple) else value}")
    return f"{config.name}:{','.join(parts)}"


def _convert(key: str, raw: str) -> Any:
    default = _DEFAULTS[key]
    try:
        if isinstance(default, bool):
            return raw.lower() in ("1", "true", "yes")
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
    except ValueError:
        raise SpecError(f"model setting {key} must be a number, got {raw!r}") from None
    if isinstance(default, list | tuple):
        return tuple(filter(None, raw.split("+")))
    return raw
