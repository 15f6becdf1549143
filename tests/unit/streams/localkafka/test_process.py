"""Detached broker processes: tracked by pid and process group, ended, and their log."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from streams.localkafka.process import (
    cmdline_of,
    end_process_group,
    is_alive,
    launch_detached,
    log_tail,
    port_open,
)


def _wait_for_log(log: Path, text: str, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while log_tail(log) != text:
        assert time.monotonic() < deadline, f"{log} never said {text!r}"
        time.sleep(0.02)


def test_detached_process_is_tracked_and_ended(tmp_path: Path) -> None:
    log = tmp_path / "out.log"
    pid = launch_detached(["sh", "-c", "echo started; sleep 60"], log, cwd=tmp_path)
    try:
        # Until the new program has run a little its cmdline may still read empty.
        _wait_for_log(log, "started")
        assert is_alive(pid)
        assert cmdline_of(pid)[:2] == ["sh", "-c"]
        assert os.getpgid(pid) == pid, "not the leader of its own process group"
    finally:
        end_process_group(pid, term_timeout_s=5)
    assert not is_alive(pid)
    assert cmdline_of(pid) == []
    assert log_tail(log) == "started"


def test_process_ignoring_sigterm_is_killed(tmp_path: Path) -> None:
    pid = launch_detached(["sh", "-c", "trap '' TERM; echo ready; while :; do sleep 1; done"],
                          tmp_path / "out.log", cwd=tmp_path)
    _wait_for_log(tmp_path / "out.log", "ready")
    end_process_group(pid, term_timeout_s=0.3)
    assert not is_alive(pid)


def test_port_open_sees_a_listener() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert port_open(port)
    assert not port_open(port)


def test_log_tail_of_a_missing_file(tmp_path: Path) -> None:
    assert log_tail(tmp_path / "nope.log") == "(no log)"
