"""The wire contract's JSON Schemas, shipped as package data in ``signals/contract/schemas``.

The decoder does not use these per event (hand-written checks are far
faster); they are the artefact platform teams integrate against, and the
tests prove the decoder and the encoders agree with them.

>>> INPUT_SCHEMAS
('listing.v1', 'order.v1', 'report.v1', 'brand.v1')
>>> load_schema("listing.v1")["$id"]
'https://brandguard.dev/schemas/listing.v1.json'
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

__all__ = [
    "INPUT_SCHEMAS",
    "OUTPUT_SCHEMAS",
    "SCHEMA_NAMES",
    "contract_validator",
    "load_schema",
]

INPUT_SCHEMAS: tuple[str, ...] = ("listing.v1", "order.v1", "report.v1", "brand.v1")
OUTPUT_SCHEMAS: tuple[str, ...] = ("alert.v1", "deadletter.v1")
SCHEMA_NAMES: tuple[str, ...] = INPUT_SCHEMAS + OUTPUT_SCHEMAS


def load_schema(name: str) -> dict[str, Any]:
    """A fresh copy of the JSON Schema document of ``name`` (e.g. ``"alert.v1"``).

    >>> load_schema("alert.v2")
    Traceback (most recent call last):
    ...
    KeyError: "unknown schema 'alert.v2'; known: listing.v1, order.v1, report.v1, brand.v1, \
alert.v1, deadletter.v1"
    """
    if name not in SCHEMA_NAMES:
        raise KeyError(f"unknown schema {name!r}; known: {', '.join(SCHEMA_NAMES)}")
    folder = resources.files("signals.contract").joinpath("schemas")
    text = folder.joinpath(f"{name}.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def contract_validator(name: str) -> Any:
    """A ``jsonschema`` validator that enforces the contract exactly as written.

    Two deviations from a stock ``Draft202012Validator`` are needed, both to
    make the schema files mean what CONTRACT.md says:

    - JSON Schema's ``integer`` accepts ``2.0``; the contract does not, so
      ``integer`` is redefined as "a Python int that is not a bool";
    - ``format`` is only an annotation in draft 2020-12, so format checking
      is switched on to assert ``date-time`` (needs ``rfc3339-validator``
      installed, otherwise jsonschema silently skips the check: this raises
      ``RuntimeError`` instead).

    ``jsonschema`` is a development dependency, imported only here.
    """
    import jsonschema
    from jsonschema import Draft202012Validator

    if "date-time" not in Draft202012Validator.FORMAT_CHECKER.checkers:
        raise RuntimeError("install rfc3339-validator: jsonschema cannot check date-time without")
    type_checker = Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, instance: type(instance) is int
    )
    strict_integers = jsonschema.validators.extend(Draft202012Validator, type_checker=type_checker)
    return strict_integers(load_schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER)
