"""Dead letters keep the original bytes and validate against deadletter.v1."""

from __future__ import annotations

import base64

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.contract.deadletter import (
    DeadLetter,
    dead_letter,
    deadletter_to_dict,
    encode_deadletter,
)
from signals.contract.decode import MAX_RECORD_BYTES, decode
from signals.contract.schema_files import contract_validator
from signals.errors import (
    BrandguardError,
    DecodeError,
    InvalidJson,
    ProcessingError,
    SchemaViolation,
    TooLarge,
    UnknownSchema,
)

VALIDATOR = contract_validator("deadletter.v1")
FAILED_AT = "2026-11-27T14:03:12.000Z"
FIELD_ORDER = ["schema", "source_topic", "partition", "offset", "key", "value_base64",
               "error_code", "error", "failed_at"]


def build(value: bytes, error: BrandguardError, key: bytes | str | None = b"s-1") -> DeadLetter:
    return dead_letter(source_topic="marketplace.listings", partition=2, offset=17, key=key,
                       value=value, error=error, failed_at=FAILED_AT)


@pytest.mark.parametrize("error", [
    InvalidJson(None, "unexpected end"), SchemaViolation("price", "must be > 0, got -3"),
    UnknownSchema("schema", "unknown 'x'"), TooLarge(None, "2000000 bytes"),
    ProcessingError("ZeroDivisionError: division by zero"),
])
def test_each_error_kind_encodes_to_a_valid_record(error: BrandguardError) -> None:
    record = orjson.loads(encode_deadletter(build(b'{"price": -3}', error)))
    VALIDATOR.validate(record)
    assert list(record) == FIELD_ORDER
    assert record["error_code"] == error.error_code
    assert record["error"] == str(error)
    assert base64.b64decode(record["value_base64"]) == b'{"price": -3}'


def test_decode_errors_carry_the_field_into_the_dead_letter() -> None:
    raw = b'{"schema": "order.v1", "event_id": "e", "event_time": "2026-11-27T14:03:11Z"}'
    with pytest.raises(DecodeError) as caught:
        decode(raw)
    dead = build(raw, caught.value)
    assert dead.error_code == "schema_violation"
    assert dead.error.startswith("order_id: ")


@settings(max_examples=200, deadline=None)
@given(value=st.binary(max_size=300), key=st.one_of(st.none(), st.binary(max_size=20),
                                                    st.text(max_size=20)))
def test_any_bytes_and_key_give_a_valid_record_with_the_value_untouched(
    value: bytes, key: bytes | str | None
) -> None:
    record = orjson.loads(encode_deadletter(build(value, InvalidJson(None, "bad"), key)))
    VALIDATOR.validate(record)
    assert base64.b64decode(record["value_base64"], validate=True) == value
    if isinstance(key, bytes):
        assert record["key"] == key.decode("utf-8", errors="backslashreplace")
    else:
        assert record["key"] == key


def test_invalid_utf8_key_is_escaped_not_lost() -> None:
    assert build(b"{", InvalidJson(None, "x"), key=b"s-\xff\xfe1").key == "s-\\xff\\xfe1"
    assert build(b"{", InvalidJson(None, "x"), key="s-1").key == "s-1"
    assert build(b"{", InvalidJson(None, "x"), key=None).key is None


def test_a_too_large_record_is_kept_whole() -> None:
    value = b"x" * (MAX_RECORD_BYTES + 1)
    with pytest.raises(TooLarge) as caught:
        decode(value)
    record = orjson.loads(encode_deadletter(build(value, caught.value)))
    assert record["error_code"] == "too_large"
    assert base64.b64decode(record["value_base64"]) == value


def test_replay_position_line_number_and_partition_zero_are_valid() -> None:
    dead = dead_letter(source_topic="events.jsonl", partition=0, offset=1, key=None,
                       value=b"not json", error=InvalidJson(None, "x"), failed_at=FAILED_AT)
    VALIDATOR.validate(deadletter_to_dict(dead))


@pytest.mark.parametrize(("partition", "offset", "failed_at"), [
    (-1, 0, FAILED_AT), (0, -1, FAILED_AT), (0, 0, "2026-11-27T14:03:12"), (0, 0, "now"),
])
def test_caller_bugs_are_refused(partition: int, offset: int, failed_at: str) -> None:
    with pytest.raises(ValueError):
        dead_letter(source_topic="t", partition=partition, offset=offset, key=None, value=b"",
                    error=InvalidJson(None, "x"), failed_at=failed_at)


def test_encoding_is_byte_stable() -> None:
    first = encode_deadletter(build(b"{", InvalidJson(None, "x")))
    assert first == encode_deadletter(build(b"{", InvalidJson(None, "x")))
    assert first.startswith(b'{"schema":"deadletter.v1","source_topic":"marketplace.listings",')
