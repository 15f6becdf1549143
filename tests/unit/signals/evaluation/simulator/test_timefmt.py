"""The simulator's event times: exact integer milliseconds in the contract's form."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from signals.contract.timefmt import parse_rfc3339
from signals.evaluation.simulator.scenarios import START_MS
from signals.evaluation.simulator.timefmt import DAY_MS, HOUR_MS, MINUTE_MS, rfc3339


@pytest.mark.parametrize("offset", [0, 1, 999, 1000, MINUTE_MS - 1, HOUR_MS + 7, DAY_MS * 400 + 5])
def test_the_contract_parser_reads_back_the_same_millisecond(offset: int) -> None:
    text = rfc3339(START_MS + offset)
    assert len(text) == len("2026-11-01T00:00:00.000Z") and text.endswith("Z")
    assert round(parse_rfc3339(text) * 1000) == START_MS + offset


def test_units_and_a_leap_day() -> None:
    assert (MINUTE_MS * 60, HOUR_MS * 24) == (HOUR_MS, DAY_MS)
    assert rfc3339(0) == "1970-01-01T00:00:00.000Z"
    feb28 = round(datetime(2028, 2, 28, tzinfo=UTC).timestamp() * 1000)
    assert rfc3339(feb28 + DAY_MS) == "2028-02-29T00:00:00.000Z"
    assert rfc3339(feb28 + DAY_MS - 1) == "2028-02-28T23:59:59.999Z"
