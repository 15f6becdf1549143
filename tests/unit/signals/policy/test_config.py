"""The policy settings: one frozen object whose defaults hang together."""

from __future__ import annotations

import dataclasses

import pytest

from signals.policy.config import PolicyConfig
from signals.policy.evidence import EVIDENCE_RULES
from signals.policy.severity import THRESHOLDS


def test_the_policy_cannot_be_changed_in_place() -> None:
    policy = PolicyConfig()
    # AttributeError: FrozenInstanceError is one, and a mypyc-compiled class raises its own
    with pytest.raises(AttributeError):
        policy.listing_threshold = 0.1  # type: ignore[misc]
    stricter = dataclasses.replace(policy, listing_threshold=0.8)
    assert stricter.listing_threshold == 0.8 and policy.listing_threshold == 0.6


def test_the_default_thresholds_are_ordered_as_their_meaning_needs() -> None:
    policy = PolicyConfig()
    lowest_severity = THRESHOLDS[-1][0]
    # a risky listing is alerted at some severity; evidence-less ones only past the floor
    assert lowest_severity <= policy.listing_threshold <= min(
        least for least, _ in EVIDENCE_RULES.values())
    assert policy.listing_threshold < policy.flag_threshold < policy.rule_floor <= 1.0
    assert policy.seller_threshold == lowest_severity


def test_windows_and_bounds_are_positive_and_links_wait_at_least_an_epoch() -> None:
    policy = PolicyConfig()
    assert policy.network_delay >= 1 and policy.network_epoch > 0
    assert policy.brand_cooldown < policy.seller_cooldown < policy.listing_cooldown
    assert min(policy.max_listings, policy.max_reports, policy.max_phashes) > 0
    assert policy.incident_min_new_sellers <= policy.incident_min_sellers
