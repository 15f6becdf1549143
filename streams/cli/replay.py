"""``brandguard replay``: run the topology over a JSON Lines file."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from signals.contract.alert import Alert, encode_alert
from signals.contract.deadletter import DeadLetter, encode_deadletter
from signals.governance.control import read_control
from signals.governance.lineages import Lineages
from signals.governance.observation import ScoredListing
from signals.governance.spec import parse_spec
from signals.pipeline import PipelineState, governed_state
from signals.replay import ReplaySummary, replay_lines
from streams.cli.progress import Progress
from streams.worker.monitoring.build_info import running_build

__all__ = ["load_lineages", "replay_file", "replay_governed", "run_cli"]


def load_lineages(challenger: str | None, controls: str | None) -> Lineages | None:
    """The challenger setting and the control records of a JSON Lines file (as
    ``brandguard model history --json`` prints them), or None for neither."""
    if not challenger and not controls:
        return None
    records = [] if not controls else [
        read_control(line) for line in Path(controls).read_bytes().split(b"\n") if line.strip()]
    return Lineages(parse_spec(challenger) if challenger else None, records)


def replay_file(events_path: Path, alerts_path: Path, deadletter_path: Path, *,
                progress: bool = True, state_path: Path | None = None,
                lineages: Lineages | None = None) -> ReplaySummary:
    """Replay ``events_path``; write alerts and dead letters as JSON Lines. With
    ``lineages``, the challenger shadow-scores and promotions switch the champion."""
    summary, _ = replay_governed(events_path, alerts_path, deadletter_path, progress=progress,
                                 state_path=state_path, lineages=lineages)
    return summary


def replay_governed(events_path: Path, alerts_path: Path, deadletter_path: Path, *,
                    progress: bool = True, state_path: Path | None = None,
                    lineages: Lineages | None = None,
                    on_scored: Callable[[ScoredListing], None] | None = None,
                    ) -> tuple[ReplaySummary, PipelineState]:
    """:func:`replay_file`, also handing every scored listing to ``on_scored`` (when
    given), and returning the final state."""
    # Lines split on b"\n" only: U+2028 and U+0085 inside JSON strings are not breaks.
    lines = Path(events_path).read_bytes().split(b"\n")
    bar = Progress(len(lines), "replay", enabled=progress)
    with open(alerts_path, "wb") as alerts_out, open(deadletter_path, "wb") as dead_out:
        def on_alert(alert: Alert) -> None:
            alerts_out.write(encode_alert(alert) + b"\n")

        def on_dead(dead: DeadLetter) -> None:
            dead_out.write(encode_deadletter(dead) + b"\n")

        start = None if lineages is None and on_scored is None else governed_state(
            lineages, observe=on_scored is not None)
        summary, state = replay_lines(lines, Path(events_path).name, time.time, on_alert,
                                      on_dead, state=start, progress=bar.update,
                                      on_scored=on_scored)
    bar.close(len(lines))
    if state_path is not None:
        from signals.processors.snapshot import pipeline_snapshot

        Path(state_path).write_bytes(orjson.dumps(pipeline_snapshot(state),
                                                  option=orjson.OPT_SORT_KEYS))
    return summary, state


def run_cli(args: argparse.Namespace) -> int:
    started = time.monotonic()
    summary = replay_file(Path(args.events), Path(args.alerts), Path(args.deadletter),
                          progress=not args.quiet,
                          state_path=Path(args.state) if args.state else None,
                          lineages=load_lineages(args.challenger, args.controls))
    elapsed = time.monotonic() - started
    dead = sum(summary.dead_letters.values())
    print(f"replayed {summary.events:,} records in {elapsed:.2f}s "
          f"({summary.events / max(elapsed, 1e-9):,.0f}/s): {summary.processed:,} processed, "
          f"{summary.duplicates:,} duplicates skipped, {dead:,} dead-lettered "
          f"{dict(sorted(summary.dead_letters.items()))}, {summary.alerts:,} alerts "
          f"{dict(sorted(summary.alerts_by.items()))}, {summary.labels:,} labels learned; "
          f"{running_build().describe()}", file=sys.stderr)
    return 0
