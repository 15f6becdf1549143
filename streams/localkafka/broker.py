"""A real single-node Apache Kafka broker (KRaft, no ZooKeeper, no Docker)
for local runs and integration tests: ``brandguard kafka start|stop|status``.

The broker runs detached in its own process group, so it outlives the command
that started it; a state file in the state folder records its pid and ports
so a later ``stop`` or ``status`` (another process) can find it.

With a ``BrokerSecurity`` the broker also serves secured listeners next to its
PLAINTEXT one (which stays the bootstrap, for test set-up): SASL_SSL and
SASL_PLAINTEXT with SCRAM-SHA-512 users created when the data folder is
formatted, and SSL that requires a client certificate (mutual TLS)."""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from string import Template

from streams.localkafka.jars import (
    PINNED_VERSION,
    SUPPORTED_VERSIONS,
    KafkaLocalError,
    check_java,
    deploy_dir,
    ensure_jars,
    kafka_major,
    log_config_flag,
    repo_root,
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
    "SECURED_LISTENERS",
    "SUPPORTED_VERSIONS",
    "Broker",
    "BrokerSecurity",
    "KafkaLocalError",
    "broker_status",
    "ensure_jars",
    "new_cluster_id",
    "pick_free_ports",
    "render_server_properties",
    "run_cli",
    "secure_server_properties",
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
SECURED_LISTENERS = ("SASL_SSL", "SSL", "SASL_PLAINTEXT")
SCRAM_MECHANISM = "SCRAM-SHA-512"
_SCRAM_SAFE = re.compile(r"^[A-Za-z0-9._-]+$")


@dataclass(frozen=True)
class BrokerSecurity:
    """TLS material and SCRAM users for the secured listeners.

    ``keystore``: PEM file with the broker's private key (unencrypted PKCS#8)
    and its certificate chain; its certificate must name 127.0.0.1 (clients
    verify the host). ``truststore``: PEM file of the CAs whose client
    certificates the SSL listener accepts. ``scram_users``: user -> password,
    both limited to letters, digits and ``._-`` (the storage tool's
    ``--add-scram`` syntax has no quoting).
    """

    keystore: Path
    truststore: Path
    scram_users: Mapping[str, str] = field(default_factory=dict)


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


def render_server_properties(
    broker_port: int,
    controller_port: int,
    data_dir: Path,
    auto_create_topics: bool = False,
    template: str | None = None,
) -> str:
    """server.properties for one combined broker+controller node."""
    if template is None:
        template = (deploy_dir() / "server.properties.template").read_text(encoding="utf-8")
    return Template(template).substitute(
        broker_port=broker_port,
        controller_port=controller_port,
        data_dir=data_dir,
        auto_create_topics="true" if auto_create_topics else "false",
    )


def secure_server_properties(
    properties: str, ports: Mapping[str, int], security: BrokerSecurity
) -> str:
    """``properties`` with the secured listeners of ``ports`` (protocol -> port) added.

    The PLAINTEXT listener stays the inter-broker one; the secured ones are
    on loopback only, like it. No authorizer is set: an authenticated user
    may do anything, a client that fails to authenticate nothing.
    """
    lines = properties.splitlines()
    current = {line.split("=", 1)[0]: line.split("=", 1)[1] for line in lines
               if "=" in line and not line.lstrip().startswith("#")}
    added = ",".join(f"{name}://127.0.0.1:{port}" for name, port in ports.items())
    overrides = {
        "listeners": f"{current['listeners']},{added}",
        "advertised.listeners": f"{current['advertised.listeners']},{added}",
        "listener.security.protocol.map": current["listener.security.protocol.map"] + "".join(
            f",{name}:{name}" for name in ports),
    }
    kept = [line for line in lines if line.split("=", 1)[0] not in overrides]
    jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required;"
    extra = [
        "", "# Secured listeners (streams/localkafka/broker.py, secure_server_properties).",
        *(f"{key}={value}" for key, value in overrides.items()),
        f"sasl.enabled.mechanisms={SCRAM_MECHANISM}",
        *(f"listener.name.{name.lower()}.{SCRAM_MECHANISM.lower()}.sasl.jaas.config={jaas}"
          for name in ports if name.startswith("SASL_")),
        # PEM key stores (Kafka 2.7+): no JKS conversion, no store passwords.
        "ssl.keystore.type=PEM", f"ssl.keystore.location={security.keystore.resolve()}",
        "ssl.truststore.type=PEM", f"ssl.truststore.location={security.truststore.resolve()}",
        # mutual TLS on the SSL listener only; SASL_SSL clients authenticate by password
        "listener.name.ssl.ssl.client.auth=required",
    ]
    return "\n".join(kept + extra) + "\n"


def _scram_arguments(users: Mapping[str, str]) -> list[str]:
    arguments = []
    for user, password in users.items():
        if not (_SCRAM_SAFE.match(user) and _SCRAM_SAFE.match(password)):
            raise KafkaLocalError(f"SCRAM user {user!r}: names and passwords are limited to "
                                  "letters, digits and ._- here")
        arguments += ["--add-scram", f"{SCRAM_MECHANISM}=[name={user},password={password}]"]
    return arguments


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
        *_scram_arguments(scram_users or {}),
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
