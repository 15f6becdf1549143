"""Event-to-alert latency of one live worker at a fixed real-time produce rate.

For each rate (default 1,000 and 5,000 events/s): fresh topics and a fresh worker
(compiled build); the scenario's brand registry is produced first and the worker waits
until it has loaded it and joined its group; then a confluent-kafka producer sends
marketplace events at the fixed rate for ``--seconds`` (default 20, 120 with
``--full``), each with its Kafka timestamp and its ``event_time`` set to the moment it
is produced (a real-time stream: epochs pass in real time, as in production; ``--event-time
original`` keeps the simulator's compressed times instead). A separate consumer
reads ``brandguard.alerts``; each alert is matched to its triggering event by
``trigger_event_id`` and its latency is arrival at that consumer minus the event's
produce time (one clock: same machine).

Prints p50, p99 and max per rate, against the same percentiles of the input records' own
produce-to-arrival time at that consumer (Kafka alone, same run), the alerts matched,
and how many of the produced events the worker had done by the end of the window and of
the drain (a worker slower than the rate builds a backlog, and latency grows with it).
Alerts of events produced in the first ``--warmup`` seconds are left out.

    .venv/bin/python bench/bench_latency.py [--rates 1000,5000] [--seconds 120]
        [--compiled .venv-compiled] [--json out.json]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import orjson
from confluent_kafka import Consumer, Producer, TopicPartition

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, Lab, run_alone, simulated, spread, spread_text, worker_done

from streams.cli.produce import producer_config, route, wait_until

_TIME_KEY = b'"event_time":"'
_ID_KEY = b'"event_id":"'
_STAMP_LEN = len("2026-11-01T00:00:00.000Z")


def _stamp(now: float) -> bytes:
    ms = int(now * 1000)
    return (time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000))
            + f".{ms % 1000:03d}Z").encode()


def _event_id(line: bytes) -> bytes | None:
    at = line.find(_ID_KEY)
    if at < 0:
        return None
    start = at + len(_ID_KEY)
    end = line.find(b'"', start)
    return line[start:end] if end > 0 else None


def _restamp(line: bytes, stamp: bytes) -> bytes:
    at = line.find(_TIME_KEY)
    if at < 0:
        return line
    start = at + len(_TIME_KEY)
    if line[start + _STAMP_LEN:start + _STAMP_LEN + 1] != b'"':
        return line  # not the usual format (a deliberately bad record): leave it
    return line[:start] + stamp + line[start + _STAMP_LEN:]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


class AlertReader(threading.Thread):
    """Reads the alerts topic from the start; keeps (trigger_event_id, arrival time)."""

    def __init__(self, bootstrap: str, topic: str, floor_topic: str) -> None:
        super().__init__(daemon=True)
        self.consumer = Consumer({"bootstrap.servers": bootstrap,
                                  "group.id": f"latency-{time.time_ns()}",
                                  "auto.offset.reset": "earliest", "enable.auto.commit": False,
                                  "fetch.wait.max.ms": 10})
        self.topic = topic
        assigned = []
        for name in (topic, floor_topic):
            parts = self.consumer.list_topics(name, timeout=10).topics[name].partitions
            assigned += [TopicPartition(name, p, 0) for p in parts]
        self.consumer.assign(assigned)
        self.arrivals: list[tuple[bytes, float]] = []
        #: the input records themselves: produce -> arrival through Kafka alone (the floor)
        self.floor: list[tuple[bytes, float]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                for msg in self.consumer.consume(500, 0.05):
                    now = time.time()
                    if msg.error():
                        continue
                    if msg.topic() != self.topic:
                        event_id = _event_id(msg.value())
                        if event_id is not None:
                            self.floor.append((event_id, now))
                        continue
                    try:
                        alert = orjson.loads(msg.value())
                        self.arrivals.append((str(alert["trigger_event_id"]).encode(), now))
                    except (orjson.JSONDecodeError, KeyError, TypeError):
                        continue
        finally:
            self.consumer.close()


def one_rate(lab: Lab, brands: list[bytes], events: list[bytes], rate: float, seconds: float,
             warmup: float, drain: float, restamp: bool, run: int = 0) -> dict[str, Any]:
    """``run``: which of several runs at this rate (each gets its own topics)."""
    label = f"lat{int(rate)}"
    loaded = lab.load(label, f"bench-{label}-{run}", brands, "brand registry")
    topics = loaded.topics
    routes = {"listing.v1": topics["listings"], "order.v1": topics["orders"],
              "report.v1": topics["reports"], "brand.v1": topics["brands"]}
    worker = lab.worker(loaded, lab.app_id(f"lat{int(rate)}-"))
    done = worker_done(loaded)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # registry loaded and brands partitions read
            text = worker.metrics()
            if worker.get("/readyz") == 200 and text and done(text) >= loaded.records:
                break
            if not worker.alive():
                raise RuntimeError(f"worker exited:\n{worker.tail()}")
            time.sleep(0.2)
        else:
            raise RuntimeError(f"worker not ready in 120 s:\n{worker.tail()}")
        reader = AlertReader(lab.bootstrap, topics["alerts"], topics["listings"])
        reader.start()
        producer = Producer(producer_config(lab.bootstrap))
        produced: dict[bytes, float] = {}
        total = min(len(events), int(rate * seconds))
        started = time.time()
        sent = 0
        last_stamp_ms, stamp = -1, b""
        for line in events[:total]:
            wait_until(producer, started + sent / rate, time.time)
            now = time.time()
            if restamp:
                if int(now * 1000) != last_stamp_ms:
                    last_stamp_ms, stamp = int(now * 1000), _stamp(now)
                line = _restamp(line, stamp)
            target = route(line, routes)
            event_id = _event_id(line)
            if event_id is not None and now - started >= warmup:
                produced[event_id] = now
            while True:
                try:
                    producer.produce(target.topic, value=line, key=target.key,
                                     timestamp=int(now * 1000))
                    break
                except BufferError:
                    producer.poll(0.05)
            sent += 1
            producer.poll(0)
        producer.flush(60)
        window = time.time() - started
        text = worker.metrics() or ""
        done_at_end = done(text) - loaded.records
        expected = loaded.records + sent
        drain_deadline = time.monotonic() + drain
        while time.monotonic() < drain_deadline:
            text = worker.metrics() or ""
            if done(text) >= expected:
                break
            time.sleep(0.25)
        done_after_drain = done(worker.metrics() or "") - loaded.records
        time.sleep(1.0)  # the last alerts on their way to the reader
        reader.stopping.set()
        reader.join(10)
    finally:
        lab.forget(worker)
    latencies = [arrival - produced[eid] for eid, arrival in reader.arrivals if eid in produced]
    floor = [arrival - produced[eid] for eid, arrival in reader.floor if eid in produced]
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    f50, f99 = percentile(floor, 50), percentile(floor, 99)
    return {
        "rate": rate, "seconds": seconds, "sent": sent, "achieved_rate": sent / window,
        "done_in_window": done_at_end, "done_after_drain": done_after_drain,
        "kept_up": done_at_end >= 0.95 * sent,
        "alerts": len(reader.arrivals), "matched": len(latencies),
        "p50_s": p50, "p99_s": p99,
        "kafka_p50_s": f50, "kafka_p99_s": f99, "kafka_records": len(floor),
        "p50_vs_kafka": p50 / f50 if f50 > 0 else float("nan"),
        "p99_vs_kafka": p99 / f99 if f99 > 0 else float("nan"),
        "max_s": max(latencies) if latencies else float("nan"),
        "mean_s": statistics.fmean(latencies) if latencies else float("nan"),
        "event_time": "produce time" if restamp else "simulator (compressed)",
    }


def source_events(total: int, seed: int = 11) -> tuple[list[bytes], list[bytes]]:
    """Brand registry lines and at least ``total`` marketplace lines, in event-time order
    (a dense mixed scenario with enough days)."""
    scale = 20.0
    per_day = 45_000 * scale / 20.0  # measured: ~45k records per day at scale 20
    days = max(0.25, round(total / per_day * 1.1 + 0.05, 2))
    lines = simulated("mixed", seed=seed, days=days, scale=scale)
    brands = [line for line in lines if b'"schema":"brand.v1"' in line]
    events = [line for line in lines if b'"schema":"brand.v1"' not in line]
    return brands, events


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rates", default="1000,5000", help="events/s, comma-separated")
    parser.add_argument("--seconds", type=float, default=None,
                        help="produce window per rate (default 20, 120 with --full)")
    parser.add_argument("--warmup", type=float, default=5.0,
                        help="leave out alerts of events produced in the first seconds")
    parser.add_argument("--drain", type=float, default=None,
                        help="longest wait after the window for the worker to finish "
                             "(default 20 s, 180 s with --full)")
    parser.add_argument("--event-time", choices=("produce", "original"), default="produce")
    parser.add_argument("--latency-runs", type=int, default=3, metavar="N",
                        help="runs of every rate (median, min and max)")


def measure(lab: Lab, args: argparse.Namespace) -> dict[str, Any]:
    seconds = args.seconds or (120.0 if args.full else 20.0)
    drain = args.drain if args.drain is not None else (180.0 if args.full else 20.0)
    rates = [float(r) for r in args.rates.split(",")]
    brands, events = source_events(int(max(rates) * seconds))
    runs = max(1, getattr(args, "latency_runs", 1))
    out: dict[str, Any] = {"size": "full" if args.full else "default", "seconds": seconds,
                           "runs": runs}
    per_rate: dict[float, list[dict[str, Any]]] = {rate: [] for rate in rates}
    for i in range(runs):
        for rate in rates:
            result = one_rate(lab, brands, events, rate, seconds, args.warmup, drain,
                              args.event_time == "produce", run=i)
            per_rate[rate].append(result)
            print(f"  latency at {rate:,.0f}/s, run {i + 1}/{runs}: p50 "
                  f"{result['p50_s'] * 1e3:,.0f} ms, p99 {result['p99_s'] * 1e3:,.0f} ms, "
                  f"{result['matched']} alerts, worker did {result['done_in_window']:,.0f} "
                  f"of {result['sent']:,} in the window", file=sys.stderr)
    for rate, results in per_rate.items():
        out[str(int(rate))] = combined(results)
    return out


def combined(results: list[dict[str, Any]]) -> dict[str, Any]:
    """One rate's runs as one figure: the median of each latency, with every run's
    p50 and p99 spread kept; the run with the median p99 stands for the rest."""
    by_p99 = sorted(results, key=lambda r: r["p99_s"])
    out = dict(by_p99[len(by_p99) // 2])
    for key in ("p50_s", "p99_s", "kafka_p50_s", "kafka_p99_s", "done_in_window"):
        out[key] = statistics.median(r[key] for r in results)
    out["p50_spread"] = spread([r["p50_s"] for r in results])
    out["p99_spread"] = spread([r["p99_s"] for r in results])
    out["kept_up_runs"] = sum(1 for r in results if r["kept_up"])
    out["kept_up"] = out["kept_up_runs"] == len(results)
    out["runs"] = len(results)
    for q in ("p50", "p99"):
        floor = out[f"kafka_{q}_s"]
        out[f"{q}_vs_kafka"] = out[f"{q}_s"] / floor if floor > 0 else float("nan")
    out["raw"] = results
    return out


def report(results: dict[str, Any]) -> list[str]:
    lines = []
    for r in results.values():
        if not isinstance(r, dict):
            continue
        runs = r.get("runs", 1)
        lines.append(
            f"latency at {r['rate']:,.0f} events/s for {r['seconds']:.0f} s, median of "
            f"{runs} (achieved {r['achieved_rate']:,.0f}/s): p50 / p99 {latency_cell(r)}, "
            f"max {r['max_s'] * 1e3:,.0f} ms over "
            f"{r['matched']:,} alerts; worker did {r['done_in_window']:,.0f} of {r['sent']:,} "
            f"in the window, kept up in {r.get('kept_up_runs', int(r['kept_up']))} of {runs} "
            f"runs; through Kafka alone "
            f"p50 {r['kafka_p50_s'] * 1e3:,.0f} ms, p99 {r['kafka_p99_s'] * 1e3:,.0f} ms "
            f"(alert / Kafka: p50 {r['p50_vs_kafka']:,.0f}x, p99 {r['p99_vs_kafka']:,.0f}x)")
    return lines


def latency_cell(r: dict[str, Any]) -> str:
    """p50 / p99 in ms, each with its [min-max] over the runs when there were several."""
    return " / ".join(spread_text(r.get(f"{q}_spread") or spread([r[f"{q}_s"]]), 0, " ms", 1e3)
                      for q in ("p50", "p99"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--full", action="store_true", help="2-minute windows")
    parser.add_argument("--compiled", default=str(ROOT / ".venv-compiled"),
                        help="compiled build the worker runs on; '' for plain Python")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    return run_alone("bench-latency-", args, measure, report)


if __name__ == "__main__":
    raise SystemExit(main())
