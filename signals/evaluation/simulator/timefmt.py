"""Event-time formatting for the simulator: integer epoch milliseconds to the
contract's RFC 3339 form. Integers keep arithmetic exact, so the same seed
always prints the same timestamps.

>>> rfc3339(1_793_491_200_000)
'2026-11-01T00:00:00.000Z'
>>> rfc3339(1_793_491_200_000 + 26 * 86_400_000 + 50_591_250)
'2026-11-27T14:03:11.250Z'
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["DAY_MS", "HOUR_MS", "MINUTE_MS", "rfc3339"]

MINUTE_MS = 60_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def rfc3339(epoch_ms: int) -> str:
    """``epoch_ms`` as ``YYYY-MM-DDTHH:MM:SS.mmmZ`` (UTC, millisecond precision)."""
    moment = _EPOCH + timedelta(milliseconds=epoch_ms)
    return f"{moment.strftime('%Y-%m-%dT%H:%M:%S')}.{epoch_ms % 1000:03d}Z"
