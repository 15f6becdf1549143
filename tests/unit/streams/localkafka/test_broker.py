"""The local broker's cluster id, ports and state, without a broker or network."""

from __future__ import annotations

import base64
import json
import os
import re
import socket
from pathlib import Path

from streams.localkafka.broker import (
    broker_status,
    new_cluster_id,
    pick_free_ports,
    stop_broker,
)


def test_cluster_id_is_16_bytes_urlsafe_base64_unpadded() -> None:
    cluster_id = new_cluster_id()
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", cluster_id)
    assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16


def test_cluster_ids_differ() -> None:
    assert len({new_cluster_id() for _ in range(50)}) == 50


def test_cluster_id_never_starts_with_a_dash() -> None:
    # 0xF8 encodes to "-" first; the storage tool would parse that id as an option.
    draws = iter([b"\xf8" + bytes(15), b"\x01" + bytes(15)])
    cluster_id = new_cluster_id(lambda size: next(draws))
    assert cluster_id == base64.urlsafe_b64encode(b"\x01" + bytes(15)).rstrip(b"=").decode()


def test_free_ports_are_distinct_and_bindable() -> None:
    ports = pick_free_ports(4)
    assert len(set(ports)) == 4
    for port in ports:
        assert 1024 <= port <= 65535
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", port))


def _write_state(state_dir: Path, pid: int) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / "broker.json").write_text(json.dumps({
        "bootstrap": "127.0.0.1:1", "pid": pid, "state_dir": str(state_dir),
        "log_path": str(state_dir / "broker.log"), "version": "3.9.2",
    }), encoding="utf-8")


def test_no_state_means_not_running(tmp_path: Path) -> None:
    assert broker_status(tmp_path) is None


def test_a_live_pid_that_is_not_our_broker_is_not_running(tmp_path: Path) -> None:
    # A recycled pid must never be taken for the broker (or signalled by stop).
    _write_state(tmp_path, os.getpid())
    assert broker_status(tmp_path) is None
    assert stop_broker(tmp_path) is False
    assert not (tmp_path / "broker.json").exists()
