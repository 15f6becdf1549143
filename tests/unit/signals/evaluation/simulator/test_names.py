"""Simulated brand names: a typosquat is never the real name."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from signals.evaluation.simulator.names import BRAND_CATALOGUE, typosquat


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32), brand=st.sampled_from(BRAND_CATALOGUE))
def test_typosquat_never_returns_the_real_name(seed: int, brand: Any) -> None:
    squatted = typosquat(random.Random(seed), brand.name)
    assert squatted.casefold() != brand.name.casefold()
    assert "\n" not in squatted and squatted.strip()
