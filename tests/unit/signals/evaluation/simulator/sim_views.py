"""Decoded views of a simulated file, for the simulator's test modules."""

from __future__ import annotations

from collections import Counter

from signals.contract.decode import decode
from signals.contract.events import BrandEvent, Event
from signals.errors import DecodeError
from signals.evaluation.simulator import Simulation
from signals.evaluation.simulator.names import BRAND_CATALOGUE

__all__ = ["brands_of", "decoded", "unique_events"]


def decoded(sim: Simulation) -> tuple[list[tuple[bytes, Event]], Counter[str]]:
    """Valid lines with their events, and the decode failures by error code."""
    good: list[tuple[bytes, Event]] = []
    failures: Counter[str] = Counter()
    for line in sim.lines:
        try:
            good.append((line, decode(line)))
        except DecodeError as err:
            failures[err.error_code] += 1
    return good, failures


def unique_events(sim: Simulation) -> list[Event]:
    seen: set[str] = set()
    events = []
    for _, event in decoded(sim)[0]:
        if event.event_id not in seen:
            seen.add(event.event_id)
            events.append(event)
    return events


def brands_of(sim: Simulation) -> dict[str, BrandEvent]:
    return {e.brand_id: e for e in unique_events(sim)[:len(BRAND_CATALOGUE)]
            if isinstance(e, BrandEvent)}
