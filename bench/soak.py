"""Soak: one live worker for ``--minutes`` (default 30) at half its measured maximum rate.

1. **Maximum rate**: unless ``--rate`` is given, one worker (compiled build, as ``make
   run``) catches up on ``bench_catchup``'s dense scenario; its rate is the maximum.
2. **Soak**: fresh topics and a fresh worker; a confluent-kafka producer sends
   simulated marketplace events in real time at ``--fraction`` (0.5) of that rate for
   the whole window, each with its ``event_time`` and Kafka timestamp set to the moment
   it is produced (as ``bench_latency``: epochs pass in real time). The events come from
   chained ``mixed`` scenarios, one seed per chunk (``--chunk DAYS:SCALE``), so every
   chunk brings new sellers: the seller population grows all along. Each chunk's brand
   records go too (registry updates) and so do the simulator's hostile records (cut-off
   JSON, invalid UTF-8, a top level that is not an object, schema violations, unknown
   schemas); each produced line is decoded here with the worker's decoder, which gives
   the dead letters expected per ``error_code``.

Every ``--interval`` seconds (and once after the drain) a sample: worker RSS (VmRSS from
``/proc``), consumer lag (``brandguard_consumer_lag`` summed), produce-to-arrival latency
p50/p99 of the alerts that arrived in the interval (read by a separate consumer; latency
is arrival minus the alert's ``trigger_event_time``, which is its event's produce time),
dead letters per ``error_code``, input records done, ``brandguard_epoch_forced_total``,
the largest ``brandguard_oldest_unacked_seconds``, and the sellers produced so far.

Prints the time series and a summary with the pass criteria (printed, never asserted on
timing): lag bounded (its median over the last third of the window not above its
maximum over the first two thirds, or under 5 s of input) and back to ~0 after the drain;
RSS growth from the middle to the end of the window under 20 %; the same worker process
throughout; dead letters per code equal to the hostile records produced. Results go to
``bench/results/soak.json``.

    .venv/bin/python bench/soak.py [--minutes 30] [--rate N] [--interval 20]
        [--compiled .venv-compiled] [--json bench/results/soak.json]
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_catchup
from harness import ROOT, Lab, Loaded, Proc, metric_sum, rss_mb, worker_done
from soak_feed import AlertLatency, Chunks, Feed
from soak_series import Criteria, Sample, percentile, summarise


class Probe:
    """One sample of the worker: its /metrics, /proc and the alerts seen since last time."""

    def __init__(self, worker: Proc, loaded: Loaded, alerts: AlertLatency,
                 started: float) -> None:
        self.worker, self.alerts, self.started = worker, alerts, started
        self.done = worker_done(loaded)
        self._read = 0

    def take(self, produced: int, sellers: int, draining: bool = False) -> Sample | None:
        text = self.worker.metrics()
        if text is None or not self.worker.alive():
            return None
        seen = self.alerts.seen[self._read:]
        self._read += len(seen)
        lat = [s[1] for s in seen]
        codes = _by_label(text, "brandguard_deadletters_total", "error_code")
        return Sample(
            t_s=time.monotonic() - self.started, produced=produced, done=self.done(text),
            lag=metric_sum(text, "brandguard_consumer_lag"),
            rss_mb=rss_mb(self.worker.popen.pid), alerts=len(lat),
            p50_s=percentile(lat, 50), p99_s=percentile(lat, 99), deadletters=codes,
            epoch_forced=metric_sum(text, "brandguard_epoch_forced_total"),
            oldest_unacked_s=_gauge_max(text, "brandguard_oldest_unacked_seconds"),
            sellers=sellers, table_keys=_by_label(text, "brandguard_table_keys", "table"),
            evictions=metric_sum(text, "brandguard_state_evictions_total"),
            pid=self.worker.popen.pid,
            started_at=metric_sum(text, "process_start_time_seconds"), draining=draining)


def _by_label(text: str, name: str, label: str) -> dict[str, float]:
    """Series of ``name`` by the value of ``label``."""
    out: dict[str, float] = {}
    marker = f'{label}="'
    for line in text.splitlines():
        if line.startswith(name + "{") and marker in line:
            value = line.split(marker, 1)[1].split('"', 1)[0]
            out[value] = out.get(value, 0.0) + float(line.rsplit(" ", 1)[1])
    return out


def _gauge_max(text: str, name: str) -> float:
    values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
              if line.startswith((name + "{", name + " "))]
    return max(values, default=0.0)


def _row(s: Sample) -> str:
    dead = sum(s.deadletters.values())
    ms = (f"{s.p50_s * 1e3:>8,.0f} {s.p99_s * 1e3:>8,.0f}" if s.alerts
          else f"{'-':>8} {'-':>8}")
    return (f"{s.t_s / 60:>6.1f}{'*' if s.draining else ' '} {s.produced:>10,} "
            f"{s.done:>10,.0f} {s.lag:>8,.0f} {s.rss_mb:>7,.0f} {s.alerts:>6,} {ms} "
            f"{dead:>5,.0f} {s.epoch_forced:>6,.0f} {s.oldest_unacked_s:>7.1f} {s.sellers:>7,} "
            f"{sum(s.table_keys.values()):>8,.0f} {s.evictions:>7,.0f}")


HEADER = (f"{'min':>7} {'produced':>10} {'done':>10} {'lag':>8} {'RSS MiB':>7} {'alerts':>6} "
          f"{'p50 ms':>8} {'p99 ms':>8} {'dead':>5} {'forced':>6} {'unack s':>7} "
          f"{'sellers':>7} {'keys':>8} {'evicted':>7}")


def max_rate(lab: Lab, args: argparse.Namespace) -> dict[str, Any]:
    """The worker's catch-up rate on the dense scenario (one run)."""
    loaded = bench_catchup.load_scenario(lab, "dense", "default", args.catchup)
    result = bench_catchup.one_worker(lab, loaded, args.timeout, args.trace)
    print(f"  maximum: {result['per_s']:,.0f} events/s catching up on {loaded.records:,} "
          f"records", file=sys.stderr)
    return {"per_s": result["per_s"], "records": loaded.records,
            "scenario": loaded.description, "epoch_forced": result["epoch_forced"]}


