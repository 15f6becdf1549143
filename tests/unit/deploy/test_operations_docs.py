"""docs/operations.md's configuration reference documents every setting the
worker reads, with the default it really has."""

from __future__ import annotations

import re
from dataclasses import fields

from streams.worker.settings import ENV_VARS, Settings, Topics, shown
from tests.unit.deploy.deploy_checks import REPO

OPERATIONS = REPO / "docs" / "operations.md"


def _reference_table() -> dict[str, str]:
    """Variable -> documented default, from the configuration reference table."""
    section = OPERATIONS.read_text(encoding="utf-8").split("## Configuration reference", 1)[1]
    rows = re.findall(r"^\| `(BRANDGUARD_\w+)` \| ([^|]+) \|", section, re.MULTILINE)
    return {name: default.strip().strip("`") for name, default in rows}


def _actual_default(attribute: str) -> object:
    if attribute.startswith("topics."):
        return getattr(Topics(), attribute.removeprefix("topics."))
    defaults = {field.name: field.default for field in fields(Settings)}
    return defaults[attribute]


def test_every_setting_is_documented_once() -> None:
    assert sorted(_reference_table()) == sorted(ENV_VARS)


def test_documented_defaults_are_the_real_ones() -> None:
    for name, documented in _reference_table().items():
        actual = _actual_default(ENV_VARS[name])
        expected = shown(actual)
        assert documented == expected, name
