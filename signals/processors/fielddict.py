"""Shallow field dicts of dataclass instances, for serialising state and messages.

``dataclasses.asdict`` deep-copies every nested dict and list (it made serialising
a seller for its table 25x slower), and ``__slots__`` cannot name the fields: a
class compiled by mypyc has none. The names are looked up once per class.

>>> from dataclasses import dataclass
>>> @dataclass
... class Point:
...     x: int
...     tags: list[str]
>>> p = Point(1, ["a"])
>>> field_dict(p)
{'x': 1, 'tags': ['a']}
>>> field_dict(p)["tags"] is p.tags
True
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

__all__ = ["field_dict"]

_NAMES: dict[type[Any], tuple[str, ...]] = {}


def field_dict(obj: Any) -> dict[str, Any]:
    """``{name: value}`` of the dataclass instance's fields, in declaration order."""
    names = _NAMES.get(type(obj))
    if names is None:
        names = _NAMES[type(obj)] = tuple(f.name for f in fields(obj))
    return {name: getattr(obj, name) for name in names}
