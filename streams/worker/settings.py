"""Worker settings: the only module that reads the environment.

Every knob has a default that works on a laptop with ``make run``; production
overrides them with ``BRANDGUARD_*`` variables (see docs/operations.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

__all__ = ["ENV_VARS", "Settings", "Topics", "load_settings"]

SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]


@dataclass(frozen=True, slots=True)
class Topics:
    listings: str = "marketplace.listings"
    orders: str = "marketplace.orders"
    reports: str = "marketplace.reports"
    brands: str = "marketplace.brands"
    alerts: str = "brandguard.alerts"
    deadletter: str = "brandguard.deadletter"

    def inputs(self) -> dict[str, str]:
        """Input topic name -> the schema its records carry."""
        return {self.listings: "listing.v1", self.orders: "order.v1",
                self.reports: "report.v1", self.brands: "brand.v1"}

    def for_schema(self) -> dict[str, str]:
        return {schema: topic for topic, schema in self.inputs().items()}


@dataclass(frozen=True, slots=True)
class Settings:
    bootstrap: str = "127.0.0.1:9092"
    app_id: str = "brandguard"
    partitions: int = 8
    #: partitions of the image processor's topic: every epoch costs
    #: 2 x partitions x image_partitions marks, and one image partition keeps up
    #: with many seller partitions (it only sees listings' new images)
    image_partitions: int = 1
    replication_factor: int = 1
    data_dir: Path = Path(".run/worker")
    web_host: str = "127.0.0.1"
    web_port: int = 6066
    api_token: str | None = None
    standby_replicas: int = 1
    log_level: str = "warning"
    #: records an agent takes from Faust at once, and the longest it waits to fill
    #: a batch (the latency a quiet stream adds)
    batch_max: int = 1000
    batch_wait: float = 0.02
    #: records one seller partition may hold at its epoch gate before its inputs are
    #: paused (memory bound while other partitions catch up)
    max_held: int = 5_000
    #: facts packed into one internal record at most
    fact_batch: int = 500
    #: seller states kept live in memory; colder ones are read back from RocksDB
    state_cache_size: int = 200_000
    security_protocol: SecurityProtocol = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: str | None = None
    ssl_cafile: str | None = None
    #: client certificate (PEM) for mutual TLS, e.g. Strimzi's or MSK's TLS authentication
    ssl_certfile: str | None = None
    #: private key (PEM) of ssl_certfile
    ssl_keyfile: str | None = None
    #: password of an encrypted ssl_keyfile
    ssl_key_password: str | None = None
    #: a challenger model scoring every listing in shadow, as ``name:key=value,...``
    #: (signals.governance.spec); None: no challenger, no shadow scoring
    challenger: str | None = None
    #: who promotes or rolls back (``brandguard model``): recorded in the audit record
    operator: str | None = None
    topics: Topics = field(default_factory=Topics)


_SCALAR_VARS: dict[str, str] = {
    "BRANDGUARD_KAFKA_BOOTSTRAP": "bootstrap",
    "BRANDGUARD_APP_ID": "app_id",
    "BRANDGUARD_PARTITIONS": "partitions",
    "BRANDGUARD_IMAGE_PARTITIONS": "image_partitions",
    "BRANDGUARD_REPLICATION_FACTOR": "replication_factor",
    "BRANDGUARD_DATA_DIR": "data_dir",
    "BRANDGUARD_WEB_HOST": "web_host",
    "BRANDGUARD_WEB_PORT": "web_port",
    "BRANDGUARD_API_TOKEN": "api_token",
    "BRANDGUARD_TABLE_STANDBY_REPLICAS": "standby_replicas",
    "BRANDGUARD_LOG_LEVEL": "log_level",
    "BRANDGUARD_BATCH_MAX": "batch_max",
    "BRANDGUARD_BATCH_WAIT_SECONDS": "batch_wait",
    "BRANDGUARD_MAX_HELD": "max_held",
    "BRANDGUARD_FACT_BATCH": "fact_batch",
    "BRANDGUARD_STATE_CACHE_SIZE": "state_cache_size",
    "BRANDGUARD_KAFKA_SECURITY_PROTOCOL": "security_protocol",
    "BRANDGUARD_KAFKA_SASL_MECHANISM": "sasl_mechanism",
    "BRANDGUARD_KAFKA_SASL_USERNAME": "sasl_username",
    "BRANDGUARD_KAFKA_SASL_PASSWORD": "sasl_password",
    "BRANDGUARD_KAFKA_SSL_CAFILE": "ssl_cafile",
    "BRANDGUARD_KAFKA_SSL_CERTFILE": "ssl_certfile",
    "BRANDGUARD_KAFKA_SSL_KEYFILE": "ssl_keyfile",
    "BRANDGUARD_KAFKA_SSL_KEY_PASSWORD": "ssl_key_password",
    "BRANDGUARD_CHALLENGER": "challenger",
    "BRANDGUARD_OPERATOR": "operator",
}
_TOPIC_VARS = {f"BRANDGUARD_TOPIC_{name.upper()}": name
               for name in ("listings", "orders", "reports", "brands", "alerts", "deadletter")}
_INTS = {"partitions", "image_partitions", "replication_factor", "web_port",
         "standby_replicas", "batch_max", "max_held", "fact_batch", "state_cache_size"}
_FLOATS = {"batch_wait"}
_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``env`` (default: the process environment); bad values raise early."""
    env = os.environ if env is None else env
    values: dict[str, object] = {}
    for var, name in _SCALAR_VARS.items():
        raw = env.get(var)
        if raw is None or raw == "":
            continue
        if name in _INTS:
            try:
                values[name] = int(raw)
            except ValueError:
                raise ValueError(f"{var} must be an integer, got {raw!r}") from None
        elif name in _FLOATS:
            try:
                values[name] = float(raw)
            except ValueError:
                raise ValueError(f"{var} must be a number, got {raw!r}") from None
        elif name == "data_dir":
            values[name] = Path(raw)
        else:
            values[name] = raw
    if values.get("security_protocol", "PLAINTEXT") not in _PROTOCOLS:
        raise ValueError(f"BRANDGUARD_KAFKA_SECURITY_PROTOCOL must be one of {_PROTOCOLS}")
    topics = {name: env[var] for var, name in _TOPIC_VARS.items() if env.get(var)}
    return Settings(topics=Topics(**topics), **values)  # type: ignore[arg-type]


#: every environment variable the worker reads, and the Settings field it sets
ENV_VARS: dict[str, str] = {**_SCALAR_VARS,
                            **{var: f"topics.{name}" for var, name in _TOPIC_VARS.items()}}
