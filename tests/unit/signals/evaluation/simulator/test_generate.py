"""simulate(): deterministic, contract-valid, and its ground truth matches its events."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter

import orjson
import pytest

from signals.contract.decode import decode
from signals.contract.events import BrandEvent, Event, ListingEvent, ReportEvent
from signals.contract.timefmt import parse_rfc3339
from signals.errors import DecodeError
from signals.evaluation.simulator import Simulation, scenario_config, simulate
from signals.evaluation.simulator.flood import FLOOD_WINDOW_MS
from signals.evaluation.simulator.names import (
    BRAND_CATALOGUE,
    CONDITION_WORDS,
    FAKE_VOCABULARY,
)

_EVENT_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
_PHASH = re.compile(r"[0-9a-f]{16}")
_TACTICS = {"blatant_fake", "subtle_fake", "copycat", "stealth_fake", "genuine",
            "authorized_reseller", "authorized_sale", "gray_market", "clearance", "accessory",
            "pre_owned", "retail_genuine"}
_KINDS = {"honest", "authorized_reseller", "gray_market", "clearance", "abused_honest",
          "refurbisher", "accessory_maker", "general_store",
          "blatant_counterfeiter", "subtle_counterfeiter", "copycat", "stealth_counterfeiter"}


@pytest.fixture(scope="module")
def mixed() -> Simulation:
    return simulate(scenario_config("mixed", seed=11, days=3.0, scale=0.5))


@pytest.fixture(scope="module")
def week() -> Simulation:
    """The default run: scenario mixed, seed 1, 7 days, scale 1."""
    return simulate(scenario_config("mixed", seed=1, days=7.0, scale=1.0))


@pytest.fixture(scope="module")
def flood() -> Simulation:
    return simulate(scenario_config("brand_flood", seed=4, days=3.0, scale=0.3))


def _decoded(sim: Simulation) -> tuple[list[tuple[bytes, Event]], Counter[str]]:
    """Valid lines with their events, and the decode failures by error code."""
    good: list[tuple[bytes, Event]] = []
    failures: Counter[str] = Counter()
    for line in sim.lines:
        try:
            good.append((line, decode(line)))
        except DecodeError as err:
            failures[err.error_code] += 1
    return good, failures


def _unique_events(sim: Simulation) -> list[Event]:
    seen: set[str] = set()
    events = []
    for _, event in _decoded(sim)[0]:
        if event.event_id not in seen:
            seen.add(event.event_id)
            events.append(event)
    return events


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
    good, failures = _decoded(mixed)
    bad = mixed.truth["bad_records"]
    assert sum(bad.values()) > 0
    assert failures == Counter({code: n for code, n in bad.items() if n})
    assert len(good) == len(mixed.lines) - sum(bad.values())


def test_records_follow_the_contract_formats(mixed: Simulation) -> None:
    for line, event in _decoded(mixed)[0]:
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
    events = [event for _, event in _decoded(mixed)[0]]
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


def test_duplicates_repeat_identical_bytes_later(mixed: Simulation) -> None:
    first_line: dict[str, bytes] = {}
    repeats = 0
    for line, event in _decoded(mixed)[0]:
        if event.event_id in first_line:
            assert line == first_line[event.event_id]
            repeats += 1
        else:
            first_line[event.event_id] = line
    assert repeats == mixed.truth["duplicates"] > 0
    assert abs(repeats / len(first_line) - 0.01) < 0.005


def test_every_decision_follows_a_filing_of_the_same_report(mixed: Simulation) -> None:
    filed: dict[str, ReportEvent] = {}
    decisions = Counter[str]()
    for event in _unique_events(mixed):
        if not isinstance(event, ReportEvent):
            continue
        if event.status == "filed":
            filed[event.report_id] = event
            continue
        decisions[event.status] += 1
        origin = filed[event.report_id]
        assert origin.ts < event.ts
        assert (origin.listing_id, origin.seller_id, origin.reporter) == (
            event.listing_id, event.seller_id, event.reporter)
    assert decisions["upheld"] > 0 and decisions["rejected"] > 0


def test_truth_listings_match_their_created_events(mixed: Simulation) -> None:
    created = {e.listing_id: e for e in _unique_events(mixed)
               if isinstance(e, ListingEvent) and e.action == "created"}
    truth = mixed.truth["listings"]
    assert set(truth) == set(created)
    for listing_id, item in truth.items():
        assert created[listing_id].seller_id == item["seller_id"]
        assert created[listing_id].event_time == item["created_time"]
        assert item["seller_id"] in mixed.truth["sellers"]


def _brands(sim: Simulation) -> dict[str, BrandEvent]:
    return {e.brand_id: e for e in _unique_events(sim)[:len(BRAND_CATALOGUE)]
            if isinstance(e, BrandEvent)}


def test_tactics_have_their_defining_traits(mixed: Simulation) -> None:
    brands, truth = _brands(mixed), mixed.truth["listings"]
    counts: Counter[str] = Counter()
    for event in _unique_events(mixed):
        if not (isinstance(event, ListingEvent) and event.action == "created"):
            continue
        item = truth[event.listing_id]
        tactic, brand = item["tactic"], brands.get(item["brand_id"] or "")
        counts[tactic] += 1
        if tactic == "blatant_fake":
            assert any(w.lower() in (event.title or "").lower() for w in FAKE_VOCABULARY)
        if tactic == "subtle_fake":
            assert brand is not None and event.brand_id == brand.brand_id
            assert brand.name in (event.title or "")
            assert event.seller_id not in brand.authorized_sellers
        if tactic == "gray_market":
            assert brand is not None and event.seller_id not in brand.authorized_sellers
        if tactic == "accessory":
            assert event.brand_id is None and brand is not None
            assert brand.name in (event.title or "")
    assert {"blatant_fake", "subtle_fake", "copycat", "gray_market", "clearance"} <= set(counts)


def test_fakes_are_cheap_relative_to_reference_price(mixed: Simulation) -> None:
    brands, truth = _brands(mixed), mixed.truth["listings"]
    ratios: dict[str, list[float]] = {}
    for event in _unique_events(mixed):
        if isinstance(event, ListingEvent) and event.action == "created":
            brand = brands.get(truth[event.listing_id]["brand_id"] or "")
            if brand and brand.reference_price and event.price:
                ratios.setdefault(truth[event.listing_id]["tactic"], []).append(
                    event.price / brand.reference_price)
    median = {tactic: sorted(r)[len(r) // 2] for tactic, r in ratios.items()}
    assert median["blatant_fake"] < 0.35 < median["subtle_fake"] < 0.8 < median["gray_market"]
    # the honest look-alikes overlap the fakes on price: price alone cannot separate them
    assert median["pre_owned"] < median["stealth_fake"]
    assert median["authorized_sale"] < median["stealth_fake"]
    assert median["clearance"] < median["gray_market"]


def test_stealth_fakes_show_edited_official_photos_and_used_goods_say_so(
        mixed: Simulation) -> None:
    brands, truth = _brands(mixed), mixed.truth["listings"]
    edited = used_words = used = 0
    for event in _unique_events(mixed):
        if not (isinstance(event, ListingEvent) and event.action == "created"):
            continue
        item = truth[event.listing_id]
        brand = brands.get(item["brand_id"] or "")
        if item["tactic"] == "stealth_fake" and brand is not None:
            official = [int(h, 16) for h in brand.official_image_phashes]
            distances = [min(bin(int(h, 16) ^ o).count("1") for o in official)
                         for h in event.image_phashes]
            edited += any(3 <= d <= 7 for d in distances)
            assert all(d >= 3 for d in distances)  # never an untouched official photo
        if item["tactic"] == "pre_owned":
            used += 1
            used_words += any(w.lower() in (event.title or "").lower()
                              for w in CONDITION_WORDS)
    assert edited > 0 and used > 0 and used_words > 0.75 * used


def test_over_reporting_owners_mostly_lose(week: Simulation) -> None:
    kinds = {sid: s["kind"] for sid, s in week.truth["sellers"].items()}
    outcomes = Counter(e.status for e in _unique_events(week)
                       if isinstance(e, ReportEvent) and e.status != "filed"
                       and kinds[e.seller_id] == "abused_honest")
    assert outcomes["rejected"] >= 10 and outcomes["rejected"] > 3 * outcomes["upheld"]


def test_flood_sellers_appear_within_the_window(flood: Simulation) -> None:
    [incident] = flood.truth["incidents"]
    start = parse_rfc3339(incident["start_time"])
    members = set(incident["sellers"])
    assert 15 <= len(members) <= 30
    first: dict[str, ListingEvent] = {}
    for event in _unique_events(flood):
        if isinstance(event, ListingEvent) and event.seller_id in members:
            first.setdefault(event.seller_id, event)
    assert set(first) == members
    for event in first.values():
        assert start <= event.ts < start + FLOOD_WINDOW_MS / 1000
        assert event.seller_since_ts is not None and start - event.seller_since_ts < 3.1 * 86400
    targets = {flood.truth["listings"][e.listing_id]["brand_id"] for e in first.values()}
    assert targets <= {incident["brand_id"], None}
    assert all(flood.truth["sellers"][s]["bad"] for s in members)


def test_scale_multiplies_the_population() -> None:
    def sellers(scale: float) -> int:
        return len(simulate(scenario_config("mixed", seed=2, days=0.5, scale=scale))
                   .truth["sellers"])

    stores = len(BRAND_CATALOGUE)
    assert 1.8 < (sellers(1.0) - stores) / (sellers(0.5) - stores) < 2.2


@pytest.mark.parametrize("scenario,main_tactics", [("subtle", ("subtle_fake", "stealth_fake")),
                                                    ("copycat", ("copycat",))])
def test_focused_scenarios_are_dominated_by_their_tactic(
        scenario: str, main_tactics: tuple[str, ...]) -> None:
    truth = simulate(scenario_config(scenario, seed=5, days=2.0, scale=0.5)).truth
    infringing = Counter(i["tactic"] for i in truth["listings"].values() if i["infringing"])
    assert sum(infringing[t] for t in main_tactics) > 0.6 * sum(infringing.values())


def test_drift_turns_counterfeiters_stealthy_mid_stream() -> None:
    truth = simulate(scenario_config("drift", seed=5, days=2.0, scale=0.5)).truth
    start = parse_rfc3339(truth["start_time"])
    stealth = [parse_rfc3339(i["created_time"]) - start for i in truth["listings"].values()
               if i["tactic"] == "stealth_fake"]
    blatant = [parse_rfc3339(i["created_time"]) - start for i in truth["listings"].values()
               if i["tactic"] == "blatant_fake"]
    assert stealth and blatant
    assert sorted(stealth)[len(stealth) // 2] > sorted(blatant)[len(blatant) // 2]


def test_default_run_size_is_in_the_intended_range(week: Simulation) -> None:
    assert 30_000 <= len(week.lines) <= 60_000
