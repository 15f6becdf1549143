"""The local broker's configuration: server.properties, and the secured listeners.

With a :class:`BrokerSecurity` the broker also serves secured listeners next
to its PLAINTEXT one (which stays the bootstrap, for test set-up): SASL_SSL
and SASL_PLAINTEXT with SCRAM-SHA-512 users created when the data folder is
formatted, and SSL that requires a client certificate (mutual TLS).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

from streams.localkafka.jars import KafkaLocalError, deploy_dir

__all__ = ["SCRAM_MECHANISM", "SECURED_LISTENERS", "BrokerSecurity", "render_server_properties",
           "scram_arguments", "secure_server_properties"]

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
        "", "# Secured listeners (streams/localkafka/listeners.py).",
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


def scram_arguments(users: Mapping[str, str]) -> list[str]:
    arguments = []
    for user, password in users.items():
        if not (_SCRAM_SAFE.match(user) and _SCRAM_SAFE.match(password)):
            raise KafkaLocalError(f"SCRAM user {user!r}: names and passwords are limited to "
                                  "letters, digits and ._- here")
        arguments += ["--add-scram", f"{SCRAM_MECHANISM}=[name={user},password={password}]"]
    return arguments
