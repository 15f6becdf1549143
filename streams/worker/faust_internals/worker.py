"""Faust's worker, kept from lowering the root logger to DEBUG.

See the package docstring: Faust's spinner sets the root logger to DEBUG whatever
``--loglevel`` says (``faust/worker.py``, ``_setup_spinner_handler``; no upstream
issue found), and every ``logger.debug`` in Faust and aiokafka then builds a record
that is thrown away.
"""

from __future__ import annotations

import faust

__all__ = ["without_spinner"]


def without_spinner(worker: faust.Worker) -> faust.Worker:
    """Keep the root logger at the configured level (no spinner, no DEBUG records)."""
    worker.spinner = None
    return worker
