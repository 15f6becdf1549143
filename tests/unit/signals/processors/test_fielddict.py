"""Shallow field dicts of dataclass instances."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from signals.processors.fielddict import field_dict


@dataclass(slots=True)
class _Slotted:
    b: int
    a: dict[str, int] = field(default_factory=dict)


@dataclass
class _Plain:
    z: str
    y: list[int]


def test_fields_come_in_declaration_order_and_are_not_copied() -> None:
    obj = _Slotted(2, {"k": 1})
    out = field_dict(obj)
    assert list(out) == ["b", "a"] and out["a"] is obj.a


def test_each_class_gets_its_own_names_and_later_values_are_read() -> None:
    plain = _Plain("z", [1])
    assert field_dict(plain) == {"z": "z", "y": [1]}
    assert field_dict(_Slotted(1)) == {"b": 1, "a": {}}
    plain.z = "changed"
    assert field_dict(plain)["z"] == "changed"


def test_a_non_dataclass_is_refused() -> None:
    with pytest.raises(TypeError):
        field_dict(object())
