"""Run Debian's real ``prometheus`` server on loopback against test targets.

The configuration is derived from the repository's deploy/prometheus/prometheus.yml
(same rule files, same job names) so the test exercises what operators deploy,
only with the targets, intervals and storage swapped for a test's own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml

from tests.integration.worker_proc import log_tail, stop_process

__all__ = ["PROMETHEUS_CONFIG", "PrometheusServer", "derived_config", "prometheus_binary"]

PROMETHEUS_CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "prometheus" / "prometheus.yml"
_DEFAULT_BINARY = "/usr/bin/prometheus"


def prometheus_binary() -> str | None:
    """The server binary, or None when Debian's prometheus package is not installed."""
    if os.access(_DEFAULT_BINARY, os.X_OK):
        return _DEFAULT_BINARY
    return shutil.which("prometheus")


def derived_config(targets: dict[str, list[str]], interval: str = "1s",
                   source: Path = PROMETHEUS_CONFIG) -> dict[str, Any]:
    """The deployed config with each job's targets replaced by ``targets[job]``.

    Jobs not named in ``targets`` are dropped (their hosts do not exist here);
    rule file globs become absolute, since the config is written to a temp dir.
    """
    config: dict[str, Any] = yaml.safe_load(source.read_text(encoding="utf-8"))
    missing = set(targets) - {job["job_name"] for job in config["scrape_configs"]}
    if missing:
        raise ValueError(f"{source} has no scrape job named {sorted(missing)}")
    config["global"].update(scrape_interval=interval, evaluation_interval=interval)
    config["rule_files"] = [str(source.parent / pattern) for pattern in config["rule_files"]]
    jobs = []
    for job in config["scrape_configs"]:
        if job["job_name"] in targets:
            job.update(scrape_interval=interval, scrape_timeout=interval,
                       static_configs=[{"targets": targets[job["job_name"]]}])
            jobs.append(job)
    config["scrape_configs"] = jobs
    return config


@dataclass
class PrometheusServer:
    """One server process; ``start`` returns once /-/ready answers."""

    workdir: Path
    port: int
    proc: subprocess.Popen[bytes] | None = None
    startup_seconds: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.workdir / "prometheus.log"

    def start(self, binary: str, config: dict[str, Any], timeout: float = 30.0) -> PrometheusServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        config_file = self.workdir / "prometheus.yml"
        config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        began = time.monotonic()
        out = open(self.log, "ab")  # noqa: SIM115 - the process owns it until stop()
        self.proc = subprocess.Popen(
            [binary, f"--config.file={config_file}",
             f"--storage.tsdb.path={self.workdir / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}",
             "--storage.tsdb.retention.time=1h", "--log.level=warn"],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait(self._ready, timeout, "prometheus ready")
        self.startup_seconds = time.monotonic() - began
        return self

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def api(self, path: str, **params: str) -> Any:
        """``data`` of a successful /api/v1 answer; raises on an API error."""
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        try:
            with urllib.request.urlopen(f"{self.url}/api/v1/{path}{query}", timeout=10) as r:
                body = orjson.loads(r.read())
        except urllib.error.HTTPError as error:
            body = orjson.loads(error.read())
        if body.get("status") != "success":
            raise AssertionError(f"prometheus {path} {params}: {body}")
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        """Instant vector samples of ``expr`` now: [{"metric": {...}, "value": [t, "v"]}]."""
        data = self.api("query", query=expr)
        if data["resultType"] != "vector":
            raise AssertionError(f"{expr!r} gives a {data['resultType']}, not a vector")
        result: list[dict[str, Any]] = data["result"]
        return result

    def wait_until(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        self._wait(condition, timeout, what)

    def _wait(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"prometheus exited while waiting for {what}:\n{self.tail()}")
            if condition():
                return
            time.sleep(0.2)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}:\n{self.tail()}")

    def stop(self, timeout: float = 20.0) -> None:
        stop_process(self.proc, timeout)

    def tail(self, lines: int = 30) -> str:
        return log_tail(self.log, lines)
