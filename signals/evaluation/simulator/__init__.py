"""Deterministic synthetic marketplace: brands, sellers honest and not, and the
event stream they produce, with ground truth for evaluating detection.

Pure: randomness comes only from ``random.Random(config.seed)``, time only from
the configuration, so the same configuration always gives the same bytes.
"""

from signals.evaluation.simulator.generate import GENERATOR, Simulation, simulate
from signals.evaluation.simulator.scenarios import SCENARIOS, SimConfig, scenario_config

__all__ = ["GENERATOR", "SCENARIOS", "SimConfig", "Simulation", "scenario_config", "simulate"]
