"""server.properties of the local broker: a loopback KRaft node, and the secured
listeners the security tests add."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.localkafka.jars import (
    KafkaLocalError,
)
from streams.localkafka.listeners import render_server_properties


def _parse_properties(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines()
             if line.strip() and not line.lstrip().startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


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
