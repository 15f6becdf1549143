"""``make bench``: every live benchmark on one broker, then replay; one table, one JSON file.

In order, each against a baseline measured in the same run (the machine is
shared and noisy: only the ratios mean something from one run to the next):

1. catch-up (``bench_catchup``): a dense and a sparse scenario, one worker vs the
   no-op Faust agent and vs a confluent-kafka + orjson loop, median of ``--runs``;
   then scale-out, two workers vs one on the dense scenario;
2. latency (``bench_latency``): event-to-alert p50/p99 at 1k and 5k events/s;
3. memory (``bench_memory``): worker RSS after N/2 and N records, growing sellers;
4. replay (``bench_replay``): compiled and plain builds vs an orjson loop.

The default sizes fit in about 15 minutes on two shared cores; ``--full`` uses
the issue's sizes (hours). The table says which size and how many runs each
figure used. Results go to ``bench/results/latest.json``.

    .venv/bin/python bench/run_all.py [--full] [--only catchup,latency,memory,replay]
        [--compiled .venv-compiled] [--out bench/results/latest.json]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_catchup
import bench_latency
import bench_memory
from harness import ROOT, Lab, spread_text

PARTS = ("catchup", "latency", "memory", "replay")


def table(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(figure, value, what it is measured against, size and runs) rows."""
    rows: list[tuple[str, str, str, str]] = []
    cu = results.get("catchup")
    if cu:
        for label in ("dense", "sparse"):
            if label not in cu:
                continue
            r = cu[label]
            sc = r["scenario"]
            size = (f"{cu['size']}: {sc['records']:,} rec, {sc['per_event_hour']:,}/ev-h; "
                    f"median of {r['runs']}")
            worker = r["worker"]["per_s"]
            forced = sorted(w.get("epoch_forced", 0) for w in r["worker"]["raw"])
            rows.append((f"catch-up {label}: worker / no-op Faust agent",
                         spread_text(r["worker_vs_noop"], 3),
                         f"worker {worker['median']:,.0f}/s, no-op "
                         f"{r['noop']['per_s']['median']:,.0f}/s; epoch-forced "
                         f"{forced[len(forced) // 2]:,.0f}/run", size))
            if "worker_vs_noop_inline" in r:
                rows.append((f"catch-up {label}: worker / no-op, inline hand-over",
                             spread_text(r["worker_vs_noop_inline"], 3),
                             f"no-op on the worker's consumer "
                             f"{r['noop_inline']['per_s']['median']:,.0f}/s", size))
            rows.append((f"catch-up {label}: worker / confluent+orjson",
                         spread_text(r["worker_vs_confluent"], 3),
                         f"confluent {r['confluent']['per_s']['median']:,.0f}/s", size))
            rows.append((f"catch-up {label}: worker CPU per event / no-op",
                         spread_text(r["worker_vs_noop_cpu"], 1, "x"),
                         f"worker {r['worker']['cpu_ms_per_1k']['median']:,.0f} ms CPU/1k",
                         size))
        so = cu.get("scale_out")
        if so:
            size = f"{cu['size']}: dense; {so['runs']} paired run(s)"
            if "two_vs_one" in so:
                forced = [sum(x.get("epoch_forced", 0) for x in so[k]["raw"]) / len(so[k]["raw"])
                          for k in ("two", "one")]
                rows.append(("scale-out: 2 workers / 1 worker", spread_text(so["two_vs_one"], 2),
                             f"2 workers {so['two']['per_s']['median']:,.0f}/s, 1 worker "
                             f"{so['one']['per_s']['median']:,.0f}/s; epoch-forced "
                             f"{forced[0]:,.0f} / {forced[1]:,.0f} per run", size))
            else:
                rows.append(("scale-out: 2 workers / 1 worker", "DID NOT FINISH",
                             f"{len(so['failures'])} of {so['runs']} runs stalled", size))
    lat = results.get("latency")
    if lat:
        for r in lat.values():
            if not isinstance(r, dict):
                continue
            runs = r.get("runs", 1)
            size = (f"{lat['size']}: {r['seconds']:.0f} s window, median of {runs}; "
                    f"{r['matched']:,} alerts")
            kept = f"kept up in {r.get('kept_up_runs', int(r['kept_up']))} of {runs}"
            if not r["kept_up"]:
                kept += (f"; median {r['done_in_window']:,.0f} of {r['sent']:,} done in the "
                         "window")
            rows.append((f"latency at {int(r['rate']):,}/s: p50 / p99",
                         bench_latency.latency_cell(r),
                         f"produce to alert arrival; {kept}", size))
            rows.append((f"latency at {int(r['rate']):,}/s: alert / Kafka alone, p50 / p99",
                         f"{r['p50_vs_kafka']:,.0f}x / {r['p99_vs_kafka']:,.0f}x",
                         f"input record produce to arrival: {r['kafka_p50_s'] * 1e3:,.0f} / "
                         f"{r['kafka_p99_s'] * 1e3:,.0f} ms", size))
    mem = results.get("memory")
    if mem:
        m, rss = mem["marks"], mem["rss_mb"]
        runs = mem.get("runs", 1)
        rows.append(("memory: worker RSS growth N/2 -> N", bench_memory.growth_text(mem),
                     f"{rss[1]:,.0f} MiB at {m[1]:,} -> {rss[3]:,.0f} MiB at {m[3]:,} "
                     f"({mem['sellers'][1]:,} -> {mem['sellers'][3]:,} sellers), medians",
                     f"{mem['size']}: N={mem['records']:,}; median of {runs}"))
        noop = mem.get("noop_rss_mb")
        if noop:
            rows.append(("memory: no-op Faust agent RSS growth N/2 -> N",
                         f"{bench_memory.growth_pct(noop):+.1f}%",
                         f"{noop[1]:,.0f} MiB -> {noop[3]:,.0f} MiB, same topics",
                         f"{mem['size']}: N={mem['records']:,}; 1 run"))
    rep = results.get("replay")
    if rep:
        size = f"{rep.get('source', '')}; best of {rep.get('repeat')}"
        for kind in ("compiled", "python"):
            if kind in rep:
                r = rep[kind]
                rows.append((f"replay {'compiled' if kind == 'compiled' else 'plain'}: "
                             "replay / orjson loop", f"{r['ratio']:.4f}",
                             f"replay {r['replay_per_s']:,.0f}/s, orjson "
                             f"{r['orjson_per_s']:,.0f}/s (CPU time)", size))
        if "compiled" in rep and "python" in rep:
            speedup = rep["compiled"]["replay_per_s"] / rep["python"]["replay_per_s"]
            rows.append(("replay: compiled / plain", f"{speedup:.2f}x", "same lines, same run",
                         size))
    return rows


