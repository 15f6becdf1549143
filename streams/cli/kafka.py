"""``brandguard kafka start|stop|status``: the local development broker."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from streams.localkafka.broker import broker_status, start_broker, stop_broker
from streams.localkafka.jars import (
    PINNED_VERSION,
    SUPPORTED_VERSIONS,
    KafkaLocalError,
    kafka_major,
    repo_root,
)

__all__ = ["run_cli"]


def _eprint(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _cli_start(state_dir: Path, version: str) -> int:
    running = broker_status(state_dir)
    if running is not None:
        _eprint(f"Kafka {running.version} is already running (pid {running.pid})")
        print(f"bootstrap={running.bootstrap}")
        return 0
    kafka_major(version)
    if version not in SUPPORTED_VERSIONS:
        _eprint(f"warning: Kafka {version} is untested here; tested: "
                f"{', '.join(SUPPORTED_VERSIONS)}")
    started = time.monotonic()
    broker = start_broker(state_dir, version, progress=_eprint)
    _eprint(f"ready in {time.monotonic() - started:.1f} s (pid {broker.pid}, "
            f"log {broker.log_path})")
    print(f"bootstrap={broker.bootstrap}")
    return 0


def _cli_status(state_dir: Path) -> int:
    broker = broker_status(state_dir)
    if broker is None:
        print(f"not running ({state_dir})")
        return 1
    print(f"running version={broker.version} bootstrap={broker.bootstrap} pid={broker.pid}")
    return 0


def run_cli(args: argparse.Namespace) -> int:
    """``brandguard kafka start|stop|status [--dir DIR] [--version X.Y.Z]``."""
    state_dir = Path(args.dir) if args.dir else repo_root() / ".run" / "kafka"
    version = args.version or PINNED_VERSION
    try:
        if args.action == "start":
            return _cli_start(state_dir, version)
        if args.action == "stop":
            _eprint("stopped" if stop_broker(state_dir) else f"not running ({state_dir})")
            return 0
        return _cli_status(state_dir)
    except KafkaLocalError as exc:
        _eprint(f"error: {exc}")
        return 1
