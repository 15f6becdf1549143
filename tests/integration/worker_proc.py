"""Run ``brandguard worker`` as a real subprocess against the session broker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from confluent_kafka import Consumer, Message, TopicPartition

TOPIC_ROLES = ("listings", "orders", "reports", "brands", "alerts", "deadletter")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def worker_env(bootstrap: str, app_id: str, data_dir: Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "BRANDGUARD_KAFKA_BOOTSTRAP": bootstrap, "BRANDGUARD_APP_ID": app_id,
        "BRANDGUARD_DATA_DIR": str(data_dir), "BRANDGUARD_WEB_PORT": str(port),
        "BRANDGUARD_PARTITIONS": "8", "BRANDGUARD_TABLE_STANDBY_REPLICAS": "0",
    })
    for role in TOPIC_ROLES:
        env[f"BRANDGUARD_TOPIC_{role.upper()}"] = topic_name(app_id, role)
    return env


def topic_name(app_id: str, role: str) -> str:
    return f"{app_id}.{role}"


@dataclass
class WorkerProcess:
    env: dict[str, str]
    port: int
    log: Path
    proc: subprocess.Popen[bytes] | None = None
    #: None: no --loglevel, BRANDGUARD_LOG_LEVEL decides
    loglevel: str | None = "warning"

    def start(self) -> WorkerProcess:
        out = open(self.log, "ab")  # noqa: SIM115 - the process owns it until stop()
        level = ["--loglevel", self.loglevel] if self.loglevel else []
        self.proc = subprocess.Popen([sys.executable, "-m", "streams.cli.main", "worker",
                                      *level], env=self.env, stdout=out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(lambda: self.get("/readyz") is not None, 90, "worker ready", self)
        return self

    def get(self, path: str) -> Any:
        try:
            return self.request(path)[1]
        except OSError:
            return None

    def request(self, path: str, token: str | None = "configured") -> tuple[int, Any]:
        """Status and body; the worker's API token is sent unless ``token`` is None."""
        if token == "configured":
            token = self.env.get("BRANDGUARD_API_TOKEN")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                body = r.read()
                return r.status, body if path == "/metrics" else orjson.loads(body)
        except urllib.error.HTTPError as err:
            return err.code, orjson.loads(err.read() or b"null")

    def metric(self, name: str) -> float:
        body = self.get("/metrics") or b""
        total = 0.0
        for line in body.decode().splitlines():
            if line.startswith(name + "{") or line.startswith(name + " "):
                total += float(line.rsplit(" ", 1)[1])
        return total

    def stop(self, timeout: float = 60.0) -> None:
        stop_process(self.proc, timeout)

    def tail(self, lines: int = 40) -> str:
        return log_tail(self.log, lines)


def stop_process(proc: subprocess.Popen[bytes] | None, timeout: float) -> None:
    """SIGTERM, then SIGKILL to the whole session if it has not exited in ``timeout``."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def log_tail(log: Path, lines: int) -> str:
    text = log.read_text(errors="replace") if log.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def wait_for(condition: Callable[[], bool], timeout: float, what: str,
             worker: WorkerProcess | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker is not None and worker.proc is not None and worker.proc.poll() is not None:
            raise AssertionError(f"worker exited while waiting for {what}:\n{worker.tail()}")
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}"
                         + (f":\n{worker.tail()}\n{_progress(worker)}" if worker else ""))


#: what a worker that stopped making progress was doing, for a timed-out wait's
#: message: every non-zero sample, labels kept (which runner, topic or partition stalled)
_PROGRESS = ("brandguard_events_total", "brandguard_alerts_total",
             "brandguard_processing_seconds_count", "brandguard_epoch_held_events",
             "brandguard_epoch_forced_total", "brandguard_oldest_unacked_seconds",
             "brandguard_consumer_lag", "brandguard_assigned_partitions",
             "brandguard_rebalances_total", "brandguard_outputs_held",
             "brandguard_output_refusals_total", "brandguard_producer_send_errors_total",
             "brandguard_deadletters_total", "brandguard_worker_ready")


def _progress(worker: WorkerProcess) -> str:
    try:
        body = (worker.get("/metrics") or b"").decode()
    except Exception as exc:  # the worker may be gone: the wait's message must still come
        return f"metrics unavailable: {exc}"
    samples = [line for line in body.splitlines()
               if line.startswith(_PROGRESS) and not line.endswith((" 0.0", " 0"))]
    return "metrics (non-zero):\n  " + "\n  ".join(samples or ["none"])


def read_topic(bootstrap: str, topic: str,
               config: dict[str, str] | None = None) -> list[tuple[bytes | None, bytes]]:
    """Every record currently in ``topic`` (all partitions, up to the high watermark);
    ``config`` adds client settings (security)."""
    return [(msg.key(), msg.value()) for msg in read_messages(bootstrap, topic, config)]


def read_messages(bootstrap: str, topic: str,
                  config: dict[str, str] | None = None) -> list[Message]:
    """Like :func:`read_topic`, as confluent-kafka messages (headers, timestamps)."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"reader-{time.time_ns()}",
                         "enable.auto.commit": False, "auto.offset.reset": "earliest",
                         **(config or {})})
    try:
        parts = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        ends = {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
                for p in parts}
        consumer.assign([TopicPartition(topic, p, 0) for p in parts])
        records: list[Message] = []
        seen = dict.fromkeys(parts, 0)
        deadline = time.monotonic() + 60
        while any(seen[p] < ends[p] for p in parts) and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None or msg.error():
                continue
            seen[msg.partition()] = msg.offset() + 1
            records.append(msg)
        return records
    finally:
        consumer.close()