def render(rows: list[tuple[str, str, str, str]]) -> str:
    head = ("figure", "ratio / value (median [min-max])", "against, same run", "size")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)), line]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def run_replay(compiled: Path | None, full: bool) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [sys.executable, str(ROOT / "bench" / "bench_replay.py"), "--json", out.name,
               "--repeat", "5" if full else "3"]
        if compiled is not None:
            cmd += ["--compiled", str(compiled)]
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        subprocess.run(cmd, check=True, env=env, stdout=sys.stderr)
        return dict(orjson.loads(Path(out.name).read_bytes()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the issue's sizes (hours)")
    parser.add_argument("--only", default=",".join(PARTS),
                        help=f"comma-separated subset of {', '.join(PARTS)}")
    parser.add_argument("--compiled", default=str(ROOT / ".venv-compiled"),
                        help="compiled build the workers run on (make compiled); "
                             "'' for plain Python")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument("--trace", action="store_true", help="progress every 5 s")
    parser.add_argument("--table-from", type=Path, metavar="JSON",
                        help="only print the table of an earlier run's results file")
    bench_catchup.add_arguments(parser)
    bench_latency.add_arguments(parser)
    bench_memory.add_arguments(parser)
    parser.set_defaults(timeout=900.0)
    args = parser.parse_args(argv)
    if args.table_from:
        saved = orjson.loads(args.table_from.read_bytes())
        print(render(table(saved)))
        wall = saved.get("meta", {}).get("wall_s")
        if wall:
            print(f"wall time {wall / 60:.1f} min ({saved['meta'].get('size')} sizes)")
        return 0
    parts = set(args.only.split(","))
    if unknown := parts - set(PARTS):
        parser.error(f"unknown parts {unknown}")
    compiled = Path(args.compiled) if args.compiled else None
    if compiled is not None and not (compiled / "bin" / "python").exists():
        parser.error(f"no compiled build in {compiled}: make compiled")
    started = time.monotonic()
    results: dict[str, Any] = {}
    timings: dict[str, float] = {}
    if parts & {"catchup", "latency", "memory"}:
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp, Lab(Path(tmp), compiled) as lab:
            for name, module in (("catchup", bench_catchup), ("latency", bench_latency),
                                 ("memory", bench_memory)):
                if name in parts:
                    print(f"== {name}", file=sys.stderr)
                    t0 = time.monotonic()
                    results[name] = module.measure(lab, args)
                    timings[name] = time.monotonic() - t0
    if "replay" in parts:
        print("== replay", file=sys.stderr)
        t0 = time.monotonic()
        results["replay"] = run_replay(compiled, args.full)
        timings["replay"] = time.monotonic() - t0
    wall = time.monotonic() - started
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True, check=False).stdout.strip()
    meta = {"size": "full" if args.full else "default", "wall_s": wall, "part_s": timings,
            "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "commit": commit,
            "cpus": os.cpu_count(), "loadavg": os.getloadavg(), "python": platform.python_version(),
            "build": "compiled" if compiled else "python"}
    rows = table(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(orjson.dumps({"meta": meta, "table": rows, **results},
                                      option=orjson.OPT_INDENT_2))
    print(render(rows))
    parts_s = ", ".join(f"{k} {v:.0f} s" for k, v in timings.items())
    print(f"wall time {wall / 60:.1f} min ({parts_s}); written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
