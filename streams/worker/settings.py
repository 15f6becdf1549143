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

from signals.errors import ConfigError
from streams.worker.memory.collector import parse_thresholds

__all__ = ["ENV_VARS", "LOG_FORMATS", "LOG_LEVELS", "Settings", "Topics", "env_reference",
           "load_settings", "shown"]

SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
LogFormat = Literal["text", "json"]
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
LOG_FORMATS = ("text", "json")


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
    #: ``json``: one JSON object per line, Faust's and aiokafka's records included
    log_format: LogFormat = "text"
    #: records an agent takes from Faust at once, and the longest it waits to fill
    #: a batch (the latency a quiet stream adds)
    batch_max: int = 1000
    batch_wait: float = 0.02
    #: seconds a record waits at most for a seller's other input topics when they are
    #: caught up (everything the last fetch saw handed over; signals.eventtime.merge).
    #: Unset: until they show a later event time or are silent 0.5 s, which kept live
    #: equal to replay in every reliability test; a grace cuts alert latency but
    #: orders wrongly whatever producer skew exceeds it (docs/performance.md)
    merge_grace: float | None = None
    #: records one seller partition may hold at its epoch gate before its inputs are
    #: paused (memory bound while other partitions catch up)
    max_held: int = 5_000
    #: events Faust queues for each agent's stream (``stream_buffer_maxsize``). A
    #: partition is paused at 80 % of it, but what the consumer has already fetched
    #: keeps coming; once the queue is full every further record is handed over by
    #: a task of its own and the consumer waits on each; Faust's own 4096 overflowed
    #: in the dense catch-ups measured (docs/performance.md)
    stream_buffer: int = 65_536
    #: records one fetch hands to the agents' streams at most (Faust's
    #: ``broker_max_poll_records``; None: all the consumer holds, Faust's default).
    #: Unbounded, a catch-up's fetch overfills the seller stream's queue, and Faust
    #: hands each record past the top over by a task of its own
    #: (docs/performance.md, twelfth and fourteenth probes)
    max_poll_records: int | None = 1000
    #: bytes of one partition a fetch returns at most (aiokafka's
    #: ``max_partition_fetch_bytes``, Faust's ``consumer_max_fetch_size``). A bounded
    #: poll drains the fetched partitions one after another, so at Kafka's 1 MiB a
    #: catch-up hands over about 4,000 records of one topic before any of the next,
    #: and the event-time mergers hold them all until the other topics catch up
    #: (docs/performance.md, sixteenth probe). A record larger than this still comes.
    partition_fetch_bytes: int = 65_536
    #: facts packed into one internal record at most
    fact_batch: int = 500
    #: seller states kept live in memory; colder ones are read back from RocksDB
    state_cache_size: int = 200_000
    #: ... and at most this many MB of them per table, as serialised (a seller's state
    #: grows with its listings; in memory a state takes about 3-5 times its JSON)
    state_cache_mb: int = 128
    #: how often a partition's changed states are written to its table (and changelog)
    #: and its records acked: a seller touched several times in that window is written
    #: once, and a crash re-reads at most that much (de-duplicated by event id).
    #: At 1 s a catch-up wrote many states twice (docs/performance.md)
    flush_interval: float = 2.0
    #: the same while a partition catches up (its lag is more than ``flush_every``
    #: records): then nearly every state changes between two flushes, and each flush
    #: serialises them all again (docs/performance.md). Kafka Streams commits every
    #: 30 s by default; a crash re-reads at most this much, de-duplicated by event id
    catchup_flush_interval: float = 10.0
    #: finished records of a partition that force a flush before flush_interval
    flush_every: int = 2000
    #: RocksDB memory of each store (one per table partition, about 25 per worker): its
    #: write buffer, three at most before they go to disk, and its block cache. Faust's
    #: 64 MB buffers and 2 GB cache per store filled as the writes of a long run
    #: accumulated: RSS grew 30 % from 1M to 2M records with the live states bounded
    rocksdb_write_buffer_mb: int = 8
    rocksdb_block_cache_mb: int = 8
    #: seconds between handing the heap's free memory back to the OS (glibc's
    #: malloc_trim, in a thread; streams.worker.memory.heap_trim); 0: never
    heap_trim_interval: float = 60.0
    #: the cyclic collector's thresholds (young, middle, old): full collections walk
    #: every live state, so they run far less often than CPython's (700, 10, 10)
    #: (streams.worker.memory.collector)
    gc_thresholds: tuple[int, int, int] = (700, 100, 100)
    #: seconds outputs may wait for any answer from the broker before the worker
    #: reports it unreachable (``brandguard_broker_unreachable``, /readyz 503)
    broker_timeout: float = 10.0
    #: longest wait between attempts to produce refused alerts or dead letters again
    #: (the wait doubles from 1 s up to this)
    output_retry_max: float = 60.0
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
    #: the alerts' CloudEvents ``ce_source``; unset: ``brandguard/<app_id>``
    ce_source: str | None = None
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
    "BRANDGUARD_LOG_FORMAT": "log_format",
    "BRANDGUARD_BATCH_MAX": "batch_max",
    "BRANDGUARD_BATCH_WAIT_SECONDS": "batch_wait",
    "BRANDGUARD_MERGE_GRACE_SECONDS": "merge_grace",
    "BRANDGUARD_MAX_HELD": "max_held",
    "BRANDGUARD_STREAM_BUFFER": "stream_buffer",
    "BRANDGUARD_MAX_POLL_RECORDS": "max_poll_records",
    "BRANDGUARD_PARTITION_FETCH_BYTES": "partition_fetch_bytes",
    "BRANDGUARD_FACT_BATCH": "fact_batch",
    "BRANDGUARD_STATE_CACHE_SIZE": "state_cache_size",
    "BRANDGUARD_STATE_CACHE_MB": "state_cache_mb",
    "BRANDGUARD_FLUSH_INTERVAL_SECONDS": "flush_interval",
    "BRANDGUARD_FLUSH_EVERY": "flush_every",
    "BRANDGUARD_CATCHUP_FLUSH_INTERVAL_SECONDS": "catchup_flush_interval",
    "BRANDGUARD_ROCKSDB_WRITE_BUFFER_MB": "rocksdb_write_buffer_mb",
    "BRANDGUARD_ROCKSDB_BLOCK_CACHE_MB": "rocksdb_block_cache_mb",
    "BRANDGUARD_HEAP_TRIM_SECONDS": "heap_trim_interval",
    "BRANDGUARD_GC_THRESHOLDS": "gc_thresholds",
    "BRANDGUARD_BROKER_TIMEOUT_SECONDS": "broker_timeout",
    "BRANDGUARD_OUTPUT_RETRY_MAX_SECONDS": "output_retry_max",
    "BRANDGUARD_KAFKA_SECURITY_PROTOCOL": "security_protocol",
    "BRANDGUARD_KAFKA_SASL_MECHANISM": "sasl_mechanism",
    "BRANDGUARD_KAFKA_SASL_USERNAME": "sasl_username",
    "BRANDGUARD_KAFKA_SASL_PASSWORD": "sasl_password",
    "BRANDGUARD_KAFKA_SSL_CAFILE": "ssl_cafile",
    "BRANDGUARD_KAFKA_SSL_CERTFILE": "ssl_certfile",
    "BRANDGUARD_KAFKA_SSL_KEYFILE": "ssl_keyfile",
    "BRANDGUARD_KAFKA_SSL_KEY_PASSWORD": "ssl_key_password",
    "BRANDGUARD_CE_SOURCE": "ce_source",
    "BRANDGUARD_CHALLENGER": "challenger",
    "BRANDGUARD_OPERATOR": "operator",
}
_TOPIC_VARS = {f"BRANDGUARD_TOPIC_{name.upper()}": name
               for name in ("listings", "orders", "reports", "brands", "alerts", "deadletter")}
