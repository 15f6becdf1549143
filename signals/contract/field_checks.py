"""Checks of single field values: what :mod:`signals.contract.decode`'s schema tables are made of.

A :data:`Check` takes the field's name and its present, non-null value, and
either returns the value as the event stores it (a float price, a tuple for a
list, a lower-case hash) or raises :class:`~signals.errors.SchemaViolation`
naming the field, the rule and the value (shortened by :func:`shown`). Checks
test ``type(value)`` rather than ``isinstance``: a JSON ``true`` is a Python
``bool``, which is an ``int``.

Which field gets which check, which are required and how fields depend on each
other is :mod:`signals.contract.decode`'s business, not this module's.

>>> check_money("price", 5)
5.0
>>> list_of(check_phash)("image_phashes", ["C3A1F0E2D4B59687"])
('c3a1f0e2d4b59687',)
>>> integer_at_least(1)("quantity", True)
Traceback (most recent call last):
...
signals.errors.SchemaViolation: quantity: must be a JSON integer >= 1 (not 2.0, not a boolean), \
got true
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final, get_args

import orjson

from signals.contract.limits import MAX_ID_CHARS, MAX_PRICE, MAX_TITLE_CHARS
from signals.errors import SchemaViolation

__all__ = [
    "Check",
    "check_id",
    "check_money",
    "check_phash",
    "check_string",
    "check_title",
    "integer_at_least",
    "list_of",
    "matching",
    "one_of",
    "shown",
    "violation",
]

_SHOWN_CHARS: Final = 60

Check = Callable[[str, Any], Any]
"""Validates one present, non-null field value and returns it as the event stores it."""


def shown(value: Any) -> str:
    """The offending value as JSON, short enough for an error message.

    >>> shown("x" * 70)[-6:], shown({"a": 1}), shown([1, 2])
    ('xxx...', 'an object', 'a list of 2')
    """
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    text = orjson.dumps(value).decode()
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "..."


def violation(field: str, rule: str, value: Any) -> SchemaViolation:
    """The error for ``field`` breaking ``rule`` with ``value`` (returned, not raised)."""
    return SchemaViolation(field, f"must be {rule}, got {shown(value)}")


def check_id(field: str, value: Any) -> str:
    if type(value) is str and 0 < len(value) <= MAX_ID_CHARS:
        return value
    raise violation(field, f"a non-empty string of at most {MAX_ID_CHARS} characters", value)


def check_string(field: str, value: Any) -> str:
    if type(value) is str:
        return value
    raise violation(field, "a string", value)


def check_title(field: str, value: Any) -> str:
    if type(value) is str and 0 < len(value) <= MAX_TITLE_CHARS:
        return value
    raise violation(field, f"a string of 1 to {MAX_TITLE_CHARS} characters", value)


def check_money(field: str, value: Any) -> float:
    # type() rather than isinstance(): a JSON true is a Python bool, which is an int.
    kind = type(value)
    if (kind is float or kind is int) and 0 < value <= MAX_PRICE:
        return float(value)
    raise violation(field, f"a number > 0 and <= {MAX_PRICE}", value)


def integer_at_least(minimum: int) -> Check:
    """A check for JSON integers (not ``2.0``, not booleans) of at least ``minimum``."""

    def check(field: str, value: Any) -> int:
        if type(value) is int and value >= minimum:
            return value
        raise violation(field, f"a JSON integer >= {minimum} (not 2.0, not a boolean)", value)

    return check


def one_of(literal: Any) -> Check:
    """A check for the values of a ``Literal[...]`` type of signals.contract.events."""
    allowed: tuple[str, ...] = get_args(literal)
    choices = frozenset(allowed)
    rule = "one of " + ", ".join(allowed)

    def check(field: str, value: Any) -> str:
        if type(value) is str and value in choices:
            return value
        raise violation(field, rule, value)

    return check


def matching(pattern: str, rule: str) -> Check:
    """A check for strings that match ``pattern`` in full; ``rule`` says it in words."""
    matcher = re.compile(pattern).fullmatch

    def check(field: str, value: Any) -> str:
        if type(value) is str and matcher(value):
            return value
        raise violation(field, rule, value)

    return check


def list_of(item_check: Check, max_items: int | None = None) -> Check:
    """A check for a list (at most ``max_items`` long) of items passing ``item_check``;
    the value is stored as a tuple, and a bad item is named by its index."""
    limit = "" if max_items is None else f" (at most {max_items})"

    def check(field: str, value: Any) -> tuple[Any, ...]:
        if type(value) is not list or (max_items is not None and len(value) > max_items):
            raise violation(field, f"a list{limit}", value)
        try:
            return tuple([item_check(field, item) for item in value])
        except SchemaViolation:
            # Only on failure: name the offending item's index (formatting it for
            # every item would cost more than checking it).
            for index, item in enumerate(value):
                item_check(f"{field}[{index}]", item)
            raise

    return check


_is_phash = re.compile("[0-9a-fA-F]{16}").fullmatch


def check_phash(field: str, value: Any) -> str:
    """A perceptual hash of 16 hex digits, stored in lower case."""
    if type(value) is str and _is_phash(value):
        return value.lower()
    raise violation(field, "a perceptual hash of 16 hex digits", value)
