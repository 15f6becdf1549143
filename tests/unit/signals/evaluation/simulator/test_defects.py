"""Delivery defects: redelivered duplicates and malformed records of each dead-letter kind."""

from __future__ import annotations

import random
from collections import Counter

import orjson
import pytest

from signals.contract.decode import decode
from signals.contract.timefmt import parse_rfc3339
from signals.errors import DecodeError
from signals.evaluation.simulator import Simulation
from signals.evaluation.simulator.defects import BAD_RECORD_KINDS, GoodLine, duplicates, malformed
from signals.evaluation.simulator.world import IdMint
from tests.unit.signals.evaluation.simulator.sim_views import decoded


def test_duplicates_repeat_identical_bytes_later(mixed: Simulation) -> None:
    first_line: dict[str, bytes] = {}
    repeats = 0
    for line, event in decoded(mixed)[0]:
        if event.event_id in first_line:
            assert line == first_line[event.event_id]
            repeats += 1
        else:
            first_line[event.event_id] = line
    assert repeats == mixed.truth["duplicates"] > 0
    assert abs(repeats / len(first_line) - 0.01) < 0.005


def _good_lines(sim: Simulation) -> list[GoodLine]:
    lines = []
    for line in sim.lines[:400]:
        record = orjson.loads(line)
        lines.append(GoodLine(parse_rfc3339_ms(record["event_time"]), record, line))
    return lines


def parse_rfc3339_ms(text: str) -> int:
    return round(parse_rfc3339(text) * 1000)


def test_every_malformed_record_gets_the_dead_letter_code_it_is_counted_under(
        mixed: Simulation) -> None:
    good = _good_lines(mixed)
    rng = random.Random(9)
    extra, counts = malformed(rng, good, rate=0.5, mint=IdMint(rng), end_ms=10 ** 15)
    assert set(counts) == set(BAD_RECORD_KINDS) and all(counts.values())
    codes: Counter[str] = Counter()
    for _, data in extra:
        with pytest.raises(DecodeError) as failure:
            decode(data)
        codes[failure.value.error_code] += 1
    assert codes == counts


def test_duplicates_repeat_exact_bytes_later_and_never_past_the_end(mixed: Simulation) -> None:
    good = _good_lines(mixed)
    end = good[-1].time_ms + 60_000
    extra = duplicates(random.Random(2), good, rate=1.0, end_ms=end)
    by_bytes = {line.data: line.time_ms for line in good}
    assert extra and len(extra) < len(good)  # the late ones would pass the end
    for when, data in extra:
        assert by_bytes[data] < when < end
    assert duplicates(random.Random(2), good, rate=0.0, end_ms=end) == []


def test_nothing_to_break_gives_no_malformed_records() -> None:
    brand_only = [GoodLine(0, {"schema": "brand.v1"}, b"{}")]
    rng = random.Random(1)
    assert malformed(rng, brand_only, 1.0, IdMint(rng), 10) == ([], Counter(
        dict.fromkeys(BAD_RECORD_KINDS, 0)))
