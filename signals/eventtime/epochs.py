"""Event-time epochs: the unit in which cross-partition news takes effect.

A seller's features may use facts from other partitions (seller networks)
only from epochs before the previous one. Replay delivers those facts at
once; the live worker holds a partition's events until every partition has
finished that epoch and the image processors have passed on what it
produced. Both therefore see the same facts, whatever the arrival order.

>>> epoch_of(7199.0, 3600.0), epoch_of(7200.0, 3600.0), epoch_start(7199.0, 3600.0)
(1, 2, 3600.0)
"""

from __future__ import annotations

import math

__all__ = ["earliest", "epoch_of", "epoch_start"]


def epoch_of(ts: float, length: float) -> int:
    """The epoch event time ``ts`` falls in."""
    return math.floor(ts / length)


def epoch_start(ts: float, length: float) -> float:
    """Event time at which ``ts``'s epoch began."""
    return epoch_of(ts, length) * length


def earliest(a: float | None, b: float | None) -> float | None:
    """The earlier of two optional event times: how news from other partitions is
    folded, so that its order of arrival does not matter.

    >>> earliest(None, 5.0), earliest(3.0, None), earliest(3.0, 5.0), earliest(None, None)
    (5.0, 3.0, 3.0, None)
    """
    if a is None:
        return b
    return a if b is None or a <= b else b