_INTS = {"partitions", "image_partitions", "replication_factor", "web_port",
         "standby_replicas", "batch_max", "max_held", "stream_buffer", "max_poll_records",
         "partition_fetch_bytes", "fact_batch", "state_cache_size", "state_cache_mb", "flush_every",
         "rocksdb_write_buffer_mb", "rocksdb_block_cache_mb"}
#: integers where 0 or less has no meaning (Faust would take a queue of size 0 as unbounded)
_POSITIVE = {"partitions", "image_partitions", "replication_factor", "batch_max",
             "stream_buffer", "max_poll_records", "partition_fetch_bytes", "fact_batch"}
_FLOATS = {"batch_wait", "merge_grace", "flush_interval", "catchup_flush_interval",
           "broker_timeout", "output_retry_max", "heap_trim_interval"}
_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
#: values that must be one of a few words, as (allowed, whether case matters)
_CHOICES: dict[str, tuple[tuple[str, ...], bool]] = {
    "security_protocol": (_PROTOCOLS, True),
    "log_level": (LOG_LEVELS, False),
    "log_format": (LOG_FORMATS, False),
}


def _parse(var: str, name: str, raw: str) -> object:
    if name in _INTS:
        try:
            number = int(raw)
        except ValueError:
            raise ConfigError(f"{var} must be an integer, got {raw!r}") from None
        if name in _POSITIVE and number < 1:
            raise ConfigError(f"{var} must be at least 1, got {raw!r}")
        return number
    if name in _FLOATS:
        try:
            return float(raw)
        except ValueError:
            raise ConfigError(f"{var} must be a number, got {raw!r}") from None
    if name == "data_dir":
        return Path(raw)
    if name == "gc_thresholds":
        try:
            return parse_thresholds(raw)
        except ValueError as exc:
            raise ConfigError(f"{var} must be {exc}") from None
    if name in _CHOICES:
        allowed, exact = _CHOICES[name]
        value = raw if exact else raw.lower()
        if value not in allowed:
            raise ConfigError(f"{var} must be one of {', '.join(allowed)}, got {raw!r}")
        return value
    return raw


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``env`` (default: the process environment); bad values raise
    :class:`~signals.errors.ConfigError` early."""
    env = os.environ if env is None else env
    values: dict[str, object] = {}
    for var, name in _SCALAR_VARS.items():
        raw = env.get(var)
        if raw is None or raw == "":
            continue
        values[name] = _parse(var, name, raw)
    topics = {name: env[var] for var, name in _TOPIC_VARS.items() if env.get(var)}
    return Settings(topics=Topics(**topics), **values)  # type: ignore[arg-type]


#: every environment variable the worker reads, and the Settings field it sets
ENV_VARS: dict[str, str] = {**_SCALAR_VARS,
                            **{var: f"topics.{name}" for var, name in _TOPIC_VARS.items()}}

#: one line per setting for ``brandguard worker --help`` (docs/operations.md says more);
#: a unit test checks every ENV_VARS entry has one
HELP: dict[str, str] = {
    "bootstrap": "Kafka bootstrap servers, host:port[,host:port...]",
    "app_id": "consumer group id and prefix of internal topics; a new value means new state",
    "partitions": "partitions of input, internal and table topics (must match the inputs')",
    "image_partitions": "partitions of the image processor's topic and table",
    "replication_factor": "replication factor of the topics brandguard creates",
    "data_dir": "RocksDB state folder (a per-worker volume in containers)",
    "web_host": "address of /metrics, /healthz, /readyz and the state endpoints",
    "web_port": "port of those endpoints",
    "api_token": "bearer token the state endpoints require (unset: open)",
    "standby_replicas": "warm copies of each table partition on other workers",
    "log_level": f"log level: {', '.join(LOG_LEVELS)} (--loglevel overrides it)",
    "challenger": "a challenger model scoring every listing in shadow, name:key=value,...",
    "operator": "who promotes or rolls back a model (kept in the audit record)",
    "ce_source": "the alerts' CloudEvents ce_source attribute (default brandguard/<app id>)",
    "log_format": f"log format: {' or '.join(LOG_FORMATS)} (one JSON object per line)",
    "batch_max": "records an agent takes from Faust at once",
    "batch_wait": "longest an agent waits to fill a batch, in seconds",
    "merge_grace": "most seconds a record waits for caught-up input topics (unset: off)",
    "max_held": "records a seller partition may hold at its epoch gate before pausing",
    "stream_buffer": "events Faust queues for each agent before it pauses fetching",
    "max_poll_records": "records one fetch hands to the agents' streams at most",
    "partition_fetch_bytes": "bytes of one partition a fetch returns at most",
    "fact_batch": "facts packed into one internal record at most",
    "state_cache_size": "states per table kept live in memory (colder ones: RocksDB)",
    "state_cache_mb": "MB of serialised state per table kept live in memory",
    "flush_interval": "seconds between writes of a partition's changed states (and acks)",
    "flush_every": "finished records of a partition that force an earlier write",
    "catchup_flush_interval": "seconds between those writes while a partition catches up",
    "rocksdb_write_buffer_mb": "MB of each RocksDB store's write buffer (three at most)",
    "rocksdb_block_cache_mb": "MB of each RocksDB store's block cache",
    "heap_trim_interval": "seconds between returns of free heap memory to the OS (0: never)",
    "gc_thresholds": "Python's garbage collector thresholds: young,middle,old",
    "broker_timeout": "seconds without a broker answer to outputs before /readyz says 503",
    "output_retry_max": "longest wait, in seconds, between tries of refused alerts/dead letters",
    "security_protocol": f"Kafka security protocol: {', '.join(_PROTOCOLS)}",
    "sasl_mechanism": "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512",
    "sasl_username": "SASL user name",
    "sasl_password": "SASL password",
    "ssl_cafile": "CA bundle (PEM) to verify the brokers (unset: the system's CAs)",
    "ssl_certfile": "client certificate (PEM) for mutual TLS",
    "ssl_keyfile": "private key (PEM) of the client certificate",
    "ssl_key_password": "password of an encrypted client key",
    "topics.listings": "input topic of listing.v1 records",
    "topics.orders": "input topic of order.v1 records",
    "topics.reports": "input topic of report.v1 records",
    "topics.brands": "input topic of brand.v1 records (compacted registry)",
    "topics.alerts": "output topic of alert.v1 records",
    "topics.deadletter": "output topic of deadletter.v1 records",
}


def shown(default: object) -> str:
    """A default as its variable would be written.

    >>> shown(None), shown(2.0), shown((700, 100, 100))
    ('unset', '2.0', '700,100,100')
    """
    if default is None:
        return "unset"
    if isinstance(default, tuple):
        return ",".join(str(part) for part in default)
    return str(default)


def env_reference() -> list[tuple[str, str, str]]:
    """(variable, default, help) of every setting, in ENV_VARS order.

    >>> env_reference()[0][:2]
    ('BRANDGUARD_KAFKA_BOOTSTRAP', '127.0.0.1:9092')
    """
    defaults, topics = Settings(), Topics()
    rows = []
    for var, name in ENV_VARS.items():
        owner, attribute = (topics, name[7:]) if name.startswith("topics.") else (defaults, name)
        default = getattr(owner, attribute)
        rows.append((var, shown(default), HELP.get(name, "")))
    return rows
