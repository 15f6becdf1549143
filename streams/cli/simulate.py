"""``brandguard simulate``: write a synthetic marketplace event file (JSON Lines)
and, optionally, its ground truth, then print a short summary."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

import orjson

from signals.evaluation.simulator import Simulation, scenario_config, simulate

__all__ = ["run_cli", "summarize", "write_simulation"]


def write_simulation(sim: Simulation, out: Path, truth: Path | None = None) -> None:
    """Write the lines (each ending in ``\\n``) and the truth document."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as handle:
        for line in sim.lines:
            handle.write(line)
            handle.write(b"\n")
    if truth is not None:
        truth.parent.mkdir(parents=True, exist_ok=True)
        truth.write_bytes(orjson.dumps(sim.truth, option=orjson.OPT_INDENT_2) + b"\n")


def _schema_counts(lines: list[bytes]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for line in lines:
        try:
            record: Any = orjson.loads(line)
        except orjson.JSONDecodeError:
            counts["(not JSON)"] += 1
            continue
        counts[str(record.get("schema")) if isinstance(record, dict) else "(not an object)"] += 1
    return counts


def summarize(sim: Simulation, elapsed_s: float, stream: TextIO) -> None:
    """Human-readable figures of a run: what was generated and how much of it is bad."""
    truth = sim.truth
    listings = truth["listings"].values()
    sellers = truth["sellers"].values()
    tactics = Counter(item["tactic"] for item in listings)
    print(f"{truth['events']:,} lines in {elapsed_s:.2f} s (scenario {truth['scenario']}, "
          f"seed {truth['seed']}, {truth['days']:g} days from {truth['start_time']})", file=stream)
    for schema, count in sorted(_schema_counts(sim.lines).items()):
        print(f"  {schema:<12} {count:>8,}", file=stream)
    print(f"listings {len(truth['listings']):,}: "
          f"{sum(item['infringing'] for item in listings):,} infringing; "
          + ", ".join(f"{k} {v:,}" for k, v in sorted(tactics.items())), file=stream)
    print(f"sellers {len(truth['sellers']):,}: {sum(s['bad'] for s in sellers):,} bad", file=stream)
    for incident in truth["incidents"]:
        print(f"incident {incident['kind']} on {incident['brand_id']} at "
              f"{incident['start_time']}: {len(incident['sellers'])} sellers", file=stream)
    bad = ", ".join(f"{k} {v}" for k, v in truth["bad_records"].items())
    print(f"duplicates {truth['duplicates']:,}; malformed: {bad}", file=stream)


def run_cli(args: argparse.Namespace) -> int:
    try:
        config = scenario_config(args.scenario, seed=args.seed, days=args.days, scale=args.scale)
    except ValueError as err:
        print(f"brandguard simulate: {err}", file=sys.stderr)
        return 2
    started = time.monotonic()
    sim = simulate(config)
    write_simulation(sim, Path(args.out), Path(args.truth) if args.truth else None)
    summarize(sim, time.monotonic() - started, sys.stdout)
    return 0
