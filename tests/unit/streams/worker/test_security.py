"""Settings -> Faust credentials, aiokafka kwargs and librdkafka config, and the
combinations that must fail at start-up rather than at the first connection."""

from __future__ import annotations

import ssl
import subprocess
from pathlib import Path

import faust
import pytest

from streams.worker.admin import client_config
from streams.worker.security import (
    KafkaSecurityError,
    aiokafka_kwargs,
    check,
    faust_credentials,
    librdkafka_config,
    ssl_context,
)
from streams.worker.settings import ENV_VARS, Settings, load_settings

SCRAM = {"sasl_mechanism": "SCRAM-SHA-512", "sasl_username": "bg", "sasl_password": "pw"}


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A self-signed CA and a client certificate with an encrypted key (openssl)."""
    folder = tmp_path_factory.mktemp("pki")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "1", "-subj", "/CN=test-ca")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "plain.key",
            "-out", "client.csr", "-subj", "/CN=client")
    openssl("x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "client.pem", "-days", "1")
    openssl("pkcs8", "-topk8", "-in", "plain.key", "-out", "client.key",
            "-v2", "aes-256-cbc", "-passout", "pass:keypw")
    return {name: str(folder / name) for name in ("ca.pem", "client.pem", "client.key",
                                                   "plain.key")}


def test_plaintext_adds_nothing() -> None:
    settings = Settings()
    assert faust_credentials(settings) is None
    assert aiokafka_kwargs(settings) == {"security_protocol": "PLAINTEXT"}
    assert librdkafka_config(settings) == {"security.protocol": "PLAINTEXT"}
    assert ssl_context(settings) is None


def test_sasl_ssl_everywhere(pki: dict[str, str]) -> None:
    settings = Settings(security_protocol="SASL_SSL", ssl_cafile=pki["ca.pem"], **SCRAM)
    credentials = faust_credentials(settings)
    assert isinstance(credentials, faust.SASLCredentials)
    assert credentials.protocol.value == "SASL_SSL"
    assert credentials.mechanism.value == "SCRAM-SHA-512"
    assert (credentials.username, credentials.password) == ("bg", "pw")
    assert isinstance(credentials.ssl_context, ssl.SSLContext)
    kwargs = aiokafka_kwargs(settings)
    assert kwargs.pop("ssl_context").verify_mode == ssl.CERT_REQUIRED
    assert kwargs == {"security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512",
                      "sasl_plain_username": "bg", "sasl_plain_password": "pw"}
    assert librdkafka_config(settings) == {
        "security.protocol": "SASL_SSL", "sasl.mechanisms": "SCRAM-SHA-512",
        "sasl.username": "bg", "sasl.password": "pw", "ssl.ca.location": pki["ca.pem"]}


def test_sasl_plaintext_is_sasl_without_tls() -> None:
    settings = Settings(security_protocol="SASL_PLAINTEXT", **SCRAM)
    credentials = faust_credentials(settings)
    assert isinstance(credentials, faust.SASLCredentials)
    assert credentials.protocol.value == "SASL_PLAINTEXT"
    assert credentials.ssl_context is None
    kwargs = aiokafka_kwargs(settings)
    assert kwargs["security_protocol"] == "SASL_PLAINTEXT" and "ssl_context" not in kwargs
    config = librdkafka_config(settings)
    assert config["security.protocol"] == "SASL_PLAINTEXT"
    assert not any(key.startswith("ssl.") for key in config)


def test_ssl_with_system_cas() -> None:
    credentials = faust_credentials(Settings(security_protocol="SSL"))
    assert isinstance(credentials, faust.SSLCredentials)
    assert credentials.protocol.value == "SSL"
    assert credentials.context.check_hostname
    assert librdkafka_config(Settings(security_protocol="SSL")) == {"security.protocol": "SSL"}


def test_mutual_tls_loads_the_client_certificate(pki: dict[str, str]) -> None:
    settings = Settings(security_protocol="SSL", ssl_cafile=pki["ca.pem"],
                        ssl_certfile=pki["client.pem"], ssl_keyfile=pki["client.key"],
                        ssl_key_password="keypw")
    credentials = faust_credentials(settings)
    assert isinstance(credentials, faust.SSLCredentials)
    kwargs = aiokafka_kwargs(settings)
    assert kwargs["security_protocol"] == "SSL"
    assert isinstance(kwargs["ssl_context"], ssl.SSLContext)
    assert librdkafka_config(settings) == {
        "security.protocol": "SSL", "ssl.ca.location": pki["ca.pem"],
        "ssl.certificate.location": pki["client.pem"], "ssl.key.location": pki["client.key"],
        "ssl.key.password": "keypw"}


def test_sasl_ssl_may_add_a_client_certificate(pki: dict[str, str]) -> None:
    settings = Settings(security_protocol="SASL_SSL", ssl_cafile=pki["ca.pem"],
                        ssl_certfile=pki["client.pem"], ssl_keyfile=pki["plain.key"], **SCRAM)
    assert librdkafka_config(settings)["ssl.key.location"] == pki["plain.key"]
    assert aiokafka_kwargs(settings)["sasl_mechanism"] == "SCRAM-SHA-512"


def test_a_wrong_key_password_is_named(pki: dict[str, str]) -> None:
    settings = Settings(security_protocol="SSL", ssl_certfile=pki["client.pem"],
                        ssl_keyfile=pki["client.key"], ssl_key_password="wrong")
    with pytest.raises(KafkaSecurityError, match="BRANDGUARD_KAFKA_SSL_KEY_PASSWORD"):
        faust_credentials(settings)


def test_admin_and_produce_share_the_mapping(pki: dict[str, str]) -> None:
    settings = Settings(bootstrap="b:9093", security_protocol="SASL_SSL",
                        ssl_cafile=pki["ca.pem"], **SCRAM)
    assert client_config(settings) == {"bootstrap.servers": "b:9093",
                                       **librdkafka_config(settings)}


@pytest.mark.parametrize(("fields", "message"), [
    ({"security_protocol": "SASL_SSL"}, "SASL_SSL needs BRANDGUARD_KAFKA_SASL_MECHANISM"),
    ({"security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512"},
     "SASL needs BRANDGUARD_KAFKA_SASL_USERNAME and BRANDGUARD_KAFKA_SASL_PASSWORD"),
    ({"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512",
      "sasl_username": "bg"}, "SASL needs BRANDGUARD_KAFKA_SASL_PASSWORD"),
    ({**SCRAM, "security_protocol": "SASL_SSL", "sasl_mechanism": "GSSAPI"},
     "must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, got 'GSSAPI'"),
    ({**SCRAM, "security_protocol": "SSL"},
     "BRANDGUARD_KAFKA_SASL_MECHANISM, BRANDGUARD_KAFKA_SASL_USERNAME, "
     "BRANDGUARD_KAFKA_SASL_PASSWORD set, but BRANDGUARD_KAFKA_SECURITY_PROTOCOL=SSL "
     "does not use SASL"),
    ({"sasl_username": "bg"}, "=PLAINTEXT does not use SASL"),
    ({"security_protocol": "SASL_PLAINTEXT", "ssl_cafile": "ca.pem", **SCRAM},
     "BRANDGUARD_KAFKA_SSL_CAFILE set, but BRANDGUARD_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT "
     "does not use TLS"),
    ({"security_protocol": "SSL", "ssl_certfile": "CERT"},
     "BRANDGUARD_KAFKA_SSL_CERTFILE needs BRANDGUARD_KAFKA_SSL_KEYFILE"),
    ({"security_protocol": "SSL", "ssl_keyfile": "KEY"},
     "BRANDGUARD_KAFKA_SSL_KEYFILE needs BRANDGUARD_KAFKA_SSL_CERTFILE"),
    ({"security_protocol": "SSL", "ssl_key_password": "x"},
     "BRANDGUARD_KAFKA_SSL_KEY_PASSWORD set without BRANDGUARD_KAFKA_SSL_KEYFILE"),
    ({"security_protocol": "SSL", "ssl_cafile": "/nonexistent/ca.pem"},
     "BRANDGUARD_KAFKA_SSL_CAFILE: no such file: /nonexistent/ca.pem"),
    ({"security_protocol": "TLS"}, "must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"),
])
def test_contradictions_fail_with_the_variables_named(fields: dict[str, str],
                                                      message: str) -> None:
    settings = Settings(**fields)  # type: ignore[arg-type]
    with pytest.raises(KafkaSecurityError) as caught:
        check(settings)
    assert message in str(caught.value)
    for build in (faust_credentials, aiokafka_kwargs, librdkafka_config):
        with pytest.raises(KafkaSecurityError):
            build(settings)


def test_every_problem_is_reported_at_once() -> None:
    settings = Settings(security_protocol="SASL_PLAINTEXT", ssl_certfile="c")
    with pytest.raises(KafkaSecurityError) as caught:
        check(settings)
    message = str(caught.value)
    assert "SASL_PLAINTEXT needs BRANDGUARD_KAFKA_SASL_MECHANISM" in message
    assert "does not use TLS" in message
    assert "BRANDGUARD_KAFKA_SSL_CERTFILE needs BRANDGUARD_KAFKA_SSL_KEYFILE" in message


def test_client_certificate_settings_come_from_the_environment() -> None:
    settings = load_settings({"BRANDGUARD_KAFKA_SECURITY_PROTOCOL": "SSL",
                              "BRANDGUARD_KAFKA_SSL_CERTFILE": "/tls/user.crt",
                              "BRANDGUARD_KAFKA_SSL_KEYFILE": "/tls/user.key",
                              "BRANDGUARD_KAFKA_SSL_KEY_PASSWORD": ""})
    assert (settings.ssl_certfile, settings.ssl_keyfile) == ("/tls/user.crt", "/tls/user.key")
    assert settings.ssl_key_password is None  # empty counts as unset
    assert ENV_VARS["BRANDGUARD_KAFKA_SSL_KEY_PASSWORD"] == "ssl_key_password"


def test_passwords_stay_out_of_the_credentials_repr() -> None:
    credentials = faust_credentials(Settings(security_protocol="SASL_PLAINTEXT", **SCRAM))
    assert "pw" not in repr(credentials)


def test_a_ca_file_that_holds_no_certificate_is_named(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("not a certificate")
    with pytest.raises(KafkaSecurityError, match=r"BRANDGUARD_KAFKA_SSL_CAFILE=.*no readable"):
        ssl_context(Settings(security_protocol="SSL", ssl_cafile=str(ca)))
