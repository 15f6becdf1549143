"""Heap trimming: when it runs, and that the real malloc_trim is found and called."""

from __future__ import annotations

import sys

import pytest

from streams.worker.memory.heap_trim import HeapTrimmer, glibc_trim, resident_bytes


def test_a_trim_is_claimed_once_per_interval() -> None:
    trimmer = HeapTrimmer(every=10.0, trim=lambda: None, rss=lambda: 0)
    claims = [trimmer.claim(now) for now in (10.0, 15.0, 19.9, 20.0, 20.1)]
    assert claims == [True, False, False, True, False]


def test_a_zero_interval_never_trims() -> None:
    trimmer = HeapTrimmer(every=0.0, trim=lambda: None)
    assert not trimmer.enabled and not trimmer.claim(1e9)


def test_released_bytes_are_never_negative() -> None:
    readings = iter([100, 250])  # the heap grew meanwhile (another thread allocated)
    trimmer = HeapTrimmer(every=1.0, trim=lambda: None, rss=lambda: next(readings))
    assert trimmer.trim_now() == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc and /proc")
def test_the_real_trim_gives_freed_memory_back() -> None:
    trim = glibc_trim()
    assert trim is not None
    # Many blocks, one in eight kept: the freed ones sit inside the heap, below
    # the kept ones, where glibc keeps them resident until trimmed.
    blocks = [bytearray(b"x" * 4000) for _ in range(40_000)]
    kept = blocks[::8]
    del blocks
    before = resident_bytes()
    released = HeapTrimmer(every=1.0, trim=trim).trim_now()
    assert before > 0 and released > 0
    assert len(kept) == 5_000
