"""Kafka connection security, from ``Settings`` to each client library's terms.

The worker talks to Kafka through three clients, and every one of them must
get the same TLS and SASL settings, or a secured cluster half-works: Faust
(aiokafka underneath) for the agents, a plain aiokafka consumer for the global
views (``GlobalViews``; every agent waits for it, so without credentials
nothing is ever scored), and confluent-kafka (librdkafka) for topic creation
and ``brandguard produce``. This module is the one place that maps
``BRANDGUARD_KAFKA_*`` settings to:

- ``faust_credentials``: Faust's ``broker_credentials``;
- ``aiokafka_kwargs``: keyword arguments for an aiokafka client;
- ``librdkafka_config``: a confluent-kafka configuration dict.

Protocols, as Kafka names them: ``PLAINTEXT`` (neither), ``SSL`` (TLS; with a
client certificate and key it is mutual TLS, how Strimzi's and MSK's "TLS
authentication" identify a client), ``SASL_PLAINTEXT`` (SASL without TLS) and
``SASL_SSL`` (SASL over TLS, optionally also with a client certificate).

Every builder first runs ``check``: a combination that cannot work (a SASL
mechanism without a user, a certificate without its key, TLS files with a
protocol that does not use TLS) fails at start-up with a message naming the
variables, instead of a connection that is refused, or retried, for ever.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import faust
from faust.types.auth import CredentialsT

from signals.errors import ConfigError
from streams.worker.settings import Settings

__all__ = ["SASL_MECHANISMS", "KafkaSecurityError", "aiokafka_kwargs", "check",
           "faust_credentials", "librdkafka_config", "ssl_context", "uses_sasl", "uses_tls"]

#: what all three clients support with a user name and password
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
_VAR = {"security_protocol": "BRANDGUARD_KAFKA_SECURITY_PROTOCOL",
        "sasl_mechanism": "BRANDGUARD_KAFKA_SASL_MECHANISM",
        "sasl_username": "BRANDGUARD_KAFKA_SASL_USERNAME",
        "sasl_password": "BRANDGUARD_KAFKA_SASL_PASSWORD",
        "ssl_cafile": "BRANDGUARD_KAFKA_SSL_CAFILE",
        "ssl_certfile": "BRANDGUARD_KAFKA_SSL_CERTFILE",
        "ssl_keyfile": "BRANDGUARD_KAFKA_SSL_KEYFILE",
        "ssl_key_password": "BRANDGUARD_KAFKA_SSL_KEY_PASSWORD"}
_SASL_FIELDS = ("sasl_mechanism", "sasl_username", "sasl_password")
_TLS_FIELDS = ("ssl_cafile", "ssl_certfile", "ssl_keyfile", "ssl_key_password")
_FILE_FIELDS = ("ssl_cafile", "ssl_certfile", "ssl_keyfile")


class KafkaSecurityError(ConfigError):
    """The Kafka security settings contradict each other or name missing files."""


def uses_tls(settings: Settings) -> bool:
    return settings.security_protocol in ("SSL", "SASL_SSL")


def uses_sasl(settings: Settings) -> bool:
    return settings.security_protocol in ("SASL_PLAINTEXT", "SASL_SSL")


def _set(settings: Settings, names: tuple[str, ...]) -> list[str]:
    return [_VAR[name] for name in names if getattr(settings, name)]


def check(settings: Settings) -> None:
    """Raise ``KafkaSecurityError`` listing every problem with the security settings."""
    protocol = settings.security_protocol
    if protocol not in _PROTOCOLS:
        raise KafkaSecurityError(f"{_VAR['security_protocol']} must be one of "
                                 f"{', '.join(_PROTOCOLS)}, got {protocol!r}")
    problems: list[str] = []
    if uses_sasl(settings):
        mechanism = settings.sasl_mechanism
        if not mechanism:
            problems.append(f"{protocol} needs {_VAR['sasl_mechanism']} "
                            f"({', '.join(SASL_MECHANISMS)})")
        elif mechanism not in SASL_MECHANISMS:
            problems.append(f"{_VAR['sasl_mechanism']} must be one of "
                            f"{', '.join(SASL_MECHANISMS)}, got {mechanism!r}")
        missing = [_VAR[name] for name in ("sasl_username", "sasl_password")
                   if not getattr(settings, name)]
        if missing:
            problems.append(f"SASL needs {' and '.join(missing)} (unset or empty)")
    elif stray := _set(settings, _SASL_FIELDS):
        problems.append(f"{', '.join(stray)} set, but {_VAR['security_protocol']}={protocol} "
                        "does not use SASL (SASL_PLAINTEXT or SASL_SSL does)")
    if not uses_tls(settings) and (stray := _set(settings, _TLS_FIELDS)):
        problems.append(f"{', '.join(stray)} set, but {_VAR['security_protocol']}={protocol} "
                        "does not use TLS (SSL or SASL_SSL does)")
    if bool(settings.ssl_certfile) != bool(settings.ssl_keyfile):
        given, other = (("ssl_certfile", "ssl_keyfile") if settings.ssl_certfile
                        else ("ssl_keyfile", "ssl_certfile"))
        problems.append(f"{_VAR[given]} needs {_VAR[other]}: mutual TLS takes a client "
                        "certificate and its private key")
    if settings.ssl_key_password and not settings.ssl_keyfile:
        problems.append(f"{_VAR['ssl_key_password']} set without {_VAR['ssl_keyfile']}")
    for name in _FILE_FIELDS:
        path = getattr(settings, name)
        if path and not Path(path).is_file():
            problems.append(f"{_VAR[name]}: no such file: {path}")
    if problems:
        raise KafkaSecurityError("Kafka security settings: " + "; ".join(problems))


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """Verifying TLS context (CA file or the system's CAs, plus the client
    certificate for mutual TLS); None when the protocol does not use TLS."""
    check(settings)
    if not uses_tls(settings):
        return None
    try:
        context = ssl.create_default_context(cafile=settings.ssl_cafile)
    except ssl.SSLError as exc:
        raise KafkaSecurityError(f"{_VAR['ssl_cafile']}={settings.ssl_cafile} holds no "
                                 f"readable PEM certificate: {exc}") from exc
    if settings.ssl_certfile:
        try:
            context.load_cert_chain(settings.ssl_certfile, settings.ssl_keyfile,
                                    password=settings.ssl_key_password)
        except ssl.SSLError as exc:
            raise KafkaSecurityError(
                f"cannot load the client certificate {settings.ssl_certfile} with key "
                f"{settings.ssl_keyfile} (wrong {_VAR['ssl_key_password']}, or a key of "
                f"another certificate?): {exc}") from exc
    return context


def faust_credentials(settings: Settings) -> CredentialsT | None:
    """Faust's ``broker_credentials``; None for PLAINTEXT.

    ``faust.SASLCredentials`` speaks SASL over TLS exactly when it is given an
    SSL context, so SASL_PLAINTEXT must pass none.
    """
    context = ssl_context(settings)
    if uses_sasl(settings):
        return faust.SASLCredentials(username=settings.sasl_username,
                                     password=settings.sasl_password,
                                     mechanism=settings.sasl_mechanism, ssl_context=context)
    if context is not None:
        return faust.SSLCredentials(context)
    return None


def aiokafka_kwargs(settings: Settings) -> dict[str, Any]:
    """Security keyword arguments for an ``AIOKafkaConsumer`` or producer."""
    context = ssl_context(settings)
    kwargs: dict[str, Any] = {"security_protocol": settings.security_protocol}
    if context is not None:
        kwargs["ssl_context"] = context
    if uses_sasl(settings):
        kwargs.update(sasl_mechanism=settings.sasl_mechanism,
                      sasl_plain_username=settings.sasl_username,
                      sasl_plain_password=settings.sasl_password)
    return kwargs


def librdkafka_config(settings: Settings) -> dict[str, str]:
    """Security part of a confluent-kafka (librdkafka) client configuration.

    librdkafka verifies the broker's certificate and host name by default
    (``ssl.endpoint.identification.algorithm=https``), as the Python context does.
    """
    check(settings)
    config: dict[str, str] = {"security.protocol": settings.security_protocol}
    if uses_sasl(settings):
        config.update({"sasl.mechanisms": str(settings.sasl_mechanism),
                       "sasl.username": str(settings.sasl_username),
                       "sasl.password": str(settings.sasl_password)})
    optional = {"ssl.ca.location": settings.ssl_cafile,
                "ssl.certificate.location": settings.ssl_certfile,
                "ssl.key.location": settings.ssl_keyfile,
                "ssl.key.password": settings.ssl_key_password}
    config.update({key: value for key, value in optional.items() if value})
    return config
