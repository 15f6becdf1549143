"""Crash-reliability tests: the integration suite's session broker, reused.

They are slow (minutes) and run with ``make reliability``, not ``make test``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.conftest import (  # noqa: F401 - fixtures, found by name
    kafka_bootstrap,
    kafka_broker,
    kafka_version,
    unique,
)

_HERE = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "reliability: kills or corrupts a live worker (slow)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.reliability)
