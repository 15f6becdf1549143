"""Promotion and rollback records, and which lineage is champion at a given event time.

An operator's ``brandguard model promote V`` or ``model rollback`` writes one audited
record (who, when, why) to the governance topic. A record takes effect at an event
time (``effective_at``, the start of an hourly epoch ahead of the stream), not when a
worker happens to read it: every worker, and a replay given the same records, switches
champion at the same event, so the same input gives the same alerts.

A promotion makes its lineage the champion; a rollback returns to the champion before
the latest promotion still in force. Records apply in (effective_at, recorded_at,
record_id) order, so arrival order does not matter.

>>> promote = read_control(control_record("promote", version="sgd05-300",
...     model_config={"name": "sgd05", "optimizer": "sgd"}, effective_at=7200.0,
...     who="ana", why="better AUC", recorded_at=100.0))
>>> back = read_control(control_record("rollback", version=None, model_config=None,
...     effective_at=10800.0, who="ana", why="precision fell", recorded_at=200.0))
>>> timeline = ChampionTimeline([back, promote])
>>> [timeline.champion_at(t) for t in (0.0, 7199.9, 7200.0, 10800.0)]
['lr1', 'lr1', 'sgd05', 'lr1']
>>> sorted(timeline.configs())
['sgd05']
>>> next_epoch_start(7300.0, margin_epochs=1)
10800.0
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from signals.contract.timefmt import format_rfc3339, parse_rfc3339
from signals.errors import GovernanceError
from signals.governance.spec import config_from_dict
from signals.model.online import MODEL_FAMILY, ModelConfig

__all__ = ["CONTROL_SCHEMA", "ChampionTimeline", "ControlRecord", "control_record",
           "next_epoch_start", "read_control"]

CONTROL_SCHEMA = "brandguard.model_control.v1"
ACTIONS = ("promote", "rollback")


@dataclass(frozen=True, slots=True)
class ControlRecord:
    record_id: str
    action: str
    version: str | None
    lineage: str | None
    model_config: Mapping[str, Any] | None
    effective_at: float
    who: str
    why: str
    recorded_at: float


def control_record(action: str, *, version: str | None, model_config: Mapping[str, Any] | None,
                   effective_at: float, who: str, why: str, recorded_at: float,
                   ) -> dict[str, Any]:
    """The JSON record of one promotion or rollback (validated by :func:`read_control`)."""
    lineage = None if model_config is None else str(model_config.get("name"))
    record = {
        "schema": CONTROL_SCHEMA,
        "record_id": f"{action}-{format_rfc3339(effective_at)}-{format_rfc3339(recorded_at)}",
        "action": action, "version": version, "lineage": lineage,
        "model_config": None if model_config is None else dict(model_config),
        "effective_at": format_rfc3339(effective_at), "who": who, "why": why,
        "recorded_at": format_rfc3339(recorded_at),
    }
    read_control(record)
    return record


def read_control(value: bytes | Mapping[str, Any]) -> ControlRecord:
    """A control record from its JSON; GovernanceError when it is not a usable one."""
    try:
        data = orjson.loads(value) if isinstance(value, bytes) else value
        if not isinstance(data, Mapping) or data.get("schema") != CONTROL_SCHEMA:
            raise GovernanceError("not a model control record")
        action = data["action"]
        if action not in ACTIONS:
            raise GovernanceError(f"unknown control action {action!r}")
        if not str(data.get("who") or "").strip() or not str(data.get("why") or "").strip():
            raise GovernanceError("a control record must say who and why")
        config = data.get("model_config")
        if action == "promote":
            if not isinstance(config, Mapping):
                raise GovernanceError("a promotion must carry the promoted model's config")
            config_from_dict(dict(config))  # the lineage must be a model every worker can build
        return ControlRecord(str(data["record_id"]), action, data.get("version"),
                             data.get("lineage"), config, parse_rfc3339(data["effective_at"]),
                             str(data["who"]), str(data["why"]),
                             parse_rfc3339(data["recorded_at"]))
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise GovernanceError(f"malformed control record: {exc}") from exc


class ChampionTimeline:
    """The champion lineage over event time, from every control record known."""

    def __init__(self, records: Iterable[ControlRecord], default: str = MODEL_FAMILY) -> None:
        self.records = sorted(records, key=lambda r: (r.effective_at, r.recorded_at, r.record_id))
        self.default = default
        stack = [default]
        self._times: list[float] = []
        self._champions: list[str] = []
        for record in self.records:
            if record.action == "promote" and record.lineage is not None:
                stack.append(record.lineage)
            elif record.action == "rollback" and len(stack) > 1:
                stack.pop()  # with nothing to roll back to, a rollback changes nothing
            self._times.append(record.effective_at)
            self._champions.append(stack[-1])
        #: champions a rollback can return to, after every record: the oldest first
        self.stack = tuple(stack)

    def champion_at(self, ts: float) -> str:
        """The lineage serving an event at event time ``ts``."""
        index = bisect_right(self._times, ts)
        return self._champions[index - 1] if index else self.default

    def latest(self) -> str:
        return self._champions[-1] if self._champions else self.default

    def configs(self) -> dict[str, ModelConfig]:
        """The model of every lineage a promotion names (so every learner trains it)."""
        return {r.lineage: config_from_dict(dict(r.model_config)) for r in self.records
                if r.action == "promote" and r.lineage is not None and r.model_config is not None
                and r.lineage != self.default}


def next_epoch_start(stream_ts: float, margin_epochs: int = 1, epoch: float = 3600.0) -> float:
    """The start of the epoch ``margin_epochs`` after the one ``stream_ts`` is in: far
    enough ahead of the stream for every worker to have read the record first."""
    return (math.floor(stream_ts / epoch) + margin_epochs) * epoch
