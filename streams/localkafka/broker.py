"""A real single-node Apache Kafka broker (KRaft, no ZooKeeper, no Docker)
for local runs and integration tests: ``brandguard kafka start|stop|status``.

The broker runs detached in its own process group, so it outlives the command
that started it; a state file in the state folder records its pid and ports
so a later ``stop`` or ``status`` (another process) can find it. Its
configuration, secured listeners included, is made in
:mod:`streams.localkafka.listeners`; the command is :mod:`streams.cli.kafka`.

With a ``BrokerSecurity`` the broker also serves secured listeners next to its
PLAINTEXT one (which stays the bootstrap, for test set-up): SASL_SSL and
SASL_PLAINTEXT with SCRAM-SHA-512 users created when the data folder is
formatted, and SSL that requires a client certificate (mutual TLS)."""

from __future__ import annotations

import base64
import contextlib
import json
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from streams.localkafka.jars import (
    PINNED_VERSION,
    SUPPORTED_VERSIONS,
    KafkaLocalError,
    check_java,
    ensure_jars,
    kafka_major,
    log_config_flag,
)
from streams.localkafka.listeners import (
    SECURED_LISTENERS,
    BrokerSecurity,
    render_server_properties,
    scram_arguments,
    secure_server_properties,
)
from streams.localkafka.process import (
    ProcessError,
    cmdline_of,
    end_process_group,
    is_alive,
    is_own_child,
    launch_detached,
    log_tail,
    port_open,
)

__all__ = [
    "PINNED_VERSION",
    "SUPPORTED_VERSIONS",
    "Broker",
    "BrokerSecurity",
    "KafkaLocalError",
    "broker_status",
    "ensure_jars",
    "new_cluster_id",
    "pick_free_ports",
    "start_broker",
    "stop_broker",
]