def _wait_ready(worker: Proc, loaded: Loaded) -> None:
    done = worker_done(loaded)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        text = worker.metrics()
        if worker.get("/readyz") == 200 and text and done(text) >= loaded.records:
            return
        if not worker.alive():
            raise RuntimeError(f"worker exited:\n{worker.tail()}")
        time.sleep(0.2)
    raise RuntimeError(f"worker not ready in 180 s:\n{worker.tail()}")


class Sampler(threading.Thread):
    """Takes a sample every ``interval`` seconds until stopped; prints each row."""

    def __init__(self, probe: Probe, feed: Feed, base: int, interval: float,
                 max_rss_mb: float) -> None:
        super().__init__(daemon=True)
        self.probe, self.feed, self.base, self.interval = probe, feed, base, interval
        self.max_rss_mb = max_rss_mb
        self.samples: list[Sample] = []
        self.draining = threading.Event()
        self.stopping = threading.Event()
        self.alive = threading.Event()
        self.alive.set()
        #: cleared to stop the producer early: the worker died or outgrew --max-rss-mb
        self.go = threading.Event()
        self.go.set()
        self.stopped_early = ""
        self.lock = threading.Lock()

    def sample(self) -> Sample | None:
        with self.lock:
            s = self.probe.take(self.base + self.feed.sent, len(self.feed.sellers),
                                self.draining.is_set())
            if s is None:
                if not self.probe.worker.alive():
                    self.alive.clear()
                    self.go.clear()
                    self.stopped_early = "the worker exited"
                return None
            self.samples.append(s)
            if s.rss_mb > self.max_rss_mb and self.go.is_set():
                # a shared machine: stop feeding a worker that grows without bound
                self.go.clear()
                self.stopped_early = (f"worker RSS {s.rss_mb:,.0f} MiB above --max-rss-mb "
                                      f"{self.max_rss_mb:,.0f} at {s.t_s / 60:.1f} min")
            print(_row(s), file=sys.stderr, flush=True)
            return s

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.sample()


