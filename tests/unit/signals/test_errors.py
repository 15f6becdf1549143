"""The one error hierarchy: every deliberate error is a BrandguardError, and the codes
decode errors carry are the dead-letter contract's."""

from __future__ import annotations

import inspect

import pytest

import signals.errors as errors
from signals.contract.schema_files import load_schema
from signals.errors import (
    BrandguardError,
    ConfigError,
    DecodeError,
    InvalidJson,
    ProcessingError,
    SchemaViolation,
    TooLarge,
    UnknownSchema,
)

CLASSES = [obj for _, obj in inspect.getmembers(errors, inspect.isclass)
           if issubclass(obj, Exception)]


def test_every_error_class_is_exported_and_rooted_in_brandguard_error() -> None:
    assert sorted(c.__name__ for c in CLASSES) == sorted(
        name for name in errors.__all__ if name != "ErrorCode")
    assert all(issubclass(c, BrandguardError) for c in CLASSES)


def test_every_error_code_is_one_the_dead_letter_schema_allows() -> None:
    allowed = load_schema("deadletter.v1")["properties"]["error_code"]["enum"]
    assert sorted({c.error_code for c in CLASSES}) == sorted(allowed)


@pytest.mark.parametrize(("cls", "code"), [
    (InvalidJson, "invalid_json"), (SchemaViolation, "schema_violation"),
    (UnknownSchema, "unknown_schema"), (TooLarge, "too_large")])
def test_decode_errors_name_the_field_when_there_is_one(cls: type[DecodeError],
                                                       code: str) -> None:
    with_field, without = cls("price", "must be > 0"), cls(None, "not JSON")
    assert (with_field.error_code, with_field.field, with_field.message) == (
        code, "price", "must be > 0")
    assert str(with_field) == "price: must be > 0" and str(without) == "not JSON"
    assert isinstance(with_field, DecodeError)


def test_caller_errors_are_not_record_errors() -> None:
    assert not issubclass(ConfigError, DecodeError) and issubclass(ConfigError, ValueError)
    assert ProcessingError("boom").error_code == "processing_error"
    with pytest.raises(BrandguardError):
        raise ConfigError("BRANDGUARD_X must be set")
