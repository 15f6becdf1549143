"""A one-line progress display on stderr (no dependency, no curses)."""

from __future__ import annotations

import sys
import time

__all__ = ["Progress"]


class Progress:
    def __init__(self, total: int | None, label: str, enabled: bool = True) -> None:
        self.total, self.label, self.enabled = total, label, enabled and sys.stderr.isatty()
        self.started = time.monotonic()
        self._last = 0.0

    def update(self, done: int, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.2:
            return
        self._last = now
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        text = f"\r{self.label}: {done:,}"
        if self.total:
            eta = (self.total - done) / rate if rate > 0 else 0.0
            text += f"/{self.total:,} ({100 * done / self.total:5.1f}%) eta {eta:5.1f}s"
        sys.stderr.write(f"{text}  {rate:,.0f}/s ")
        sys.stderr.flush()

    def close(self, done: int) -> None:
        self.update(done, force=True)
        if self.enabled:
            sys.stderr.write("\n")
