"""``deadletter.v1`` records: an input that could not be processed, kept whole.

Nothing is dropped silently: every record that fails to decode or to process
becomes a dead letter carrying its original bytes (base64, untouched), where
it came from, and the error that stopped it.

>>> from signals.errors import SchemaViolation
>>> dl = dead_letter(source_topic="marketplace.listings", partition=3, offset=41, key=b"s-1",
...                  value=b'{"price": -3}', error=SchemaViolation("price", "must be > 0"),
...                  failed_at="2026-11-27T14:03:12.000Z")
>>> dl.key, dl.value_base64, dl.error_code, dl.error
('s-1', 'eyJwcmljZSI6IC0zfQ==', 'schema_violation', 'price: must be > 0')
>>> encode_deadletter(dl)[:55]
b'{"schema":"deadletter.v1","source_topic":"marketplace.l'
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, ClassVar

import orjson

from signals.contract.timefmt import parse_rfc3339
from signals.errors import BrandguardError, ErrorCode

__all__ = ["DeadLetter", "dead_letter", "deadletter_to_dict", "encode_deadletter"]


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A ``deadletter.v1`` record; ``schema`` is implied by the type."""

    schema: ClassVar[str] = "deadletter.v1"
    source_topic: str
    partition: int
    offset: int
    key: str | None
    value_base64: str
    error_code: ErrorCode
    error: str
    failed_at: str


def dead_letter(
    *,
    source_topic: str,
    partition: int,
    offset: int,
    key: bytes | str | None,
    value: bytes,
    error: BrandguardError,
    failed_at: str,
) -> DeadLetter:
    """Build the dead letter of one failed record.

    A key that is not valid UTF-8 is kept readable and lossless: each
    offending byte becomes a ``\\xNN`` escape (the record's Kafka key, set by
    the shell, still carries the untouched bytes). ``failed_at`` must be
    RFC 3339 with an offset; a bad one raises ``ValueError``, since it is a
    bug in the caller and not in the record.

    >>> from signals.errors import InvalidJson
    >>> dead_letter(source_topic="events.jsonl", partition=0, offset=7, key=b"s\\xff1",
    ...             value=b"{", error=InvalidJson(None, "truncated"),
    ...             failed_at="2026-11-27T14:03:12.000Z").key
    's\\\\xff1'
    """
    if partition < 0 or offset < 0:
        raise ValueError(f"partition and offset must be >= 0, got {partition}, {offset}")
    parse_rfc3339(failed_at)
    if isinstance(key, bytes):
        key = key.decode("utf-8", errors="backslashreplace")
    return DeadLetter(
        source_topic=source_topic,
        partition=partition,
        offset=offset,
        key=key,
        value_base64=base64.b64encode(value).decode("ascii"),
        error_code=error.error_code,
        error=str(error),
        failed_at=failed_at,
    )


def deadletter_to_dict(dead: DeadLetter) -> dict[str, Any]:
    """The ``deadletter.v1`` record as a dict in the contract's field order."""
    return {
        "schema": DeadLetter.schema,
        "source_topic": dead.source_topic,
        "partition": dead.partition,
        "offset": dead.offset,
        "key": dead.key,
        "value_base64": dead.value_base64,
        "error_code": dead.error_code,
        "error": dead.error,
        "failed_at": dead.failed_at,
    }


def encode_deadletter(dead: DeadLetter) -> bytes:
    """Compact UTF-8 JSON with a stable field order."""
    return orjson.dumps(deadletter_to_dict(dead))
