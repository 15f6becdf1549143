"""simulate(): deterministic, contract-valid, and its ground truth matches its events."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter

import orjson

from signals.contract.events import BrandEvent, ListingEvent
from signals.evaluation.simulator import Simulation, scenario_config, simulate
from signals.evaluation.simulator.names import BRAND_CATALOGUE
from tests.unit.signals.evaluation.simulator.sim_views import decoded, unique_events

_EVENT_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
_PHASH = re.compile(r"[0-9a-f]{16}")
_TACTICS = {"blatant_fake", "subtle_fake", "copycat", "stealth_fake", "genuine",
            "authorized_reseller", "authorized_sale", "gray_market", "clearance", "accessory",
            "pre_owned", "retail_genuine"}
_KINDS = {"honest", "authorized_reseller", "gray_market", "clearance", "abused_honest",
          "refurbisher", "accessory_maker", "general_store",
          "blatant_counterfeiter", "subtle_counterfeiter", "copycat", "stealth_counterfeiter"}


def test_same_seed_same_bytes_and_other_seed_differs() -> None:
    config = scenario_config("mixed", seed=3, days=1.0, scale=0.3)
    first, again = simulate(config), simulate(config)
    assert first.lines == again.lines
    assert first.truth == again.truth
    other = simulate(scenario_config("mixed", seed=4, days=1.0, scale=0.3))
    assert other.lines != first.lines


_DIGEST_SCRIPT = """
import hashlib
from signals.evaluation.simulator import scenario_config, simulate
sim = simulate(scenario_config("brand_flood", seed=6, days=1.0, scale=0.2))
print(hashlib.sha256(b"\\n".join(sim.lines)).hexdigest())
"""


def test_bytes_do_not_depend_on_string_hash_randomisation() -> None:
    """Set iteration order varies with PYTHONHASHSEED; the output must not."""
    digests = set()
    for hash_seed in ("0", "1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run([sys.executable, "-c", _DIGEST_SCRIPT], env=env, check=True,
                              capture_output=True, text=True, timeout=120)
        digests.add(done.stdout.strip())
    assert len(digests) == 1


def test_truth_has_the_agreed_shape(mixed: Simulation) -> None:
    truth = mixed.truth
    assert set(truth) == {"generator", "seed", "scenario", "days", "start_time", "listings",
                          "sellers", "incidents", "bad_records", "duplicates", "events"}
    assert truth["generator"] == "brandguard-sim/2" and truth["scenario"] == "mixed"
    assert truth["events"] == len(mixed.lines)
    assert set(truth["bad_records"]) == {"invalid_json", "schema_violation", "unknown_schema"}
    for item in truth["listings"].values():
        assert item["tactic"] in _TACTICS
        assert item["infringing"] == (item["tactic"] in {"blatant_fake", "subtle_fake", "copycat",
                                                            "stealth_fake"})
        assert _EVENT_TIME.fullmatch(item["created_time"])
    for seller in truth["sellers"].values():
        assert seller["kind"] in _KINDS
    assert json.loads(json.dumps(truth)) == truth  # plain JSON types only


def test_every_good_line_decodes_and_malformed_counts_match_truth(mixed: Simulation) -> None:
    good, failures = decoded(mixed)
    bad = mixed.truth["bad_records"]
    assert sum(bad.values()) > 0
    assert failures == Counter({code: n for code, n in bad.items() if n})
    assert len(good) == len(mixed.lines) - sum(bad.values())


def test_records_follow_the_contract_formats(mixed: Simulation) -> None:
    for line, event in decoded(mixed)[0]:
        record = orjson.loads(line)
        assert _EVENT_TIME.fullmatch(record["event_time"])
        ids = [v for k, v in record.items() if k.endswith("_id") and v is not None]
        assert all(isinstance(v, str) and 0 < len(v) <= 128 for v in ids)
        if isinstance(event, ListingEvent):
            assert all(_PHASH.fullmatch(p) for p in event.image_phashes)
            assert event.seller_since is None or _EVENT_TIME.fullmatch(event.seller_since)
        if isinstance(event, BrandEvent):
            assert all(_PHASH.fullmatch(p) for p in event.official_image_phashes)


def test_lines_are_in_event_time_order_brands_first(mixed: Simulation) -> None:
    events = [event for _, event in decoded(mixed)[0]]
    brand_count = len(BRAND_CATALOGUE)
    assert all(isinstance(event, BrandEvent) for event in events[:brand_count])
    seen: set[str] = set()
    last = 0.0
    for event in events:
        if event.event_id in seen:
            continue  # a re-delivery repeats an older event_time by design
        seen.add(event.event_id)
        assert event.ts >= last
        last = event.ts


def test_truth_listings_match_their_created_events(mixed: Simulation) -> None:
    created = {e.listing_id: e for e in unique_events(mixed)
               if isinstance(e, ListingEvent) and e.action == "created"}
    truth = mixed.truth["listings"]
    assert set(truth) == set(created)
    for listing_id, item in truth.items():
        assert created[listing_id].seller_id == item["seller_id"]
        assert created[listing_id].event_time == item["created_time"]
        assert item["seller_id"] in mixed.truth["sellers"]


def test_default_run_size_is_in_the_intended_range(week: Simulation) -> None:
    assert 30_000 <= len(week.lines) <= 60_000
