"""Calibration figures of delayed labels: Brier score and expected calibration error."""

from __future__ import annotations

import pytest

from signals.governance.calibration import BINS, calibration
from signals.model.delayed_metrics import LabelRecord


def test_perfectly_calibrated_scores_have_no_calibration_error() -> None:
    # in each bin, the share of upheld labels equals the score given
    records = [LabelRecord(i < 8, 0.8, 0.5) for i in range(10)] + [
        LabelRecord(i < 2, 0.2, 0.5) for i in range(10)]
    figures = calibration(records, "served")
    assert figures["ece"] == pytest.approx(0.0)
    assert figures["brier"] == pytest.approx(0.16)
    assert figures["labels"] == 20 and figures["positive_rate"] == 0.5


def test_each_track_is_judged_on_its_own_probability() -> None:
    records = [LabelRecord(True, 1.0, 0.0), LabelRecord(False, 0.0, 1.0)]
    assert calibration(records, "served")["brier"] == 0.0
    assert calibration(records, "learned")["brier"] == 1.0
    assert calibration(records, "learned")["ece"] == 1.0


def test_a_probability_of_one_falls_in_the_last_bin_not_past_it() -> None:
    figures = calibration([LabelRecord(False, 1.0, 1.0)] * BINS, "served")
    assert figures["ece"] == 1.0 and figures["mean_predicted"] == 1.0


def test_the_calibration_error_weighs_bins_by_their_labels() -> None:
    # 3 labels at 0.95 all upheld (gap 0.05), 1 at 0.05 upheld (gap 0.95)
    records = [LabelRecord(True, 0.95, 0.0)] * 3 + [LabelRecord(True, 0.05, 0.0)]
    assert calibration(records, "served")["ece"] == pytest.approx((3 * 0.05 + 0.95) / 4)


def test_no_label_gives_none_for_every_figure() -> None:
    assert calibration([], "learned") == {"labels": 0, "brier": None, "ece": None,
                                         "mean_predicted": None, "positive_rate": None}
