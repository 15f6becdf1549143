"""The parts of the local-broker tooling that need no broker and no network."""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import stat
import time
from pathlib import Path

import pytest

from streams.localkafka import jars as kafka_jars
from streams.localkafka.broker import (
    PINNED_VERSION,
    SUPPORTED_VERSIONS,
    broker_status,
    new_cluster_id,
    pick_free_ports,
    stop_broker,
)
from streams.localkafka.jars import (
    KafkaLocalError,
    check_java,
    ensure_jars,
    kafka_major,
    log_config_flag,
    parse_java_version,
    require_tool,
)
from streams.localkafka.listeners import render_server_properties
from streams.localkafka.process import (
    cmdline_of,
    end_process_group,
    is_alive,
    launch_detached,
    log_tail,
    port_open,
)


def _parse_properties(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines()
             if line.strip() and not line.lstrip().startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def _fake_tool(folder: Path, name: str, script: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


# --- server.properties -------------------------------------------------------

def test_properties_describe_one_loopback_kraft_node(tmp_path: Path) -> None:
    props = _parse_properties(render_server_properties(40001, 40002, tmp_path / "data"))
    assert props["process.roles"] == "broker,controller"
    assert props["controller.quorum.voters"] == f"{props['node.id']}@127.0.0.1:40002"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:40001,CONTROLLER://127.0.0.1:40002"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:40001"
    assert props["log.dirs"] == str(tmp_path / "data")
    assert props["group.initial.rebalance.delay.ms"] == "0"


def test_properties_fit_a_single_replica(tmp_path: Path) -> None:
    props = _parse_properties(render_server_properties(1, 2, tmp_path))
    for key in ("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "transaction.state.log.min.isr", "default.replication.factor",
                "min.insync.replicas"):
        assert props[key] == "1", key


def test_auto_create_is_off_unless_asked(tmp_path: Path) -> None:
    off = _parse_properties(render_server_properties(1, 2, tmp_path))
    on = _parse_properties(render_server_properties(1, 2, tmp_path, auto_create_topics=True))
    assert off["auto.create.topics.enable"] == "false"
    assert on["auto.create.topics.enable"] == "true"


def test_every_placeholder_is_filled(tmp_path: Path) -> None:
    assert "$" not in render_server_properties(1, 2, tmp_path)


def test_unknown_placeholder_in_a_template_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        render_server_properties(1, 2, tmp_path, template="x=${missing}\n")


# --- cluster id and ports ----------------------------------------------------

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


# --- versions ----------------------------------------------------------------

@pytest.mark.parametrize(("text", "major"), [
    ('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment', 17),
    ('openjdk version "21" 2023-09-19', 21),
    ('openjdk version "22-ea" 2024-03-19', 22),
    ('java version "1.8.0_392"\nJava(TM) SE Runtime Environment', 8),
    ('openjdk version "11.0.22" 2024-01-16', 11),
])
def test_java_version_is_parsed(text: str, major: int) -> None:
    assert parse_java_version(text) == major


def test_unreadable_java_version_is_an_error() -> None:
    with pytest.raises(KafkaLocalError, match="cannot read"):
        parse_java_version("bash: java: command not found")


@pytest.mark.parametrize(("version", "major"), [("3.9.2", 3), ("4.1.1", 4)])
def test_kafka_major(version: str, major: int) -> None:
    assert kafka_major(version) == major


@pytest.mark.parametrize("version", ["3.9", "latest", "2.8.2", "5.0.0", "3.9.2-rc1"])
def test_unrunnable_kafka_versions_are_rejected(version: str) -> None:
    with pytest.raises(KafkaLocalError):
        kafka_major(version)


def test_pinned_version_is_supported_and_every_supported_version_is_runnable() -> None:
    assert PINNED_VERSION in SUPPORTED_VERSIONS
    for version in SUPPORTED_VERSIONS:
        kafka_major(version)


def test_logging_config_matches_the_kafka_line() -> None:
    flag3, flag4 = log_config_flag("3.9.2"), log_config_flag("4.1.1")
    assert flag3.startswith("-Dlog4j.configuration=file:")
    assert flag4.startswith("-Dlog4j2.configurationFile=")
    assert Path(flag3.split("file:", 1)[1]).is_file()
    assert Path(flag4.split("=", 1)[1]).is_file()


# --- missing or old tools ----------------------------------------------------

def test_missing_java_names_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(KafkaLocalError, match="apt-get install openjdk-17-jre-headless"):
        require_tool("java")


def test_missing_maven_names_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(KafkaLocalError, match="apt-get install maven"):
        require_tool("mvn")


def test_old_java_is_refused(tmp_path: Path) -> None:
    java = _fake_tool(tmp_path, "java", "echo 'openjdk version \"11.0.22\" 2024-01-16' >&2")
    with pytest.raises(KafkaLocalError, match="Java 11; Kafka needs Java 17"):
        check_java(str(java))


def test_new_enough_java_is_accepted(tmp_path: Path) -> None:
    java = _fake_tool(tmp_path, "java", "echo 'openjdk version \"21.0.2\" 2024-01-16' >&2")
    assert check_java(str(java)) == str(java)


# --- jar cache -----------------------------------------------------------------

def test_cached_jars_need_no_maven(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    lib = tmp_path / "cache" / "3.9.2" / "lib"
    lib.mkdir(parents=True)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert ensure_jars("3.9.2", tmp_path / "cache") == lib


def test_failed_fetch_leaves_no_lib_behind(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Writes one jar, then fails: the half-done folder must not become lib.
    bin_dir = tmp_path / "bin"
    _fake_tool(bin_dir, "mvn", 'for a; do case "$a" in -DoutputDirectory=*) '
               ': > "${a#-DoutputDirectory=}/scala-library.jar";; esac; done\n'
               'echo "Could not resolve dependencies"; exit 1')
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(KafkaLocalError, match="Could not resolve dependencies"):
        ensure_jars("3.9.2", tmp_path / "cache")
    assert list((tmp_path / "cache").rglob("*")) == []


def test_successful_fetch_is_renamed_into_place(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bin_dir = tmp_path / "bin"
    _fake_tool(bin_dir, "mvn", 'for a; do case "$a" in -DoutputDirectory=*) '
               ': > "${a#-DoutputDirectory=}/kafka_2.13-4.1.1.jar";; esac; done')
    monkeypatch.setenv("PATH", str(bin_dir))
    lib = ensure_jars("4.1.1", tmp_path / "cache")
    assert lib == tmp_path / "cache" / "4.1.1" / "lib"
    assert os.listdir(lib) == ["kafka_2.13-4.1.1.jar"]
    assert os.listdir(lib.parent) == ["lib"]


def test_pom_per_kafka_line_exists() -> None:
    for major in (3, 4):
        pom = kafka_jars.deploy_dir() / f"pom-kafka{major}.xml"
        assert "${kafka.version}" in pom.read_text(encoding="utf-8")


# --- state and CLI without a broker -------------------------------------------

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


# --- detached processes --------------------------------------------------------

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


def test_secured_listeners_are_added_on_loopback(tmp_path: Path) -> None:
    from streams.localkafka.listeners import BrokerSecurity, secure_server_properties

    plain = render_server_properties(40001, 40002, tmp_path / "data")
    security = BrokerSecurity(keystore=tmp_path / "ks.pem", truststore=tmp_path / "ca.pem")
    props = _parse_properties(secure_server_properties(
        plain, {"SASL_SSL": 40003, "SSL": 40004, "SASL_PLAINTEXT": 40005}, security))
    assert props["listeners"] == (
        "PLAINTEXT://127.0.0.1:40001,CONTROLLER://127.0.0.1:40002,SASL_SSL://127.0.0.1:40003,"
        "SSL://127.0.0.1:40004,SASL_PLAINTEXT://127.0.0.1:40005")
    assert props["advertised.listeners"].split(",")[1:] == [
        "SASL_SSL://127.0.0.1:40003", "SSL://127.0.0.1:40004", "SASL_PLAINTEXT://127.0.0.1:40005"]
    assert props["inter.broker.listener.name"] == "PLAINTEXT"
    assert "SASL_PLAINTEXT:SASL_PLAINTEXT" in props["listener.security.protocol.map"]
    assert props["listener.name.ssl.ssl.client.auth"] == "required"
    assert "ssl.client.auth" not in props  # SASL_SSL clients need no certificate
    assert props["ssl.keystore.type"] == props["ssl.truststore.type"] == "PEM"
    assert props["sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    assert "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config" in props
    assert "listener.name.ssl.scram-sha-512.sasl.jaas.config" not in props


def test_scram_users_must_need_no_quoting() -> None:
    from streams.localkafka.listeners import scram_arguments as _scram_arguments

    assert _scram_arguments({"bg": "pw-1"}) == [
        "--add-scram", "SCRAM-SHA-512=[name=bg,password=pw-1]"]
    with pytest.raises(KafkaLocalError, match="letters, digits"):
        _scram_arguments({"bg": "p,w]"})
