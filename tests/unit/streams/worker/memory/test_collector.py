"""The collector's thresholds are set and put back, and every collection is timed."""

from __future__ import annotations

import gc

import pytest

from signals.errors import ConfigError
from streams.worker.memory.collector import CollectorTuning, parse_thresholds
from streams.worker.settings import load_settings


def test_install_sets_the_thresholds_and_remove_restores_them() -> None:
    before = gc.get_threshold()
    tuning = CollectorTuning((1000, 50, 20))
    tuning.install()
    try:
        assert gc.get_threshold() == (1000, 50, 20)
        tuning.install()  # twice is once: remove must still restore CPython's
    finally:
        tuning.remove()
    assert gc.get_threshold() == before
    assert tuning._callback not in gc.callbacks


def test_each_collection_is_timed_once_by_generation() -> None:
    tuning = CollectorTuning((700, 100, 100))
    tuning.install()
    try:
        tuning.pauses()
        gc.collect(2)
        pauses = tuning.pauses()
    finally:
        tuning.remove()
    full = [seconds for generation, seconds in pauses if generation == 2]
    assert len(full) == 1 and full[0] >= 0.0
    assert tuning.pauses() == []  # taken once


def test_pauses_kept_between_reads_are_bounded() -> None:
    tuning = CollectorTuning((700, 100, 100), keep=3)
    tuning.install()
    try:
        for _ in range(5):
            gc.collect(0)
        pauses = tuning.pauses()
    finally:
        tuning.remove()
    assert len(pauses) == 3


@pytest.mark.parametrize("raw", ["700,10", "a,b,c", "700,0,10", "", "1,2,3,4"])
def test_bad_thresholds_are_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_thresholds(raw)


def test_the_setting_reads_three_thresholds_and_refuses_others() -> None:
    assert load_settings({}).gc_thresholds == (700, 100, 100)
    assert load_settings({"BRANDGUARD_GC_THRESHOLDS": "2000,20,50"}).gc_thresholds == (
        2000, 20, 50)
    with pytest.raises(ConfigError, match="BRANDGUARD_GC_THRESHOLDS"):
        load_settings({"BRANDGUARD_GC_THRESHOLDS": "700"})
