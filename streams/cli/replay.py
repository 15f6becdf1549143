"""``brandguard replay``: run the topology over a JSON Lines file."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import orjson

from signals.contract.alert import Alert, encode_alert
from signals.contract.deadletter import DeadLetter, encode_deadletter
from signals.replay import ReplaySummary, replay_lines
from streams.cli.progress import Progress
from streams.worker.monitoring.build_info import running_build

__all__ = ["replay_file", "run_cli"]


def replay_file(events_path: Path, alerts_path: Path, deadletter_path: Path, *,
                progress: bool = True, state_path: Path | None = None) -> ReplaySummary:
    """Replay ``events_path``; write alerts and dead letters as JSON Lines."""
    # Lines split on b"\n" only: U+2028 and U+0085 inside JSON strings are not breaks.
    lines = Path(events_path).read_bytes().split(b"\n")
    bar = Progress(len(lines), "replay", enabled=progress)
    with open(alerts_path, "wb") as alerts_out, open(deadletter_path, "wb") as dead_out:
        def on_alert(alert: Alert) -> None:
            alerts_out.write(encode_alert(alert) + b"\n")

        def on_dead(dead: DeadLetter) -> None:
            dead_out.write(encode_deadletter(dead) + b"\n")

        summary, state = replay_lines(lines, Path(events_path).name, time.time, on_alert,
                                      on_dead, progress=bar.update)
    bar.close(len(lines))
    if state_path is not None:
        from signals.processors.snapshot import pipeline_snapshot

        Path(state_path).write_bytes(orjson.dumps(pipeline_snapshot(state),
                                                  option=orjson.OPT_SORT_KEYS))
    return summary


def run_cli(args: argparse.Namespace) -> int:
    started = time.monotonic()
    summary = replay_file(Path(args.events), Path(args.alerts), Path(args.deadletter),
                          progress=not args.quiet,
                          state_path=Path(args.state) if args.state else None)
    elapsed = time.monotonic() - started
    dead = sum(summary.dead_letters.values())
    print(f"replayed {summary.events:,} records in {elapsed:.2f}s "
          f"({summary.events / max(elapsed, 1e-9):,.0f}/s): {summary.processed:,} processed, "
          f"{summary.duplicates:,} duplicates skipped, {dead:,} dead-lettered "
          f"{dict(sorted(summary.dead_letters.items()))}, {summary.alerts:,} alerts "
          f"{dict(sorted(summary.alerts_by.items()))}, {summary.labels:,} labels learned; "
          f"{running_build().describe()}", file=sys.stderr)
    return 0
