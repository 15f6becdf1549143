"""``brandguard run`` (what ``make run`` calls): broker, worker and simulator together.

Starts a local Kafka broker (or reuses a running one), the worker, and the
simulator producing a scenario at a steady rate; prints one line per alert and
a live status line until Ctrl-C; then stops everything it started.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import orjson
from confluent_kafka import Consumer

from signals.errors import ServiceUnavailable
from streams.localkafka.broker import broker_status, start_broker, stop_broker
from streams.worker.admin import ensure_topics
from streams.worker.monitoring.build_info import running_build
from streams.worker.security import librdkafka_config
from streams.worker.settings import Settings, load_settings

__all__ = ["run_cli"]

RUN_DIR = Path(".run")
WORKER_DIR = RUN_DIR / "worker"
_COLOURS = {"critical": "\033[1;31m", "high": "\033[31m", "medium": "\033[33m", "low": "\033[36m"}


@contextmanager
def _broker() -> Iterator[str]:
    state = RUN_DIR / "kafka"
    running = broker_status(state)
    if running is not None:
        yield running.bootstrap  # someone else's broker: leave it running
        return
    # A started broker has fresh, empty topics: the worker's RocksDB state from an
    # earlier run would be ahead of its changelogs, and Faust refuses to recover it.
    shutil.rmtree(WORKER_DIR, ignore_errors=True)
    broker = start_broker(state, progress=lambda m: print(m, file=sys.stderr))
    try:
        yield broker.bootstrap
    finally:
        stop_broker(state)


@contextmanager
def _process(argv: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with open(log, "ab") as out:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def _scrape(port: int) -> dict[str, float]:
    totals: dict[str, float] = {}
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as resp:
            text = resp.read().decode()
    except OSError:
        return totals
    for line in text.splitlines():
        if line.startswith("brandguard_") and " " in line:
            name = line.split("{", 1)[0].split(" ", 1)[0]
            totals[name] = totals.get(name, 0.0) + float(line.rsplit(" ", 1)[1])
    return totals


def _alert_line(raw: bytes) -> str:
    a = orjson.loads(raw)
    top = a["reasons"][0]["message"] if a.get("reasons") else ""
    colour = _COLOURS.get(a["severity"], "")
    return (f"{colour}{a['severity'].upper():8}\033[0m {a['entity_type']:7} {a['entity_id']:18} "
            f"score {a['score']:.2f}  {top}")


def _watch(settings: Settings, port: int, producer: subprocess.Popen[bytes]) -> None:
    consumer = Consumer({"bootstrap.servers": settings.bootstrap, "group.id": f"run-{os.getpid()}",
                         "auto.offset.reset": "latest", "enable.auto.commit": False,
                         **librdkafka_config(settings)})
    consumer.subscribe([settings.topics.alerts])
    last, last_t, alerts = 0.0, time.monotonic(), 0
    try:
        while True:
            msg = consumer.poll(1.0)
            value = msg.value() if msg is not None and not msg.error() else None
            if value:
                alerts += 1
                sys.stdout.write("\r\033[K" + _alert_line(value) + "\n")
            now = time.monotonic()
            if now - last_t >= 1.0 or msg is not None:
                m = _scrape(port)
                events = m.get("brandguard_events_total", 0.0)
                rate = (events - last) / max(now - last_t, 1e-9) if now - last_t >= 1.0 else None
                if rate is not None:
                    last, last_t = events, now
                    feed = "producing" if producer.poll() is None else "simulator done"
                    sys.stdout.write(
                        f"\r\033[K{events:,.0f} events  {rate:,.0f}/s  dead letters "
                        f"{m.get('brandguard_deadletters_total', 0):,.0f}  alerts {alerts:,}  "
                        f"lag {m.get('brandguard_consumer_lag', 0):,.0f}  [{feed}]  Ctrl-C stops")
                sys.stdout.flush()
    finally:
        consumer.close()


def run_cli(args: argparse.Namespace) -> int:
    RUN_DIR.mkdir(exist_ok=True)
    # -P: the working directory (a checkout's plain sources) stays off sys.path, so the
    # children run the brandguard this process runs (the compiled wheel of make run)
    bg = [sys.executable, "-P", "-m", "streams.cli.main"]
    with ExitStack() as stack:
        bootstrap = stack.enter_context(_broker())
        env = {**os.environ, "BRANDGUARD_KAFKA_BOOTSTRAP": bootstrap,
               "BRANDGUARD_DATA_DIR": str(WORKER_DIR)}
        settings = load_settings(env)
        ensure_topics(settings)
        events = RUN_DIR / f"events-seed{args.seed}.jsonl"
        subprocess.run([*bg, "simulate", "--seed", str(args.seed), "--days", str(args.days),
                        "--out", str(events)], check=True, env=env, stdout=subprocess.DEVNULL)
        stack.enter_context(_process([*bg, "worker"], env, RUN_DIR / "worker.log"))
        _wait_ready(settings.web_port)
        producer = stack.enter_context(_process(
            [*bg, "produce", str(events), "--rate", str(args.rate), "--quiet"], env,
            RUN_DIR / "produce.log"))
        print(f"broker {bootstrap}; worker http://127.0.0.1:{settings.web_port}/metrics; "
              f"logs in {RUN_DIR}/; {running_build().describe()}", file=sys.stderr)
        try:
            _watch(settings, settings.web_port, producer)
        except KeyboardInterrupt:
            print("\nstopping ...", file=sys.stderr)
    return 0


def _wait_ready(port: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise ServiceUnavailable(f"worker not ready after {timeout}s; see {RUN_DIR}/worker.log")