def _drain(sampler: Sampler, expected: float, seconds: float) -> float:
    """Wait until the worker has done every produced record (or ``seconds`` pass)."""
    started = time.monotonic()
    while time.monotonic() - started < seconds and sampler.alive.is_set():
        text = sampler.probe.worker.metrics() or ""
        if sampler.probe.done(text) >= expected:
            break
        time.sleep(1.0)
    return time.monotonic() - started


def soak(lab: Lab, args: argparse.Namespace, rate: float) -> dict[str, Any]:
    days, scale = args.chunk
    chunks = Chunks(args.seed, days, scale, args.bad_rate)
    chunks.start()
    first = chunks.out.get()
    brands = [line for line in first if b'"schema":"brand.v1"' in line]
    loaded = lab.load("soak", "bench-soak", brands, "brand registry of the first chunk")
    extra = ({"BRANDGUARD_STATE_CACHE_SIZE": str(args.state_cache_size)}
             if args.state_cache_size else None)
    worker = lab.worker(loaded, lab.app_id("soak-"), extra=extra)
    try:
        _wait_ready(worker, loaded)
        alerts = AlertLatency(lab.bootstrap, loaded.topics["alerts"])
        alerts.start()
        feed = Feed(lab.bootstrap, loaded, rate)
        probe = Probe(worker, loaded, alerts, time.monotonic())
        sampler = Sampler(probe, feed, loaded.records, args.interval, args.max_rss_mb)
        print(HEADER, file=sys.stderr)
        sampler.sample()
        sampler.start()
        achieved = feed.run(chunks, [ln for ln in first if b'"schema":"brand.v1"' not in ln],
                            args.minutes * 60.0, sampler.go)
        chunks.stopping.set()
        sampler.draining.set()
        drain_s = _drain(sampler, loaded.records + feed.sent, args.drain)
        time.sleep(2.0)  # the last alerts on their way to the reader
        sampler.stopping.set()
        sampler.join(30)
        sampler.sample()
        alerts.stopping.set()
        alerts.join(10)
    finally:
        lab.forget(worker)
    latencies = [s[1] for s in alerts.seen]
    criteria = Criteria(rate=rate)
    summary = summarise(sampler.samples, latencies, dict(feed.expected), criteria,
                        worker_alive=sampler.alive.is_set())
    return {"rate": rate, "achieved_rate": achieved, "minutes": args.minutes,
            "stopped_early": sampler.stopped_early,
            "state_cache_size": args.state_cache_size,
            "produced": feed.sent, "sellers": len(feed.sellers), "drain_s": drain_s,
            "chunk": {"scenario": "mixed", "days": days, "scale": scale,
                      "bad_record_rate": args.bad_rate, "first_seed": args.seed},
            "criteria": vars(criteria), "summary": summary,
            "series": [vars(s) for s in sampler.samples]}


def measure(lab: Lab, args: argparse.Namespace) -> dict[str, Any]:
    maximum = {"per_s": args.rate / args.fraction, "given": True} if args.rate else \
        max_rate(lab, args)
    rate = maximum["per_s"] * args.fraction
    print(f"  soak: {args.minutes:g} minutes at {rate:,.0f} events/s "
          f"({args.fraction:g} of {maximum['per_s']:,.0f}/s)", file=sys.stderr)
    out = soak(lab, args, rate)
    load = os.getloadavg()
    return {"maximum": maximum, "fraction": args.fraction, **out,
            "load_average_end": [round(x, 2) for x in load]}


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.0f} ms"


