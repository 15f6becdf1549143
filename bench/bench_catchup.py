"""Live catch-up on a real broker: the worker against a no-op Faust agent and a confluent loop.

Two scenarios are produced once each into their own 8-partition topics, a
dense one (many events per event-time hour) and a sparse 7-day one. Then, run
after run (interleaved, so drift on the shared machine hits all three alike),
each of these reads a whole scenario from the start with a fresh consumer group:

- one ``brandguard worker`` (the compiled build, as ``make run``);
- the no-op Faust agent (``bench/noop_agent.py``): the worker's consumer
  settings, no processing, faust-streaming's own per-record hand-over from the
  fetcher to the stream (the issue's baseline);
- the same no-op agent with the worker's inline hand-over
  (``FastFetchConsumer.wait_first``): what Faust costs the worker itself;
- a confluent-kafka consume-and-``orjson.loads`` loop (``bench/confluent_loop.py``).

Rates are records over the time from the process answering ``/metrics`` (group
join included) to the last input record done. Printed as ratios: worker / no-op
and worker / confluent, median of the paired ratios of each run, with min and max.
``--scale-out`` also runs two workers together on the dense scenario, against
the one-worker runs.

Default sizes fit ``make bench``'s 15 minutes (dense: 6 days at scale 6,
180,802 records, 1,255 per event-time hour, above the issue's floor of 150k
and 500; sparse: 7 days at scale 0.5); ``--full`` uses larger ones (dense: 12
days at scale 6, 586,781 records; sparse: 7 days at scale 1).

    .venv/bin/python bench/bench_catchup.py [--full] [--runs 3] [--scale-out]
        [--compiled .venv-compiled] [--json out.json]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (
    ROOT,
    Lab,
    Loaded,
    noop_done,
    run_alone,
    run_until_done,
    simulated,
    spread,
    worker_done,
)

#: what the worker is compared with, each reading the same scenario in the same round
BASELINES = ("noop", "noop_inline", "confluent")
READERS = ("worker", *BASELINES)

#: scenario -> (simulator name, seed, days, scale) at the default and at --full size
SIZES: dict[str, dict[str, tuple[str, int, float, float]]] = {
    # the floor for the dense one: 150k records, 500 per event-time hour
    "dense": {"default": ("mixed", 7, 6.0, 6.0), "full": ("mixed", 7, 12.0, 6.0)},
    "sparse": {"default": ("mixed", 3, 7.0, 0.5), "full": ("mixed", 3, 7.0, 1.0)},
}


def load_scenario(lab: Lab, label: str, size: str,
                  override: tuple[float, float] | None = None) -> Loaded:
    name, seed, days, scale = SIZES[label][size]
    if override:
        days, scale = override
        size = "custom"
    started = time.monotonic()
    lines = simulated(name, seed=seed, days=days, scale=scale)
    simulated_s = time.monotonic() - started
    loaded = lab.load(label, f"bench-{label}", lines,
                      f"{name} seed {seed}, {days:g} days, scale {scale:g} ({size})")
    print(f"  {label}: {loaded.records:,} records, {loaded.per_event_hour:,.0f} per event-time "
          f"hour, {loaded.sellers:,} sellers; simulated in {simulated_s:.0f} s, produced in "
          f"{loaded.produce_s:.0f} s", file=sys.stderr)
    return loaded


def one_worker(lab: Lab, loaded: Loaded, timeout: float, trace: bool,
               workers: int = 1) -> dict[str, Any]:
    app_id = lab.app_id(f"cu-{loaded.label}-w{workers}-")
    procs = [lab.worker(loaded, app_id, index=i) for i in range(workers)]
    try:
        return run_until_done(procs, worker_done(loaded), loaded.records, timeout, trace=trace)
    finally:
        for proc in procs:
            lab.forget(proc)


def one_noop(lab: Lab, loaded: Loaded, timeout: float, trace: bool,
             handover: str = "faust") -> dict[str, Any]:
    proc = lab.noop(loaded, lab.app_id(f"noop-{handover}-{loaded.label}-"), handover)
    try:
        return run_until_done([proc], noop_done, loaded.records, timeout, trace=trace)
    finally:
        lab.forget(proc)


def catchup(lab: Lab, loaded: Loaded, runs: int, timeout: float,
            trace: bool = False) -> dict[str, Any]:
    """``runs`` interleaved rounds of worker, the two no-op agents and confluent loop.

    Each round starts with the next of them in turn: whichever consumer runs
    first in a round was measured 10-25 % slower (docs/performance.md), so a fixed
    order would bias every ratio."""
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in READERS}
    measure: dict[str, Callable[[], dict[str, Any]]] = {
        "worker": lambda: one_worker(lab, loaded, timeout, trace),
        "noop": lambda: one_noop(lab, loaded, timeout, trace),
        "noop_inline": lambda: one_noop(lab, loaded, timeout, trace, "inline"),
        "confluent": lambda: lab.confluent(loaded, lab.app_id(f"ck-{loaded.label}-"), timeout)}
    kinds = list(rows)
    for i in range(runs):
        for kind in kinds[i % len(kinds):] + kinds[:i % len(kinds)]:
            rows[kind].append(measure[kind]())
        print(f"  {loaded.label} round {i + 1}/{runs}: " + ", ".join(
            f"{k} {v[-1]['per_s']:,.0f}/s" for k, v in rows.items()), file=sys.stderr)
    out: dict[str, Any] = {"scenario": loaded.summary(), "runs": runs}
    for kind, results in rows.items():
        out[kind] = {"per_s": spread([r["per_s"] for r in results]),
                     "cpu_ms_per_1k": spread([r["cpu_ms_per_1k"] for r in results]),
                     "raw": results}
    for base in BASELINES:
        out[f"worker_vs_{base}"] = spread([w["per_s"] / b["per_s"]
                                           for w, b in zip(rows["worker"], rows[base],
                                                           strict=True)])
        out[f"worker_vs_{base}_cpu"] = spread([w["cpu_ms_per_1k"] / b["cpu_ms_per_1k"]
                                               for w, b in zip(rows["worker"], rows[base],
                                                               strict=True)])
    return out


def scale_out(lab: Lab, loaded: Loaded, runs: int, timeout: float, one: dict[str, Any],
              trace: bool = False) -> dict[str, Any]:
    """Two workers in one group on the scenario, against the one-worker runs of ``one``
    (and, each round, one more one-worker run paired with it: before it in even
    rounds, after it in odd ones, as the first run of a round is the slower)."""
    pairs = []
    failures: list[str] = []
    for i in range(runs):
        single = one_worker(lab, loaded, timeout, trace) if i % 2 == 0 else None
        try:
            double = one_worker(lab, loaded, timeout, trace, workers=2)
        except RuntimeError as exc:  # reported, not fatal: the other figures still count
            failures.append(str(exc)[:2000])
            print(f"  scale-out round {i + 1}/{runs}: 2 workers did not finish: "
                  f"{str(exc).splitlines()[0]}", file=sys.stderr)
            continue
        if single is None:
            single = one_worker(lab, loaded, timeout, trace)
        pairs.append((single, double))
        print(f"  scale-out round {i + 1}/{runs}: 1 worker {single['per_s']:,.0f}/s, "
              f"2 workers {double['per_s']:,.0f}/s", file=sys.stderr)
    if not pairs:
        return {"scenario": loaded.label, "runs": runs, "failures": failures}
    return {"scenario": loaded.label, "runs": runs, "failures": failures,
            "one": {"per_s": spread([p[0]["per_s"] for p in pairs]),
                    "raw": [p[0] for p in pairs]},
            "two": {"per_s": spread([p[1]["per_s"] for p in pairs]),
                    "raw": [p[1] for p in pairs]},
            "two_vs_one": spread([p[1]["per_s"] / p[0]["per_s"] for p in pairs]),
            "two_vs_one_catchup_median": spread(
                [p[1]["per_s"] / one["worker"]["per_s"]["median"] for p in pairs])}


def _days_scale(text: str) -> tuple[float, float]:
    days, scale = text.split(":")
    return float(days), float(scale)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=int, default=3, help="rounds per scenario (median)")
    parser.add_argument("--scenarios", default="dense,sparse")
    parser.add_argument("--dense", type=_days_scale, metavar="DAYS:SCALE",
                        help="override the dense scenario's size")
    parser.add_argument("--sparse", type=_days_scale, metavar="DAYS:SCALE",
                        help="override the sparse scenario's size")
    parser.add_argument("--scale-out-runs", type=int, default=None, metavar="N",
                        help="rounds of 1 vs 2 workers on the dense scenario "
                             "(default 3; 0 = skip)")
    parser.add_argument("--timeout", type=float, default=900.0, help="per run, seconds")
    parser.add_argument("--scale-out-timeout", type=float, default=None,
                        help="per two-worker run (default: --timeout)")


def measure(lab: Lab, args: argparse.Namespace) -> dict[str, Any]:
    size = "full" if args.full else "default"
    results: dict[str, Any] = {"size": "custom" if args.dense or args.sparse else size}
    loaded = {label: load_scenario(lab, label, size, getattr(args, label))
              for label in args.scenarios.split(",")}
    for label, scenario in loaded.items():
        results[label] = catchup(lab, scenario, args.runs, args.timeout, args.trace)
    runs = args.scale_out_runs if args.scale_out_runs is not None else 3
    if runs and "dense" in loaded:
        results["scale_out"] = scale_out(lab, loaded["dense"], runs,
                                         args.scale_out_timeout or args.timeout,
                                         results["dense"], args.trace)
    return results


def report(results: dict[str, Any]) -> list[str]:
    lines = []
    for label in ("dense", "sparse"):
        if label not in results:
            continue
        r = results[label]
        sc = r["scenario"]
        lines.append(f"{label}: {sc['records']:,} records, {sc['per_event_hour']:,} per "
                     f"event-time hour ({sc['description']}), {r['runs']} runs")
        for kind in READERS:
            s = r[kind]["per_s"]
            lines.append(f"  {kind:<12} {s['median']:>9,.0f} events/s "
                         f"(min {s['min']:,.0f}, max {s['max']:,.0f})")
        for base in BASELINES:
            s = r[f"worker_vs_{base}"]
            lines.append(f"  worker / {base:<11} {s['median']:.3f} (min {s['min']:.3f}, "
                         f"max {s['max']:.3f})")
    if "scale_out" in results and "two_vs_one" not in results["scale_out"]:
        lines.append(f"scale-out, 2 workers / 1: not measured, the two workers did not "
                     f"finish ({len(results['scale_out']['failures'])} of "
                     f"{results['scale_out']['runs']} runs)")
    elif "scale_out" in results:
        s = results["scale_out"]["two_vs_one"]
        lines.append(f"scale-out, 2 workers / 1: {s['median']:.2f} (min {s['min']:.2f}, "
                     f"max {s['max']:.2f}, {s['n']} runs)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--full", action="store_true",
                        help="the issue's sizes (dense 586,781 records; slow)")
    parser.add_argument("--compiled", default=str(ROOT / ".venv-compiled"),
                        help="compiled build the worker runs on (make compiled); "
                             "'' for plain Python")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--trace", action="store_true", help="progress every 5 s")
    args = parser.parse_args(argv)
    return run_alone("bench-catchup-", args, measure, report)


if __name__ == "__main__":
    raise SystemExit(main())
