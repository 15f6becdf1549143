"""Detached server processes on this machine: start one in its own process
group with output to a file, tell whether a pid is still that process, and
end it (SIGTERM, then SIGKILL). Used for the local Kafka broker, which must
outlive the command that started it and be stoppable from another process."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "ProcessError",
    "cmdline_of",
    "end_process_group",
    "is_alive",
    "is_own_child",
    "launch_detached",
    "log_tail",
    "port_open",
]

_KILL_WAIT_S = 10.0
# Processes started by this interpreter: kept so they are reaped (a zombie
# still answers kill(pid, 0)) and so Popen never warns about them at exit.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


class ProcessError(RuntimeError):
    """A process would not end."""


def launch_detached(command: Sequence[str], log_path: Path, cwd: Path) -> int:
    """Start ``command`` in a new session (own process group); returns its pid."""
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            list(command), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            cwd=cwd, start_new_session=True,
        )
    _CHILDREN[proc.pid] = proc
    return proc.pid


def is_alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie counts as ended)."""
    child = _CHILDREN.get(pid)
    if child is not None:
        return child.poll() is None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return False
    # The state is the first field after the parenthesised command name.
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def is_own_child(pid: int) -> bool:
    """Whether this interpreter started ``pid`` (so it cannot be a recycled pid)."""
    return pid in _CHILDREN


def cmdline_of(pid: int) -> list[str]:
    """Arguments ``pid`` was started with; empty if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _wait_exit(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not is_alive(pid):
            return True
        time.sleep(0.05)
    return not is_alive(pid)


def end_process_group(pid: int, term_timeout_s: float) -> None:
    """SIGTERM the group led by ``pid``, SIGKILL it if still up, wait for exit."""
    for sig, wait_s in ((signal.SIGTERM, term_timeout_s), (signal.SIGKILL, _KILL_WAIT_S)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)
        if _wait_exit(pid, wait_s):
            break
    else:
        raise ProcessError(f"pid {pid} did not exit even after SIGKILL")
    child = _CHILDREN.pop(pid, None)
    if child is not None:
        child.wait(timeout=5)


def port_open(port: int) -> bool:
    """Whether something accepts TCP connections on 127.0.0.1:``port``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def log_tail(log_path: Path, lines: int = 40) -> str:
    try:
        text = log_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])
