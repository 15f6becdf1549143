"""Reporter reliability: a Beta-smoothed share of decided reports that were upheld."""

from __future__ import annotations

import pytest

from signals.aggregates.reporter import ReporterStats


def test_a_new_reporter_starts_at_the_prior() -> None:
    assert ReporterStats().reliability() == pytest.approx(3 / 5)
    assert ReporterStats().reliability(prior_upheld=1.0, prior_rejected=1.0) == 0.5


def test_upheld_reports_raise_and_rejected_ones_lower_reliability() -> None:
    good, bad = ReporterStats(), ReporterStats()
    for _ in range(10):
        good.record("upheld")
        bad.record("rejected")
    assert good.reliability() == pytest.approx(13 / 15)
    assert bad.reliability() == pytest.approx(3 / 15)
    assert bad.reliability() < ReporterStats().reliability() < good.reliability() < 1.0


def test_filed_and_unknown_statuses_do_not_move_reliability() -> None:
    stats = ReporterStats()
    for status in ("filed", "filed", "withdrawn", ""):
        stats.record(status)
    assert (stats.filed, stats.upheld, stats.rejected) == (2, 0, 0)
    assert stats.reliability() == ReporterStats().reliability()


def test_the_counts_round_trip_through_a_dict() -> None:
    stats = ReporterStats(filed=4, upheld=2, rejected=1)
    assert stats.to_dict() == {"filed": 4, "upheld": 2, "rejected": 1}
    assert ReporterStats.from_dict(stats.to_dict()) == stats
