"""The other_market scenario: a marketplace whose habits differ from those the rule
prior was written for, while the home scenarios stay as they were."""

from __future__ import annotations

from statistics import median
from typing import Any

import orjson
import pytest

from signals.evaluation.simulator import Simulation, scenario_config, simulate
from signals.evaluation.simulator.names import FAKE_VOCABULARY
from signals.features.lookalikes import offmarket


def _created(sim: Simulation) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(created listing record, its ground truth) for every branded listing."""
    truth = sim.truth["listings"]
    out = []
    for line in sim.lines:
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue  # the generator's malformed records
        if not isinstance(record, dict) or record.get("schema") != "listing.v1":
            continue
        listing = truth.get(record.get("listing_id"))
        if record.get("action") == "created" and listing and listing["brand_id"]:
            out.append((record, listing))
    return out


def _official_only(record: dict[str, Any], official: list[int]) -> bool:
    """Every image is a re-upload of an official one (within 2 bits)."""
    images = [int(p, 16) for p in record.get("image_phashes") or []]
    return bool(images) and all(min((p ^ o).bit_count() for o in official) <= 2
                                for p in images)


@pytest.fixture(scope="module")
def other() -> Simulation:
    return simulate(scenario_config("other_market", seed=2, days=2.0, scale=0.5))


@pytest.fixture(scope="module")
def home() -> Simulation:
    return simulate(scenario_config("mixed", seed=2, days=2.0, scale=0.5))


def _habits(sim: Simulation) -> dict[str, float]:
    """Shares and medians of the tells the prior weighs, for gray-market listings and fakes."""
    brands = [orjson.loads(line) for line in sim.lines if line.startswith(b'{"schema":"brand.v1"')]
    official = [int(p, 16) for b in brands for p in b["official_image_phashes"]]
    currency = {b["brand_id"]: b["currency"] for b in brands}
    rows = _created(sim)
    gray = [r for r, t in rows if t["tactic"] == "gray_market"]
    fakes = [(r, t) for r, t in rows if t["infringing"]]
    assert gray and fakes
    def share(items: list[dict[str, Any]], test: Any) -> float:
        return sum(1 for r in items if test(r)) / len(items)
    fake_records = [r for r, _ in fakes]
    return {
        "gray_official_only": share(gray, lambda r: _official_only(r, official)),
        "fake_official_only": share(fake_records, lambda r: _official_only(r, official)),
        "gray_sale": share(gray, lambda r: "sale" in r["title"].lower()),
        "fake_offmarket": sum(offmarket(r["ship_from"], currency[t["brand_id"]])
                              for r, t in fakes) / len(fakes),
        "gray_offmarket": sum(offmarket(r["ship_from"], currency[r["brand_id"]])
                              for r in gray) / len(gray),
        "fake_vocab": share(fake_records, lambda r: any(
            v.lower() in r["title"].lower() for v in FAKE_VOCABULARY)),
        "fake_stock": median(r["quantity"] for r in fake_records),
        "gray_stock": median(r["quantity"] for r in gray),
    }


def test_honest_importers_show_catalogue_photos_and_run_sales(other: Simulation,
                                                              home: Simulation) -> None:
    there, here = _habits(other), _habits(home)
    # the prior reads official-only photos as a counterfeiter's tell; here it is the reverse
    assert there["gray_official_only"] > there["fake_official_only"]
    assert there["gray_official_only"] > here["gray_official_only"] + 0.2
    assert there["gray_sale"] > 0.25 and here["gray_sale"] == 0.0


def test_fakes_avoid_the_filtered_tells_and_ship_deep_stock_from_abroad(
        other: Simulation, home: Simulation) -> None:
    there, here = _habits(other), _habits(home)
    assert there["fake_vocab"] < here["fake_vocab"] / 2
    # weakly: an importer's home is the buyers' country, not always the brand's market
    assert there["fake_offmarket"] > there["gray_offmarket"] + 0.15
    assert there["fake_stock"] > 4 * there["gray_stock"]


def test_the_market_is_a_scenario_option_not_a_new_population() -> None:
    other = scenario_config("other_market", seed=1, days=1.0, scale=1.0)
    mixed = scenario_config("mixed", seed=1, days=1.0, scale=1.0)
    assert (other.market, mixed.market) == ("other", "home")
    assert set(other.population) == set(mixed.population)
    assert not other.flood and not other.drift
