"""The field checks on their own: each accepts exactly its values and stores them as the
event does; the factories honour their parameters. (Which field gets which check, and
agreement with the JSON Schemas, is tested through ``decode`` in test_decode.py.)"""

from __future__ import annotations

from typing import Any, Literal

import pytest

from signals.contract.field_checks import (
    Check,
    check_id,
    check_money,
    check_phash,
    check_string,
    check_title,
    integer_at_least,
    list_of,
    matching,
    one_of,
    shown,
    violation,
)
from signals.contract.limits import MAX_ID_CHARS, MAX_PRICE, MAX_TITLE_CHARS
from signals.errors import SchemaViolation

Colour = Literal["red", "green"]

ACCEPTED: list[tuple[Check, Any, Any]] = [
    (check_id, "x" * MAX_ID_CHARS, "x" * MAX_ID_CHARS),
    (check_string, "", ""),
    (check_title, "t" * MAX_TITLE_CHARS, "t" * MAX_TITLE_CHARS),
    (check_money, MAX_PRICE, float(MAX_PRICE)),
    (check_money, 1e-9, 1e-9),
    (check_phash, "ABCDEF0123456789", "abcdef0123456789"),
    (integer_at_least(0), 0, 0),
    (integer_at_least(-5), -5, -5),
    (one_of(Colour), "green", "green"),
    (matching("[a-z]+-[0-9]", "a word, a dash and a digit"), "ab-1", "ab-1"),
    (list_of(check_id, 2), ["a", "b"], ("a", "b")),
    (list_of(check_string), [""] * 100, ("",) * 100),
    (list_of(check_phash), [], ()),
]
REJECTED: list[tuple[Check, Any]] = [
    (check_id, ""), (check_id, "x" * (MAX_ID_CHARS + 1)), (check_id, None), (check_id, 1),
    (check_string, 0), (check_string, ["a"]),
    (check_title, ""), (check_title, "t" * (MAX_TITLE_CHARS + 1)),
    (check_money, 0), (check_money, -1.5), (check_money, MAX_PRICE + 0.01),
    (check_money, True), (check_money, "5"), (check_money, float("nan")),
    (check_phash, "abcdef012345678"), (check_phash, "abcdef01234567890"),
    (check_phash, "abcdef012345678g"), (check_phash, 0xABCDEF0123456789),
    (integer_at_least(0), -1), (integer_at_least(0), False), (integer_at_least(0), 1.0),
    (integer_at_least(2), 1),
    (one_of(Colour), "Red"), (one_of(Colour), ["red"]), (one_of(Colour), {"red": 1}),
    (matching("[a-z]+-[0-9]", "a word, a dash and a digit"), "ab-12"),
    (matching("[a-z]+-[0-9]", "a word, a dash and a digit"), "ab-1\n"),
    (list_of(check_id, 2), ["a", "b", "c"]), (list_of(check_id), ("a",)),
    (list_of(check_id), "ab"), (list_of(check_id), {"a": 1}),
]


@pytest.mark.parametrize(("check", "value", "stored"), ACCEPTED)
def test_accepted_values_are_stored_as_the_event_keeps_them(
        check: Check, value: Any, stored: Any) -> None:
    result = check("f", value)
    assert result == stored and type(result) is type(stored)


@pytest.mark.parametrize(("check", "value"), REJECTED)
def test_rejected_values_raise_a_violation_naming_the_field(check: Check, value: Any) -> None:
    with pytest.raises(SchemaViolation) as caught:
        check("f", value)
    assert caught.value.field == "f"
    assert str(caught.value).startswith("f: must be ")


def test_message_gives_the_rule_and_the_value_shortened() -> None:
    assert str(violation("name", "a string", 5)) == "name: must be a string, got 5"
    with pytest.raises(SchemaViolation, match=r'^colour: must be one of red, green, got "blue"$'):
        one_of(Colour)("colour", "blue")
    assert shown("é" * 100) == '"' + "é" * 59 + "..."
    assert shown(None) == "null" and shown({"a": [1]}) == "an object"
    assert shown([[1], 2, 3]) == "a list of 3"


def test_a_bad_item_is_named_by_the_index_of_the_first_bad_one() -> None:
    check = list_of(check_phash, 3)
    with pytest.raises(SchemaViolation) as caught:
        check("hashes", ["0" * 16, "bad", 7])
    assert caught.value.field == "hashes[1]"
    with pytest.raises(SchemaViolation,
                       match=r"^hashes: must be a list \(at most 3\), got a list of 4$"):
        check("hashes", ["0" * 16] * 4)