def report(r: dict[str, Any]) -> list[str]:
    s = r["summary"]
    rss, lag, lat = s["rss_mb"], s["lag"], s["latency"]
    given = " (given)" if r["maximum"].get("given") else " (measured: catch-up, one run)"
    lines = [f"soak: {r['minutes']:g} minutes at {r['rate']:,.0f} events/s, {r['fraction']:g} "
             f"of a maximum of {r['maximum']['per_s']:,.0f}/s{given}; achieved "
             f"{r['achieved_rate']:,.0f}/s, {r['produced']:,} records, {r['sellers']:,} "
             f"sellers; load average at the end {r['load_average_end']}",
             *([f"STOPPED EARLY: {r['stopped_early']}"] if r["stopped_early"] else []),
             HEADER]
    lines += [_row(Sample(**row)) for row in r["series"]]
    lines += [
        "(* = after the producer stopped)",
        f"RSS: start {rss['start']:,.0f} MiB, middle {rss['mid']:,.0f}, end {rss['end']:,.0f}, "
        f"max {rss['max']:,.0f} ({rss['growth_pct']:+.1f}% overall, "
        f"{rss['second_half_growth_pct']:+.1f}% in the second half, "
        f"{rss['mb_per_10_min']:+,.0f} MiB per 10 minutes)",
        f"lag: max {lag['max']:,.0f}, max over the first two thirds {lag['early_max']:,.0f}, "
        f"median over the last third {lag['late_median']:,.0f}, after the drain "
        f"({r['drain_s']:.0f} s) {lag['final']:,.0f}",
        f"latency, produce to alert arrival: p50 {_ms(lat['p50_s'])}, p99 {_ms(lat['p99_s'])}, "
        f"max {_ms(lat['max_s'])} over {lat['alerts']:,} alerts",
        "dead letters (seen / hostile records produced): " + ", ".join(
            f"{code} {v['seen']:,.0f}/{v['expected']:,}" for code, v in s["deadletters"].items()),
        f"epoch-forced events {s['epoch_forced']:,.0f}; oldest unacked record at most "
        f"{s['oldest_unacked_max_s']:.1f} s",
        "criteria: " + ", ".join(f"{name} {'PASS' if ok else 'FAIL'}"
                                 for name, ok in s["checks"].items()),
    ]
    return lines


def _days_scale(text: str) -> tuple[float, float]:
    days, scale = text.split(":")
    return float(days), float(scale)


def main(argv: list[str] | None = None) -> int:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float,
                        default=float(os.environ.get("SOAK_MINUTES", "30")),
                        help="produce window (default $SOAK_MINUTES or 30)")
    parser.add_argument("--rate", type=float, default=None,
                        help="produce rate, events/s (default: --fraction of the measured "
                             "maximum)")
    parser.add_argument("--fraction", type=float, default=0.5)
    parser.add_argument("--interval", type=float, default=20.0, help="seconds per sample")
    parser.add_argument("--drain", type=float, default=300.0,
                        help="longest wait after the window for the worker to finish")
    parser.add_argument("--chunk", type=_days_scale, default=(7.0, 1.0), metavar="DAYS:SCALE",
                        help="size of each simulated chunk (one seed each; default 7:1, "
                             "~40k records and ~450 new sellers)")
    parser.add_argument("--seed", type=int, default=500, help="seed of the first chunk")
    parser.add_argument("--bad-rate", type=float, default=0.002,
                        help="hostile records per good one (the simulator's default)")
    parser.add_argument("--state-cache-size", type=int, default=None,
                        help="BRANDGUARD_STATE_CACHE_SIZE of the soak's worker "
                             "(default: the worker's own, 200,000)")
    parser.add_argument("--max-rss-mb", type=float, default=6144.0,
                        help="stop producing early if the worker's RSS passes this "
                             "(the machine is shared)")
    parser.add_argument("--catchup", type=_days_scale, metavar="DAYS:SCALE",
                        help="size of the dense scenario the maximum is measured on")
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="longest catch-up run, seconds")
    parser.add_argument("--compiled", default=str(ROOT / ".venv-compiled"),
                        help="compiled build the worker runs on; '' for plain Python")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "soak.json")
    parser.add_argument("--trace", action="store_true", help="catch-up progress every 5 s")
    args = parser.parse_args(argv)
    compiled = Path(args.compiled) if args.compiled else None
    with tempfile.TemporaryDirectory(prefix="bench-soak-") as tmp, \
            Lab(Path(tmp), compiled) as lab:
        results = measure(lab, args)
    print("\n".join(report(results)))
    results["report"] = report(results)
    args.json.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    # lag and RSS depend on the machine's load: printed, not failed on; a dead worker is
    return 0 if results["summary"]["checks"]["no_worker_restart"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
