"""The one error hierarchy of brandguard.

Every error the pipeline raises on purpose derives from :class:`BrandguardError`,
so the shell can catch exactly these, dead-letter the record and go on.

>>> err = SchemaViolation("price", "must be > 0, got -1")
>>> err.error_code, str(err)
('schema_violation', 'price: must be > 0, got -1')
>>> isinstance(err, DecodeError) and isinstance(err, BrandguardError)
True

Errors of the caller rather than of a record: a setting, option or file that
cannot be used (the command line exits with 2), or a service that does not
answer (exit 1). Neither is ever dead-lettered.

>>> bad = ConfigError("BRANDGUARD_PARTITIONS must be an integer, got 'x'")
>>> isinstance(bad, ValueError), isinstance(bad, BrandguardError)
(True, True)
>>> isinstance(ServiceUnavailable("Kafka at k:9092 did not answer"), ConfigError)
False
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "BrandguardError",
    "ConfigError",
    "DecodeError",
    "ErrorCode",
    "GovernanceError",
    "InvalidJson",
    "ProcessingError",
    "SchemaViolation",
    "ServiceUnavailable",
    "TooLarge",
    "UnknownSchema",
]

ErrorCode = Literal[
    "invalid_json", "schema_violation", "unknown_schema", "too_large", "processing_error"
]


class BrandguardError(Exception):
    """Root of every error brandguard raises deliberately."""

    error_code: ErrorCode = "processing_error"


class DecodeError(BrandguardError):
    """Raw bytes could not be turned into a valid event."""

    def __init__(self, field: str | None, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


class InvalidJson(DecodeError):
    """Not UTF-8, not JSON, not an object, or uses NaN/Infinity."""

    error_code: ErrorCode = "invalid_json"


class SchemaViolation(DecodeError):
    """Valid JSON that breaks a rule of the record's schema."""

    error_code: ErrorCode = "schema_violation"


class UnknownSchema(DecodeError):
    """The ``schema`` field names no record type this version knows."""

    error_code: ErrorCode = "unknown_schema"


class TooLarge(DecodeError):
    """The record exceeds the contract's 1 MiB limit."""

    error_code: ErrorCode = "too_large"


class ProcessingError(BrandguardError):
    """A valid event whose processing failed; the record is dead-lettered."""

    error_code: ErrorCode = "processing_error"


class ConfigError(BrandguardError, ValueError):
    """A setting, command-line option or file that cannot be used as given: the
    caller has to change it. A ``ValueError`` too, as a bad value is."""


class ServiceUnavailable(BrandguardError):
    """A service brandguard needs (the Kafka cluster) refused or did not answer in
    time; the same command may work later."""


class GovernanceError(BrandguardError):
    """A model registry or governance record (or setting) that cannot be used."""
