"""Offline replay: JSON Lines in, alerts and dead letters out, same code as live.

Pure: the caller passes the lines, a wall clock (used only for ``created_at``
and ``failed_at``) and two sinks. The line number is the dead letter's offset.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from signals.alert import Alert
from signals.deadletter import DeadLetter, dead_letter
from signals.decode import decode
from signals.errors import BrandguardError, ProcessingError
from signals.pipeline import PipelineState, step
from signals.timefmt import format_rfc3339

__all__ = ["ReplaySummary", "replay_lines"]

_BLANK = b" \t\r"


@dataclass(slots=True)
class ReplaySummary:
    lines: int = 0
    events: int = 0
    processed: int = 0
    duplicates: int = 0
    labels: int = 0
    alerts: int = 0
    dead_letters: dict[str, int] = field(default_factory=dict)
    alerts_by: dict[str, int] = field(default_factory=dict)
    model_metrics: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


def replay_lines(
    lines: Iterable[bytes],
    source: str,
    clock: Callable[[], float],
    on_alert: Callable[[Alert], None],
    on_deadletter: Callable[[DeadLetter], None],
    state: PipelineState | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[ReplaySummary, PipelineState]:
    """Process every line in order; bad lines become dead letters and replay goes on."""
    state = state if state is not None else PipelineState()
    summary = ReplaySummary()
    for number, raw in enumerate(lines, start=1):
        summary.lines = number
        if progress is not None and number % 5000 == 0:
            progress(number)
        if not raw or (raw[0] in _BLANK and not raw.strip(_BLANK)):
            continue  # blank (looked at in full only when it starts like one)
        summary.events += 1
        dead = _process_line(state, raw, number, source, clock, on_alert, summary)
        if dead is not None:
            summary.dead_letters[dead.error_code] = summary.dead_letters.get(dead.error_code, 0) + 1
            on_deadletter(dead)
    summary.model_metrics = state.learner.model.metrics.snapshot()
    return summary, state


def _process_line(state: PipelineState, raw: bytes, number: int, source: str,
                  clock: Callable[[], float], on_alert: Callable[[Alert], None],
                  summary: ReplaySummary) -> DeadLetter | None:
    try:
        event = decode(raw)
        result = step(state, event, clock())
    except BrandguardError as err:
        return _dead(raw, number, source, err, clock)
    except Exception as exc:  # a bug must cost one record, not the whole replay
        return _dead(raw, number, source, ProcessingError(f"{type(exc).__name__}: {exc}"),
                     clock)
    summary.processed += 1
    summary.duplicates += int(result.duplicate)
    summary.labels += result.labels
    for alert in result.alerts:
        summary.alerts += 1
        key = f"{alert.entity_type}:{alert.severity}"
        summary.alerts_by[key] = summary.alerts_by.get(key, 0) + 1
        on_alert(alert)
    return None


def _dead(raw: bytes, number: int, source: str, err: BrandguardError,
          clock: Callable[[], float]) -> DeadLetter:
    return dead_letter(source_topic=source, partition=0, offset=number, key=None, value=raw,
                       error=err, failed_at=format_rfc3339(clock()))
