"""Give the heap's free memory back to the operating system now and then.

The worker's live states are a bounded cache (``checkpointing.state_cache``):
once it is full, every state read back from RocksDB replaces an evicted one.
The evicted states' memory is freed, but glibc's allocator returns to the
operating system only what is free at the top of its heaps; free chunks in the
middle stay resident, and the resident set creeps up long after the live data
has stopped growing. ``malloc_trim(0)`` releases the free pages wherever they
are (``madvise``), at the cost of page faults when they are used again.

It runs in a thread (ctypes releases the GIL, so records keep flowing) every
``BRANDGUARD_HEAP_TRIM_SECONDS``; the time it takes and the resident memory it
released are metrics. Where the C library has no ``malloc_trim`` (musl, macOS),
nothing is trimmed and the worker says so once in its log.

>>> calls = []
>>> trimmer = HeapTrimmer(every=60.0, trim=lambda: calls.append(1), rss=iter([900, 700]).__next__)
>>> trimmer.claim(now=10.0), trimmer.claim(now=60.0), trimmer.claim(now=61.0)
(False, True, False)
>>> trimmer.trim_now()
200
>>> calls
[1]
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
from collections.abc import Callable

__all__ = ["HeapTrimmer", "glibc_trim", "resident_bytes"]

log = logging.getLogger(__name__)


def glibc_trim() -> Callable[[], object] | None:
    """The C library's ``malloc_trim(0)``, or None where there is none."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return lambda: trim(0)


def resident_bytes() -> int:
    """This process's resident set (``/proc/self/statm``), 0 where there is no /proc."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class HeapTrimmer:
    def __init__(self, every: float, trim: Callable[[], object] | None = None,
                 rss: Callable[[], int] = resident_bytes) -> None:
        """``every``: seconds between trims (0: never); ``trim``: the C call, found
        in the C library when not given."""
        self.every = every
        self._trim = trim if trim is not None else glibc_trim()
        self._rss = rss
        self._last = 0.0
        if every > 0 and self._trim is None:
            log.info("heap trimming is off: the C library has no malloc_trim")

    @property
    def enabled(self) -> bool:
        return self.every > 0 and self._trim is not None

    def claim(self, now: float) -> bool:
        """Whether a trim is due; if so, the next one is due ``every`` seconds from now
        (claimed when it starts, so a slow trim is never started twice)."""
        if not self.enabled or now - self._last < self.every:
            return False
        self._last = now
        return True

    def trim_now(self) -> int:
        """Trim (blocking: call it from a thread); the resident bytes it released."""
        before = self._rss()
        if self._trim is not None:
            self._trim()
        return max(0, before - self._rss())
