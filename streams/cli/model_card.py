"""``brandguard model card``: write docs/model.md from the registry and an evaluation.

The evaluation replays ``--events`` against ``--truth`` (with ``--challenger`` in
shadow, and segments by category, brand tier and seller cohort). The registry records
are the deployment's (``--from-broker``: the champion's and every other lineage's
latest) or, without a broker, the records of the replay's own final models.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import orjson

from signals.errors import GovernanceError
from signals.evaluation.detection import evaluate
from signals.evaluation.governance import (
    brand_report_counts,
    challenger_figures,
    segment_figures,
)
from signals.evaluation.model_card import render_model_card
from signals.governance.control import ChampionTimeline
from signals.governance.registry import latest_by_lineage, model_record
from signals.governance.segments import DIMENSIONS
from signals.pipeline import PipelineState
from streams.cli.evaluate import _replayed_alerts, read_events_summary
from streams.cli.model_topics import GovernanceTopics

__all__ = ["card_from_replay", "run_card"]


def card_from_replay(events: Path, truth_path: Path, challenger: str | None,
                     ) -> tuple[dict[str, Any], PipelineState]:
    """The evaluation figures of a governed replay, and its final state."""
    truth = orjson.loads(truth_path.read_bytes())
    args = argparse.Namespace(challenger=challenger, controls=None, by=list(DIMENSIONS))
    alerts, _, model_metrics, (scored, state) = _replayed_alerts(events, args)
    summary = read_events_summary(events)
    evaluation: dict[str, Any] = evaluate(truth, alerts, summary, model_metrics).to_dict()
    models = {state.learner.model.config.name: state.learner.model, **state.learner.challengers}
    if challenger:
        evaluation["challenger"] = challenger_figures(
            truth, summary, scored, state.policy.listing_threshold, models)
    reports = brand_report_counts(events.read_bytes().split(b"\n"))
    evaluation["segments"] = {d: segment_figures(truth, alerts, summary, scored, reports, d)
                              for d in DIMENSIONS}
    return evaluation, state


def run_card(topics: GovernanceTopics, args: argparse.Namespace) -> int:
    if not args.events or not args.truth:
        raise GovernanceError("usage: brandguard model card --events F --truth T [--out F]")
    events, truth = Path(args.events), Path(args.truth)
    evaluation, state = card_from_replay(events, truth, args.challenger)
    if args.from_broker:
        from streams.cli.model import read_controls, read_registry

        latest = latest_by_lineage(read_registry(topics).values())
        if not latest:
            raise GovernanceError("the registry topic holds no record")
        serving = ChampionTimeline(read_controls(topics)).latest()
        champion = latest.get(serving) or next(iter(latest.values()))
        source = (f"the registry of deployment `{topics.settings.app_id}` and a replay of "
                  f"{_described(truth)}")
    else:
        records = [model_record(m, parent=None, policy=state.policy, published_at=None,
                                reason=f"final model of a replay of {events.name}")
                   for m in (state.learner.model, *state.learner.challengers.values())]
        latest = {r["lineage"]: r for r in records}
        champion = latest[state.learner.model.config.name]
        source = f"a replay of {_described(truth)}"
    others = [r for name, r in sorted(latest.items()) if name != champion["lineage"]]
    text = render_model_card(champion, others, evaluation, source)
    out = Path(args.out or "docs/model.md")
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out} ({len(text.splitlines())} lines, champion {champion['version']})",
          file=sys.stderr)
    return 0


def _described(truth_path: Path) -> str:
    """What the evaluation stream was, from its ground truth's header."""
    truth = orjson.loads(truth_path.read_bytes())
    if not isinstance(truth, dict) or "scenario" not in truth:
        return truth_path.name
    return (f"the simulator's `{truth['scenario']}` scenario (seed {truth.get('seed')}, "
            f"{truth.get('days')} days; `brandguard simulate --scenario {truth['scenario']} "
            f"--seed {truth.get('seed')} --days {truth.get('days')}`)")
