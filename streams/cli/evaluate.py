"""``brandguard evaluate``: score detection against the simulator's ground truth.

Scores the alerts given with ``--alerts``; without it, replays the event file
into a temporary folder first and scores what the replay raised (then the
model's delayed-label metrics are shown too). The figures themselves are
computed in :mod:`signals.evaluation.detection`; this module does the file I/O and the
terminal table.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from signals.evaluation.detection import (
    EventsSummary,
    Figures,
    IncidentFigure,
    Share,
    evaluate,
    summarize_events,
)

__all__ = ["format_table", "read_alerts", "read_events_summary", "run_cli"]


def read_events_summary(events_path: Path) -> EventsSummary:
    # Binary iteration splits on b"\n" only, as the replay format requires.
    with events_path.open("rb") as lines:
        return summarize_events(lines)


def read_alerts(alerts_path: Path) -> tuple[list[dict[str, Any]], int]:
    """``alert.v1`` records of a JSON Lines file, and how many lines were not one."""
    alerts: list[dict[str, Any]] = []
    unreadable = 0
    with alerts_path.open("rb") as lines:
        for line in lines:
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError:
                unreadable += 1
                continue
            if isinstance(record, dict):
                alerts.append(record)
            else:
                unreadable += 1
    return alerts, unreadable


def _replayed_alerts(events_path: Path, args: argparse.Namespace | None = None,
                     ) -> tuple[list[dict[str, Any]], int, dict[str, Any], Any]:
    """Alerts of a replay, unreadable lines, model metrics, and (when a challenger,
    control records or segments are asked for) the governance figures."""
    # Imported here: replay pulls in the whole topology, which --alerts does not need.
    import streams.cli.replay as replay

    challenger = getattr(args, "challenger", None)
    controls = getattr(args, "controls", None)
    observe = bool(challenger or controls or getattr(args, "by", None))
    scored: list[Any] = []
    extra = None
    with tempfile.TemporaryDirectory(prefix="brandguard-evaluate-") as folder:
        alerts_path = Path(folder) / "alerts.jsonl"
        dead_path = Path(folder) / "deadletter.jsonl"
        if observe:
            summary, state = replay.replay_governed(
                events_path, alerts_path, dead_path, progress=sys.stderr.isatty(),
                lineages=replay.load_lineages(challenger, controls), on_scored=scored.append)
            extra = (scored, state)
        else:
            summary = replay.replay_file(events_path, alerts_path, dead_path,
                                         progress=sys.stderr.isatty())
        alerts, unreadable = read_alerts(alerts_path)
    return alerts, unreadable, dict(summary.model_metrics), extra


def run_cli(args: argparse.Namespace) -> int:
    events_path, truth_path = Path(args.events), Path(args.truth)
    for path in (events_path, truth_path, *([Path(args.alerts)] if args.alerts else [])):
        if not path.is_file():
            print(f"brandguard evaluate: no such file: {path}", file=sys.stderr)
            return 2
    try:
        truth = orjson.loads(truth_path.read_bytes())
    except orjson.JSONDecodeError as error:
        print(f"brandguard evaluate: {truth_path} is not JSON: {error}", file=sys.stderr)
        return 2
    if not isinstance(truth, dict):
        print(f"brandguard evaluate: {truth_path} is not a ground-truth object", file=sys.stderr)
        return 2
    model_metrics: dict[str, Any] | None = None
    governance = None
    if args.alerts:
        alerts, unreadable = read_alerts(Path(args.alerts))
    else:
        alerts, unreadable, model_metrics, governance = _replayed_alerts(events_path, args)
    if unreadable:
        print(f"brandguard evaluate: skipped {unreadable} alert lines that are not JSON objects",
              file=sys.stderr)
    events_summary = read_events_summary(events_path)
    figures = evaluate(truth, alerts, events_summary, model_metrics)
    sys.stdout.write(format_table(figures))
    report: dict[str, Any] = figures.to_dict()
    if governance is not None:
        from streams.cli.evaluate_governance import governance_report

        extra = governance_report(args, truth, alerts, events_summary, events_path, *governance)
        report.update(extra)
    if args.json:
        Path(args.json).write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n")
    return 0


def _pct(share: Share) -> str:
    value = share.value
    return ("n/a" if value is None else f"{value:.1%}") + f"  ({share.hits}/{share.total})"


def _auc(value: float | int | None) -> str:
    return "n/a" if not isinstance(value, float | int) or value != value else f"{value:.3f}"


def _minutes(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} min"


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{key} {n}" for key, n in counts.items()) or "none"


def _incident_row(incident: IncidentFigure) -> tuple[str, str, str]:
    if incident.delay_minutes is None:
        verdict = "missed"
    else:
        verdict = "within 1h" if incident.within_1h else "late"
    return (f"  {incident.kind} {incident.brand_id}", verdict,
            f"delay {_minutes(incident.delay_minutes)} from {incident.start_time}")


def _header_rows(f: Figures) -> Iterator[tuple[str, str, str]]:
    per_1000 = "n/a" if f.alerts_per_1000_events is None else f"{f.alerts_per_1000_events:.2f}"
    yield ("events", f"{f.events:,}", "")
    yield ("alerts", f"{f.alerts:,}", f"{per_1000} per 1,000 events; "
           f"{f.duplicate_alerts} duplicates, {f.malformed_alerts} malformed skipped")
    yield ("  by entity type", "", _counts(f.alerts_by_entity_type))
    yield ("  by severity", "", _counts(f.alerts_by_severity))


def _listing_rows(f: Figures) -> Iterator[tuple[str, str, str]]:
    delay = f.detection_delay
    yield ("proactive recall", _pct(f.proactive_recall), "alerted before the first report")
    yield ("listing recall", _pct(f.listing_recall), "alerted at all")
    for tactic, recall in f.recall_by_tactic.items():
        yield (f"  {tactic}", _pct(recall.recall), f"proactive {_pct(recall.proactive)}")
    yield ("listing precision", _pct(f.listing_precision),
           f"{f.unknown_listings_flagged} flagged listings not in truth")
    for tactic, share in f.false_positives_by_tactic.items():
        yield (f"  flagged {tactic}", _pct(share), "false positives among these negatives")
    yield ("detection delay", f"median {_minutes(delay.median_minutes)}",
           f"p90 {_minutes(delay.p90_minutes)}, max {_minutes(delay.max_minutes)}, "
           f"n={delay.count} (nearest rank)")


def _tier_rows(f: Figures) -> Iterator[tuple[str, str, str]]:
    yield ("precision per severity", "", "(an entity counts in every tier it was alerted at)")
    for entity, tiers in (("listing", f.listing_precision_by_severity),
                          ("seller", f.seller_precision_by_severity)):
        for severity, share in tiers.items():
            yield (f"  {entity} {severity}", _pct(share), "")
    yield ("implicated sellers bad", _pct(f.implicated_sellers_bad),
           "sellers named by any listing or seller alert")
    yield ("honest sellers alerted", str(sum(f.honest_sellers_alerted.values())),
           _counts(f.honest_sellers_alerted))
    yield ("  with a critical alert", str(sum(f.honest_sellers_critical.values())),
           _counts(f.honest_sellers_critical))
    yield ("reliability (listings)", "infringing", "mean alert score, per score bin")
    for b in f.reliability:
        mean = "n/a" if b.mean_score is None else f"{b.mean_score:.3f}"
        yield (f"  score {b.low:.2f}-{b.high:.2f}", _pct(b.infringing), f"mean score {mean}")


def _seller_and_brand_rows(f: Figures) -> Iterator[tuple[str, str, str]]:
    yield from _tier_rows(f)
    yield ("seller precision", _pct(f.seller_precision),
           f"{f.unknown_sellers_flagged} flagged sellers not in truth")
    yield ("seller recall", _pct(f.seller_recall), "")
    for kind, share in f.seller_recall_by_kind.items():
        yield (f"  {kind}", _pct(share), "bad sellers alerted")
    for kind, share in f.false_positives_by_seller_kind.items():
        yield (f"  flagged {kind}", _pct(share), "false positives among these sellers")
    yield ("incidents within 1h", _pct(f.incidents_detected_within_1h),
           f"{f.false_incident_alerts} brand alerts on brands without an incident")
    yield from (_incident_row(incident) for incident in f.incidents)
    if f.model_metrics is not None:
        auc = [f.model_metrics.get(f"{t}_roc_auc") for t in ("prior", "learned", "served")]
        yield ("progressive AUC", " / ".join(_auc(a) for a in auc),
               "rule prior / learned model / blend served")
        yield ("model (delayed labels)", "", "")
        for name, value in f.model_metrics.items():
            yield (f"  {name}", f"{value:.4g}" if isinstance(value, float) else str(value), "")


def format_table(figures: Figures) -> str:
    """Fixed-width three-column table (figure, value, detail) for a terminal."""
    rows = [*_header_rows(figures), *_listing_rows(figures), *_seller_and_brand_rows(figures)]
    name_width = max(len(row[0]) for row in rows)
    value_width = max(len(row[1]) for row in rows)
    lines = [f"{name:<{name_width}}  {value:<{value_width}}  {detail}".rstrip()
             for name, value, detail in rows]
    return "\n".join(lines) + "\n"
