"""``brandguard run``: the parts that need no broker: its alert line, the metrics scrape
for the status line, child processes ended with their whole group, and a worker that
never becomes ready named in the error. (The whole command is ``make run``.)"""

from __future__ import annotations

import os
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import orjson
import pytest

from signals.errors import ServiceUnavailable
from streams.cli import run

METRICS = b"""# HELP brandguard_events_total Input records consumed.
# TYPE brandguard_events_total counter
brandguard_events_total{outcome="processed",topic="a"} 7.0
brandguard_events_total{outcome="duplicate",topic="a"} 3.0
brandguard_consumer_lag{partition="0",topic="a"} 5.0
process_open_fds 12.0
"""


@contextmanager
def _serving(body: bytes) -> Iterator[int]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_alert_line_shows_severity_entity_score_and_first_reason() -> None:
    alert = {"severity": "critical", "entity_type": "listing", "entity_id": "L1", "score": 0.97,
             "reasons": [{"message": "Title uses counterfeit vocabulary."}, {"message": "x"}]}
    line = run._alert_line(orjson.dumps(alert))
    assert line.startswith("\033[1;31mCRITICAL\033[0m listing L1")
    assert line.endswith("score 0.97  Title uses counterfeit vocabulary.")
    quiet = run._alert_line(orjson.dumps({**alert, "severity": "unknown", "reasons": []}))
    assert quiet.startswith("UNKNOWN ") and quiet.endswith("score 0.97  ")


def test_the_scrape_sums_brandguard_series_by_name() -> None:
    with _serving(METRICS) as port:
        assert run._scrape(port) == {"brandguard_events_total": 10.0,
                                     "brandguard_consumer_lag": 5.0}
    assert run._scrape(_closed_port()) == {}


_CHILD = ("import subprocess, time; p = subprocess.Popen(['sleep', '60']); "
          "print(p.pid, flush=True); time.sleep(60)")


def _gone(pid: int) -> bool:
    """Ended: no such process, or a zombie waiting for whoever reaps orphans."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30.0
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_a_child_and_its_own_children_end_with_the_context(tmp_path: Path) -> None:
    log = tmp_path / "child.log"
    with run._process([sys.executable, "-c", _CHILD], dict(os.environ), log) as proc:
        assert os.getpgid(proc.pid) == proc.pid  # its own session: Ctrl-C here is ours
        _wait_for(lambda: log.read_text().strip().isdigit(), "the child never started")
        grandchild = int(log.read_text())
        assert not _gone(grandchild)
    assert proc.poll() is not None
    _wait_for(lambda: _gone(grandchild), "the child's own child outlived the context")


def test_a_worker_that_never_gets_ready_is_service_unavailable() -> None:
    with pytest.raises(ServiceUnavailable, match=re.escape("worker not ready after 0.5s")):
        run._wait_ready(_closed_port(), timeout=0.5)
