"""Worker memory as its seller population grows: RSS after N/2 and after N input records.

The input is a chain of simulated days, each a ``mixed`` scenario with its own
seed (so its own sellers) moved to the day after the previous one: the seller
population grows steadily with the records (the brand registry is the first
day's). It is produced once, then one worker (compiled build) reads it from the
start; its resident set size (``VmRSS`` from ``/proc``) is sampled when it has
done N/4, N/2, 3N/4 and N records. Printed: RSS at each mark, and the growth
from N/2 to N in percent of the RSS at N/2 (the baseline of the same run), with
the distinct sellers seen so far in the file. Then the no-op Faust agent
(``bench/noop_agent.py``: the worker's consumer settings, no processing, no
state) reads the same topics and its RSS is sampled at the same marks: what the
framework alone grows by on this input (``--no-noop`` skips it).

Default N fits ``make bench`` (40k, three worker runs, each from the start under
a new group: the median RSS at each mark and growth, with min and max);
``--full`` is the issue's 2M (marks at 1M and 2M; one run by default, 15-60
minutes on two cores; ``--memory-runs`` for more).

    .venv/bin/python bench/bench_memory.py [--records 40000 | --full]
        [--compiled .venv-compiled] [--json out.json]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (
    ROOT,
    Lab,
    Loaded,
    noop_done,
    rss_mb,
    run_alone,
    run_until_done,
    simulated,
    spread,
    spread_text,
    worker_done,
)

from signals.contract.timefmt import parse_rfc3339

DAY = 86_400.0
#: one simulated day per chunk: ~22k records and ~2.7k sellers at scale 10
CHUNK_SCALE = 10.0
_TIME_FIELDS = ("event_time", "seller_since")


def _format(ts: float) -> str:
    ms = round(ts * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


def _shift(line: bytes, seconds: float) -> bytes:
    if seconds == 0:
        return line
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return line  # a deliberately broken record: dead-lettered whatever its time
    if not isinstance(record, dict):
        return line
    for name in _TIME_FIELDS:
        value = record.get(name)
        if isinstance(value, str):
            try:
                record[name] = _format(parse_rfc3339(value) + seconds)
            except ValueError:
                continue
    return orjson.dumps(record)


_TABLE_SERIES = {"brandguard_table_keys": "keys", "brandguard_table_bytes": "mb",
                 "brandguard_state_evictions_total": "evicted"}
_SERIES = re.compile(r'^(\w+)\{table="(\w+)"\} (\S+)$', re.M)


#: prometheus_client writes labels sorted by name
_ROCKSDB = re.compile(r'^brandguard_rocksdb_memory_bytes\{kind="(\w+)",table="(\w+)"\} (\S+)$',
                     re.M)


def table_figures(text: str | None) -> dict[str, dict[str, float]]:
    """Per state table: keys live in memory, MiB of them serialised, evictions so far,
    and MiB of RocksDB memory by kind (``rocksdb_memtables`` ...)."""
    tables: dict[str, dict[str, float]] = {}
    for name, table, value in _SERIES.findall(text or ""):
        field_name = _TABLE_SERIES.get(name)
        if field_name is not None:
            scale = 2**20 if field_name == "mb" else 1
            tables.setdefault(table, {})[field_name] = float(value) / scale
    for kind, table, value in _ROCKSDB.findall(text or ""):
        tables.setdefault(table, {})[f"rocksdb_{kind}"] = float(value) / 2**20
    return tables


def growing_population(records: int, seed: int = 100) -> tuple[list[bytes], list[int]]:
    """At least ``records`` lines, one simulated day per seed, each day after the last;
    and the distinct sellers seen up to each quarter of ``records``."""
    lines: list[bytes] = []
    day = 0
    while len(lines) < records:
        chunk = simulated("mixed", seed=seed + day, days=1.0, scale=CHUNK_SCALE)
        if day:
            chunk = [_shift(line, day * DAY) for line in chunk
                     if b'"schema":"brand.v1"' not in line]
        lines.extend(chunk)
        day += 1
    lines = lines[:records]
    marks = [records // 4, records // 2, 3 * records // 4, records]
    sellers: set[bytes] = set()
    counts = []
    key = b'"seller_id":"'
    for i, line in enumerate(lines, 1):
        at = line.find(key)
        if at >= 0:
            start = at + len(key)
            sellers.add(line[start:line.find(b'"', start)])
        if i in marks:
            counts.append(len(sellers))
    return lines, counts


def measure(lab: Lab, args: argparse.Namespace) -> dict[str, Any]:
    records = args.records or (2_000_000 if args.full else 40_000)
    started = time.monotonic()
    lines, sellers = growing_population(records)
    built = time.monotonic() - started
    loaded = lab.load("memory", "bench-memory", lines,
                      f"{records:,} records: {len(lines) // 22_000 + 1} chained simulated days")
    del lines
    print(f"  memory: {loaded.records:,} records, {sellers[-1]:,} sellers; built in {built:.0f} s, "
          f"produced in {loaded.produce_s:.0f} s", file=sys.stderr)
    cache = getattr(args, "state_cache_size", None)
    cache_mb = getattr(args, "state_cache_mb", None)
    extra = {"BRANDGUARD_STATE_CACHE_SIZE": str(cache)} if cache else {}
    if cache_mb:
        extra["BRANDGUARD_STATE_CACHE_MB"] = str(cache_mb)
    marks = [records // 4, records // 2, 3 * records // 4, records]
    runs = getattr(args, "memory_runs", None) or (1 if args.full else 3)
    raw = []
    for i in range(runs):  # each run a new group: the same records from the start
        raw.append(one_run(lab, loaded, marks, extra, args))
        print(f"  memory run {i + 1}/{runs}: RSS " + ", ".join(
            f"{v:,.0f}" for v in raw[-1]["rss_mb"]) + f" MiB, growth "
            f"{growth_pct(raw[-1]['rss_mb']):+.1f}%", file=sys.stderr)
    rss = [statistics.median(r["rss_mb"][i] for r in raw) for i in range(len(marks))]
    growth = spread([growth_pct(r["rss_mb"]) for r in raw])
    noop = noop_rss(lab, loaded, marks, args) if getattr(args, "noop", True) else None
    return {"noop_rss_mb": noop,
            "size": "full" if args.full else ("custom" if args.records else "default"),
            "runs": runs, "records": records, "scenario": loaded.summary(),
            "marks": marks, "rss_mb": rss, "sellers": sellers,
            "state_cache_size": cache, "state_cache_mb": cache_mb,
            "tables": raw[len(raw) // 2]["tables"], "raw": raw,
            "growth_half_to_full_pct": growth["median"], "growth_spread": growth,
            "mb_per_1k_sellers_second_half": (rss[3] - rss[1]) / max(1, sellers[3] - sellers[1])
            * 1e3,
            "worker_per_s": statistics.median(r["per_s"] for r in raw)}


def one_run(lab: Lab, loaded: Loaded, marks: list[int], extra: dict[str, str],
            args: argparse.Namespace) -> dict[str, Any]:
    """One worker from the start of the records: its RSS and tables at each mark."""
    worker = lab.worker(loaded, lab.app_id("mem-"), extra=extra)
    rss: dict[int, float] = {}
    tables: dict[int, dict[str, dict[str, float]]] = {}

    def sample(mark: int, _now: float) -> None:
        rss[mark] = rss_mb(worker.popen.pid)
        tables[mark] = table_figures(worker.metrics())

    try:
        timing = run_until_done([worker], worker_done(loaded), marks[-1], args.timeout,
                                at=marks, on_mark=sample, trace=args.trace)
    finally:
        lab.forget(worker)
    return {"rss_mb": [rss[m] for m in marks], "tables": [tables.get(m, {}) for m in marks],
            "per_s": timing["per_s"]}


def noop_rss(lab: Lab, loaded: Loaded, marks: list[int],
             args: argparse.Namespace) -> list[float]:
    """RSS of the no-op Faust agent after each mark, on the same topics."""
    proc = lab.noop(loaded, lab.app_id("mem-noop-"))
    rss: dict[int, float] = {}
    try:
        run_until_done([proc], noop_done, marks[-1], args.timeout, at=marks,
                       on_mark=lambda mark, _now: rss.__setitem__(mark, rss_mb(proc.popen.pid)),
                       trace=args.trace)
    finally:
        lab.forget(proc)
    return [rss[m] for m in marks]


def growth_pct(rss: list[float]) -> float:
    """Growth from the second mark (N/2) to the last (N), in percent of the second.

    >>> growth_pct([90.0, 100.0, 105.0, 110.0])
    10.0
    """
    return (rss[3] - rss[1]) / rss[1] * 100.0


def report(r: dict[str, Any]) -> list[str]:
    m, rss, sellers = r["marks"], r["rss_mb"], r["sellers"]
    cache, cache_mb = r.get("state_cache_size"), r.get("state_cache_mb")
    size = r["size"] + (f", state cache {cache:,}" if cache else "")
    size += f", state cache {cache_mb} MB per table" if cache_mb else ""
    lines = [f"memory ({r['records']:,} records, {size}): worker RSS "
            + ", ".join(f"{rss[i]:,.0f} MiB after {m[i]:,} ({sellers[i]:,} sellers)"
                        for i in range(4)),
            f"  growth from N/2 to N: {growth_text(r)} "
            f"({r['mb_per_1k_sellers_second_half']:.2f} MiB per 1k new sellers)"]
    noop = r.get("noop_rss_mb")
    if noop:
        lines.append("  no-op Faust agent, same topics: RSS " + ", ".join(
            f"{v:,.0f}" for v in noop) + f" MiB; growth from N/2 to N {growth_pct(noop):+.1f}% "
            f"({noop[3] - noop[1]:+,.0f} MiB, against the worker's {rss[3] - rss[1]:+,.0f})")
    for i, tables in enumerate(r.get("tables", [])):
        lines.append(f"  after {m[i]:,}: " + "; ".join(
            f"{name} {t.get('keys', 0):,.0f} live, {t.get('mb', 0):,.0f} MiB serialised, "
            f"{t.get('evicted', 0):,.0f} evicted" for name, t in sorted(tables.items())))
        rocksdb = {kind: sum(t.get(f"rocksdb_{kind}", 0.0) for t in tables.values())
                   for kind in ("memtables", "block_cache", "table_readers")}
        lines.append("    RocksDB, all tables: " + ", ".join(
            f"{kind} {mb:,.0f} MiB" for kind, mb in rocksdb.items()))
    return lines


def growth_text(r: dict[str, Any]) -> str:
    """The growth from N/2 to N, with its [min-max] over the runs when there were several."""
    s = r.get("growth_spread") or spread([r["growth_half_to_full_pct"]])
    return spread_text(s, 1, "%", signed=True)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--records", type=int, default=None,
                        help="N (default 40,000; 2,000,000 with --full)")
    parser.add_argument("--state-cache-size", type=int, default=None,
                        help="the worker's BRANDGUARD_STATE_CACHE_SIZE (default: its own)")
    parser.add_argument("--state-cache-mb", type=int, default=None,
                        help="the worker's BRANDGUARD_STATE_CACHE_MB (default: its own)")
    parser.add_argument("--memory-runs", type=int, default=None, metavar="N",
                        help="worker runs, each from the start (median; default 3, 1 with "
                             "--full)")
    parser.add_argument("--no-noop", dest="noop", action="store_false",
                        help="skip the no-op Faust agent's run on the same topics")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--full", action="store_true", help="N = 2M (slow)")
    parser.add_argument("--timeout", type=float, default=7200.0)
    parser.add_argument("--compiled", default=str(ROOT / ".venv-compiled"),
                        help="compiled build the worker runs on; '' for plain Python")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--trace", action="store_true", help="progress every 5 s")
    args = parser.parse_args(argv)
    return run_alone("bench-memory-", args, measure, report)


if __name__ == "__main__":
    raise SystemExit(main())
