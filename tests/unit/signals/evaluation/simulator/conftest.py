"""Simulations several simulator test modules read: each generated once per session."""

from __future__ import annotations

import pytest

from signals.evaluation.simulator import Simulation, scenario_config, simulate


@pytest.fixture(scope="session")
def mixed() -> Simulation:
    return simulate(scenario_config("mixed", seed=11, days=3.0, scale=0.5))


@pytest.fixture(scope="session")
def week() -> Simulation:
    """The default run: scenario mixed, seed 1, 7 days, scale 1."""
    return simulate(scenario_config("mixed", seed=1, days=7.0, scale=1.0))


@pytest.fixture(scope="session")
def flood() -> Simulation:
    return simulate(scenario_config("brand_flood", seed=4, days=3.0, scale=0.3))
