"""The worker on a broker with security on: SASL_SSL and SASL_PLAINTEXT with
SCRAM-SHA-512 users, and mutual TLS (the listener requires a client
certificate; the client key is encrypted). Every Kafka client of the worker
path must carry the settings: topic creation (librdkafka), Faust's consumer and
producer, the global-views consumer (the worker is not ready without it) and
``brandguard produce``. Bad credentials must end the worker with the reason in
its log, not leave it waiting.

The broker is a second one, for this module only, with its own CA."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from signals.evaluation.simulator import scenario_config, simulate
from streams.localkafka.broker import Broker, BrokerSecurity, start_broker, stop_broker
from streams.worker.security import librdkafka_config
from streams.worker.settings import load_settings
from tests.integration.pki import CLIENT_KEY_PASSWORD, Pki, make_pki
from tests.integration.worker_proc import (
    WorkerProcess,
    free_port,
    read_topic,
    topic_name,
    wait_for,
    worker_env,
)

USER, PASSWORD = "brandguard", "scram-secret-1"
#: topic creation waits 30 s for metadata (streams/worker/admin.py), then the worker exits
FAILURE_TIMEOUT_S = 120.0


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory,
            kafka_version: str) -> Iterator[tuple[Broker, Pki]]:
    pki = make_pki(tmp_path_factory.mktemp("pki"))
    state_dir = tmp_path_factory.mktemp("kafka-secured")
    security = BrokerSecurity(keystore=pki.broker_keystore, truststore=pki.ca,
                              scram_users={USER: PASSWORD})
    try:
        yield start_broker(state_dir, kafka_version, security=security), pki
    finally:
        stop_broker(state_dir)


def _security_env(listener: str, broker: Broker, pki: Pki) -> dict[str, str]:
    env = {"BRANDGUARD_KAFKA_BOOTSTRAP": broker.listeners[listener],
           "BRANDGUARD_KAFKA_SECURITY_PROTOCOL": listener}
    if listener.startswith("SASL_"):
        env.update({"BRANDGUARD_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
                    "BRANDGUARD_KAFKA_SASL_USERNAME": USER,
                    "BRANDGUARD_KAFKA_SASL_PASSWORD": PASSWORD})
    if listener.endswith("SSL"):
        env["BRANDGUARD_KAFKA_SSL_CAFILE"] = str(pki.ca)
    if listener == "SSL":
        env.update({"BRANDGUARD_KAFKA_SSL_CERTFILE": str(pki.client_cert),
                    "BRANDGUARD_KAFKA_SSL_KEYFILE": str(pki.client_key),
                    "BRANDGUARD_KAFKA_SSL_KEY_PASSWORD": CLIENT_KEY_PASSWORD})
    return env


def _worker(env: dict[str, str], unique: str, tmp_path: Path) -> WorkerProcess:
    port = free_port()
    full = worker_env(env["BRANDGUARD_KAFKA_BOOTSTRAP"], f"bg-{unique}"[:60], tmp_path / "w",
                      port)
    full.update(env)
    return WorkerProcess(env=full, port=port, log=tmp_path / "worker.log")


def _status(worker: WorkerProcess, path: str) -> int | None:
    try:
        return worker.request(path)[0]
    except OSError:
        return None


def _produce_cli(path: Path, env: dict[str, str]) -> None:
    """``brandguard produce`` with the worker's environment: its security settings too."""
    result = subprocess.run([sys.executable, "-m", "streams.cli.main", "produce", str(path),
                             "--quiet"], env=env, capture_output=True, text=True, timeout=180,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]


@pytest.mark.parametrize("listener", ["SASL_SSL", "SSL", "SASL_PLAINTEXT"])
def test_worker_scores_on_a_secured_listener(secured: tuple[Broker, Pki], listener: str,
                                             unique: str, tmp_path: Path) -> None:
    broker, pki = secured
    worker = _worker(_security_env(listener, broker, pki), unique, tmp_path).start()
    app_id = worker.env["BRANDGUARD_APP_ID"]
    try:
        # ready means the global-views consumer read the (empty) registry: it connected
        wait_for(lambda: _status(worker, "/readyz") == 200, 90, "/readyz 200", worker)
        lines = simulate(scenario_config("mixed", seed=9, days=1.0, scale=0.2)).lines
        head = next(i for i, line in enumerate(lines) if b'"schema":"brand.v1"' not in line)
        (tmp_path / "registry.jsonl").write_bytes(b"\n".join(lines[:head]) + b"\n")
        (tmp_path / "traffic.jsonl").write_bytes(b"\n".join(lines[head:]) + b"\n")
        _produce_cli(tmp_path / "registry.jsonl", worker.env)
        wait_for(lambda: (worker.get("/readyz") or {}).get("brands") == head, 60,
                 "the registry loaded", worker)
        _produce_cli(tmp_path / "traffic.jsonl", worker.env)
        wait_for(lambda: worker.metric("brandguard_events_total") >= len(lines), 300,
                 f"{len(lines)} records consumed", worker)
        config = librdkafka_config(load_settings(worker.env))

        def alerts() -> list[dict[str, object]]:
            return [orjson.loads(v) for _, v in read_topic(
                broker.listeners[listener], topic_name(app_id, "alerts"), config)]

        wait_for(lambda: len(alerts()) > 0, 60, "alerts on the secured listener", worker)
        assert all(a["schema"] == "alert.v1" for a in alerts())
    finally:
        worker.stop()


def test_bad_credentials_end_the_worker_with_the_reason(secured: tuple[Broker, Pki],
                                                        unique: str, tmp_path: Path) -> None:
    """A wrong SCRAM password, and mutual TLS without a client certificate: topic
    creation cannot fetch metadata, librdkafka logs why, the worker exits non-zero.
    Both run at once (each waits out the 30 s metadata timeout)."""
    broker, pki = secured
    wrong_password = {**_security_env("SASL_SSL", broker, pki),
                      "BRANDGUARD_KAFKA_SASL_PASSWORD": "not-the-password"}
    no_certificate = {key: value for key, value in _security_env("SSL", broker, pki).items()
                      if "CERTFILE" not in key and "KEY" not in key}
    cases = {
        "wrong password": (wrong_password, "SASL authentication error: Authentication failed "
                           "during authentication due to invalid credentials with SASL "
                           "mechanism SCRAM-SHA-512"),
        "no client certificate": (no_certificate, "ssl/tls alert bad certificate"),
    }
    started = time.monotonic()
    running = {}
    for name, (env, _) in cases.items():
        worker = _worker(env, f"{unique}-{len(running)}", tmp_path / str(len(running)))
        (tmp_path / str(len(running))).mkdir()
        out = worker.log.open("wb")
        running[name] = (worker, subprocess.Popen(
            [sys.executable, "-m", "streams.cli.main", "worker"], env=worker.env, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True), out)
    try:
        for name, (worker, proc, out) in running.items():
            code = proc.wait(FAILURE_TIMEOUT_S - (time.monotonic() - started))
            out.close()
            log = worker.log.read_text(errors="replace")
            assert code != 0, f"{name}: exit {code}\n{worker.tail()}"
            assert cases[name][1] in log, f"{name}:\n{worker.tail()}"
            assert "Failed to get metadata" in log, f"{name}:\n{worker.tail()}"
    finally:
        for worker, proc, out in running.values():
            worker.proc = proc
            worker.stop(10)
            out.close()
