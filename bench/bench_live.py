"""Live throughput on a real broker: the worker consuming a pre-produced scenario.

Starts a local Kafka broker, produces a simulator scenario, then starts one
worker and times how long it takes to consume every record (events/s), against
a replay of the same file in this process (the same processors, no Kafka) as
the baseline. Prints both and the ratio.

    .venv/bin/python bench/bench_live.py [--days 4] [--scale 1]

Kept as the first, quick look; ``make bench`` runs ``bench/bench_catchup.py``
instead (compiled build, no-op Faust and confluent baselines, median of runs).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from signals.evaluation.simulator import scenario_config, simulate
from signals.replay import replay_lines
from streams.cli.produce import produce_file
from streams.localkafka.broker import start_broker, stop_broker
from streams.worker.admin import ensure_topics
from streams.worker.settings import load_settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.integration.worker_proc import free_port  # shared with the integration tests


def _consumed(port: int) -> float:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as resp:
            text = resp.read().decode()
    except OSError:
        return 0.0
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("brandguard_events_total{"))


def _up(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=float, default=4.0)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--trace", action="store_true", help="print progress every second")
    args = parser.parse_args()
    sim = simulate(scenario_config("mixed", seed=7, days=args.days, scale=args.scale))
    records = sum(1 for line in sim.lines if line.strip())
    started = time.perf_counter()
    replay_lines(sim.lines, "bench", time.time, lambda a: None, lambda d: None)
    replay_rate = records / (time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        broker = start_broker(root / "kafka")
        port = free_port()
        try:
            env = {**os.environ, "BRANDGUARD_KAFKA_BOOTSTRAP": broker.bootstrap,
                   "BRANDGUARD_DATA_DIR": str(root / "worker"), "BRANDGUARD_WEB_PORT": str(port)}
            ensure_topics(load_settings(env))
            events = root / "events.jsonl"
            events.write_bytes(b"\n".join(sim.lines) + b"\n")
            produce_file(events, broker.bootstrap, progress=False)
            log = open(root / "worker.log", "wb")  # noqa: SIM115 - closed with the folder
            worker = subprocess.Popen([sys.executable, "-m", "streams.cli.main", "worker"], env=env,
                                      stdout=log, stderr=subprocess.STDOUT)
            print("worker log", root / "worker.log", file=sys.stderr)
            try:
                # Timed from the worker answering /metrics (app started, group being
                # joined) to the last record processed: includes the rebalance.
                first = last = None
                deadline = time.monotonic() + 900
                while time.monotonic() < deadline:
                    done = _consumed(port)
                    if first is None and _up(port):
                        first = time.monotonic()
                    if done >= records:
                        last = time.monotonic()
                        break
                    if first is not None and args.trace:
                        print(f"{time.monotonic() - first:6.1f}s {done:,.0f}", file=sys.stderr)
                    time.sleep(0.1 if not args.trace else 1.0)
                print(f"consumed {_consumed(port):,.0f} of {records:,}", file=sys.stderr)
            finally:
                worker.terminate()
                try:
                    worker.wait(60)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait(10)
                    print("the worker did not stop within 60 s of SIGTERM; log tail:\n"
                          + (root / "worker.log").read_text(errors="replace")[-3000:])
        finally:
            stop_broker(root / "kafka")
    if first is None or last is None:
        raise SystemExit("the worker did not consume every record in time")
    live_rate = records / max(last - first, 1e-9)
    print(f"records {records:,}")
    print(f"live worker (1 process, 8 partitions): {live_rate:,.0f} events/s")
    print(f"replay, same processors, no Kafka:     {replay_rate:,.0f} events/s")
    print(f"live / replay: {live_rate / replay_rate:.2f}")


if __name__ == "__main__":
    main()
