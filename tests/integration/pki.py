"""Throw-away certificates for the secured test broker, made with ``openssl``:
a CA, the broker's certificate for 127.0.0.1, and a client certificate with an
encrypted key (what mutual TLS and BRANDGUARD_KAFKA_SSL_KEY_PASSWORD need)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

CLIENT_KEY_PASSWORD = "client-key-secret"


@dataclass(frozen=True)
class Pki:
    ca: Path
    #: broker key (unencrypted PKCS#8) + certificate + CA, a Kafka PEM key store
    broker_keystore: Path
    client_cert: Path
    #: PKCS#8, encrypted with CLIENT_KEY_PASSWORD
    client_key: Path


def _openssl(folder: Path, *args: str) -> None:
    result = subprocess.run(["openssl", *args], cwd=folder, capture_output=True, text=True,
                            timeout=60, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {result.stderr.strip()}")


def _sign(folder: Path, name: str, subject: str, extensions: str) -> None:
    """``name``.key (PKCS#8) and ``name``.pem signed by the CA."""
    _openssl(folder, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key",
             "-out", f"{name}.csr", "-subj", subject)
    (folder / f"{name}.ext").write_text(
        "basicConstraints=CA:FALSE\nsubjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid,issuer\n" + extensions, encoding="utf-8")
    _openssl(folder, "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-days", "2", "-sha256", "-extfile", f"{name}.ext",
             "-out", f"{name}.pem")


def make_pki(folder: Path) -> Pki:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder.mkdir(parents=True, exist_ok=True)
    _openssl(folder, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
             "-out", "ca.pem", "-days", "2", "-sha256", "-subj", "/CN=brandguard-test-ca",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    # clients verify the host name they dialled: the broker listens on 127.0.0.1
    _sign(folder, "broker", "/CN=localhost",
          "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    _sign(folder, "client", "/CN=brandguard", "extendedKeyUsage=clientAuth\n")
    keystore = folder / "broker-keystore.pem"
    keystore.write_bytes(b"".join((folder / name).read_bytes()
                                  for name in ("broker.key", "broker.pem", "ca.pem")))
    _openssl(folder, "pkcs8", "-topk8", "-in", "client.key", "-out", "client-encrypted.key",
             "-v2", "aes-256-cbc", "-passout", f"pass:{CLIENT_KEY_PASSWORD}")
    return Pki(ca=folder / "ca.pem", broker_keystore=keystore,
               client_cert=folder / "client.pem", client_key=folder / "client-encrypted.key")