READY_MARKER = "Kafka Server started"
_STATE_FILE = "broker.json"
_LOG_FILE = "broker.log"
_DATA_DIR = "data"
_BROKER_JVM_FLAGS = ("-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true")
# The format tool lives for a second: the C2 compiler and G1 only cost it
# start-up time (measured ~1.6 s -> ~0.6 s per broker start).
_TOOL_JVM_FLAGS = ("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                   "-Djava.awt.headless=true")

Progress = Callable[[str], None]

#: the listeners a secured broker adds, named after their security protocol
@dataclass(frozen=True)
class Broker:
    """A running broker as recorded in its state folder."""

    bootstrap: str
    pid: int
    state_dir: Path
    log_path: Path
    version: str
    #: secured listener (``SASL_SSL``, ``SSL``, ``SASL_PLAINTEXT``) -> host:port
    listeners: Mapping[str, str] = field(default_factory=dict)


def new_cluster_id(random_bytes: Callable[[int], bytes] = secrets.token_bytes) -> str:
    """A KRaft cluster id: 16 random bytes, url-safe base64 without padding.

    Like Kafka's own ``Uuid.randomUuid`` it never starts with ``-``: the
    storage tool's argument parser would read such an id as an option (one
    id in 64 did, and formatting failed).
    """
    while True:
        cluster_id = base64.urlsafe_b64encode(random_bytes(16)).rstrip(b"=").decode("ascii")
        if not cluster_id.startswith("-"):
            return cluster_id


def pick_free_ports(count: int) -> list[int]:
    """``count`` distinct loopback ports free right now.

    All sockets stay bound until every port is picked, so the kernel cannot
    hand out the same port twice.
    """
    with contextlib.ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind(("127.0.0.1", 0))
            ports.append(int(sock.getsockname()[1]))
        return ports


def _java_command(
    java: str, flags: tuple[str, ...], lib: Path, version: str, *args: str
) -> list[str]:
    return [java, *flags, log_config_flag(version), "-cp", f"{lib}/*", *args]


def _format_storage(java: str, lib: Path, version: str, config: Path,
                    scram_users: Mapping[str, str] | None = None) -> None:
    command = _java_command(
        java, _TOOL_JVM_FLAGS, lib, version, "kafka.tools.StorageTool", "format",
        f"--cluster-id={new_cluster_id()}", "-c", str(config),
        # SCRAM credentials live in the KRaft metadata log: written at format time
        *scram_arguments(scram_users or {}),
    )
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        raise KafkaLocalError(
            f"formatting the KRaft data folder failed (exit {result.returncode}):\n"
            + (result.stdout + result.stderr).strip()[-2000:]
        )


def _read_state(state_dir: Path) -> Broker | None:
    try:
        raw = json.loads((state_dir / _STATE_FILE).read_text(encoding="utf-8"))
        return Broker(
            bootstrap=str(raw["bootstrap"]), pid=int(raw["pid"]),
            state_dir=Path(raw["state_dir"]), log_path=Path(raw["log_path"]),
            version=str(raw["version"]),
            listeners={str(k): str(v) for k, v in dict(raw.get("listeners", {})).items()},
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_state(broker: Broker) -> None:
    record = {key: str(value) if isinstance(value, Path) else
              dict(value) if isinstance(value, Mapping) else value
              for key, value in asdict(broker).items()}
    path = broker.state_dir / _STATE_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def _is_our_broker(pid: int, state_dir: Path) -> bool:
    """Guards against a recycled pid: the process must be kafka.Kafka on our config."""
    if is_own_child(pid):
        # Its cmdline can still read empty just after launch (Ctrl-C then).
        return is_alive(pid)
    cmdline = cmdline_of(pid)
    config = str(state_dir.resolve() / "server.properties")
    return "kafka.Kafka" in cmdline and config in cmdline and is_alive(pid)


def broker_status(state_dir: Path) -> Broker | None:
    """The broker running from ``state_dir``, or None if there is none."""
    broker = _read_state(state_dir)
    if broker is None or not _is_our_broker(broker.pid, state_dir):
        return None
    return broker


def _wait_ready(broker: Broker, port: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not is_alive(broker.pid):
            raise KafkaLocalError("the broker exited during start-up")
        log = broker.log_path.read_text(encoding="utf-8", errors="replace")
        if READY_MARKER in log and port_open(port):
            return
        time.sleep(0.1)
    raise KafkaLocalError(f"the broker was not ready within {timeout_s:.0f} s")


def _launch(java: str, lib: Path, version: str, state_dir: Path) -> int:
    config = state_dir.resolve() / "server.properties"
    command = _java_command(
        java, _BROKER_JVM_FLAGS, lib, version, f"-Dkafka.logs.dir={state_dir.resolve() / 'logs'}",
        "kafka.Kafka", str(config),
    )
    return launch_detached(command, state_dir / _LOG_FILE, cwd=state_dir)


def _prepare_state_dir(state_dir: Path, auto_create_topics: bool,
                       security: BrokerSecurity | None = None) -> tuple[int, dict[str, int]]:
    """Fresh data folder and config; returns the client port and the secured ones."""
    if broker_status(state_dir) is not None:
        raise KafkaLocalError(f"a broker is already running from {state_dir}")
    state_dir.mkdir(parents=True, exist_ok=True)
    data_dir = state_dir.resolve() / _DATA_DIR
    shutil.rmtree(data_dir, ignore_errors=True)
    (state_dir / _STATE_FILE).unlink(missing_ok=True)
    broker_port, controller_port, *secured_ports = pick_free_ports(
        2 + (len(SECURED_LISTENERS) if security else 0))
    secured = dict(zip(SECURED_LISTENERS, secured_ports, strict=False))
    properties = render_server_properties(broker_port, controller_port, data_dir,
                                          auto_create_topics)
    if security is not None:
        properties = secure_server_properties(properties, secured, security)
    (state_dir / "server.properties").write_text(properties, encoding="utf-8")
    return broker_port, secured


def start_broker(
    state_dir: Path,
    version: str = PINNED_VERSION,
    cache_dir: Path | None = None,
    *,
    auto_create_topics: bool = False,
    timeout_s: float = 90.0,
    progress: Progress | None = None,
    security: BrokerSecurity | None = None,
) -> Broker:
    """Format a fresh KRaft data folder, start the broker and wait until it serves.

    With ``security``, also on the secured listeners (``Broker.listeners``).
    """
    say = progress or (lambda _message: None)
    kafka_major(version)
    java = check_java()
    say(f"fetching Kafka {version} jars (cached after the first run)")
    lib = ensure_jars(version, cache_dir)
    port, secured = _prepare_state_dir(state_dir, auto_create_topics, security)
    say("formatting the KRaft data folder")
    _format_storage(java, lib, version, state_dir.resolve() / "server.properties",
                    security.scram_users if security else None)
    say(f"starting Kafka {version} on 127.0.0.1:{port}")
    pid = _launch(java, lib, version, state_dir)
    broker = Broker(
        bootstrap=f"127.0.0.1:{port}", pid=pid, state_dir=state_dir.resolve(),
        log_path=state_dir.resolve() / _LOG_FILE, version=version,
        listeners={name: f"127.0.0.1:{p}" for name, p in secured.items()},
    )
    _write_state(broker)
    try:
        _wait_ready(broker, port, timeout_s)
        for secured_port in secured.values():
            _wait_ready(broker, secured_port, timeout_s)
    except KafkaLocalError as exc:
        stop_broker(state_dir)
        raise KafkaLocalError(f"{exc}; log tail:\n{log_tail(broker.log_path)}") from exc
    except BaseException:
        # Ctrl-C while waiting must not leave an orphaned JVM behind.
        stop_broker(state_dir)
        raise
    return broker


def stop_broker(state_dir: Path, term_timeout_s: float = 30.0) -> bool:
    """Stop the broker of ``state_dir`` and delete its data; False if none ran.

    The log file stays, for a look at why a run went wrong.
    """
    broker = _read_state(state_dir)
    was_running = broker is not None and _is_our_broker(broker.pid, state_dir)
    if broker is not None and was_running:
        # The broker leads its own process group (start_new_session), so
        # the group signal also reaches anything it forked.
        try:
            end_process_group(broker.pid, term_timeout_s)
        except ProcessError as exc:
            raise KafkaLocalError(str(exc)) from exc
    shutil.rmtree(state_dir / _DATA_DIR, ignore_errors=True)
    (state_dir / _STATE_FILE).unlink(missing_ok=True)
    return was_running
