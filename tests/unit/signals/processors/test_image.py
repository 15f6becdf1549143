"""The image processor: who uses an image and since when, the same in any arrival order."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from signals.processors.image import MAX_SELLERS_PER_IMAGE, ImageState, process_image
from signals.processors.messages import ImageFact, NetworkFact

PHASH = "00ff00ff00ff00ff"


def _fact(n: int, seller: str, ts: float, flagged: bool = False) -> ImageFact:
    return ImageFact(f"f{n}", PHASH, ts, seller, flagged)


def test_every_member_is_told_the_whole_membership_once_there_are_two() -> None:
    state = ImageState.create(PHASH)
    assert process_image(state, _fact(1, "s1", 5.0)).facts == []
    facts = process_image(state, _fact(2, "s2", 3.0, flagged=True)).facts
    assert [f.seller_id for f in facts] == ["s1", "s2"]
    assert all(isinstance(f, NetworkFact) and f.members == (("s1", 5.0, None), ("s2", 3.0, 3.0))
               for f in facts)
    assert {f.fact_id for f in facts} == {"f2>s1", "f2>s2"}


def test_the_membership_is_the_same_whatever_order_the_facts_arrive_in() -> None:
    facts = [_fact(1, "s1", 5.0), _fact(2, "s2", 3.0), _fact(3, "s1", 2.0, flagged=True),
             _fact(4, "s3", 9.0, flagged=True), _fact(5, "s3", 4.0, flagged=True)]
    finals = set()
    for order in itertools.permutations(facts):
        state = ImageState.create(PHASH)
        for fact in order:
            process_image(state, fact)
        finals.add(tuple(sorted((s, tuple(v)) for s, v in state.sellers.items())))
    assert finals == {(("s1", (2.0, 2.0)), ("s2", (3.0, None)), ("s3", (4.0, 4.0)))}


def test_nothing_new_and_redeliveries_tell_no_one() -> None:
    state = ImageState.create(PHASH)
    process_image(state, _fact(1, "s1", 1.0))
    process_image(state, _fact(2, "s2", 2.0))
    assert process_image(state, _fact(3, "s2", 8.0)).facts == []  # later use: no change
    before = state.to_dict()
    out = process_image(state, _fact(2, "s2", 2.0))  # delivered again
    assert out.facts == [] and state.to_dict() == before


def test_a_stock_photo_keeps_its_earliest_users_and_says_since_when() -> None:
    state = ImageState.create(PHASH)
    for n in range(MAX_SELLERS_PER_IMAGE + 1):
        process_image(state, _fact(n, f"s{n:03d}", 100.0 + n))
    assert state.stock_since == 100.0 + MAX_SELLERS_PER_IMAGE
    late = process_image(state, _fact(900, "late", 1000.0))
    assert late.facts == [] and "late" not in state.sellers
    early = process_image(state, _fact(901, "early", 1.0))
    assert "early" in state.sellers and len(state.sellers) == MAX_SELLERS_PER_IMAGE + 1
    assert early.facts and early.facts[0].stock_since == 100.0 + MAX_SELLERS_PER_IMAGE - 1


def test_the_state_round_trips_through_a_dict() -> None:
    state = ImageState.create(PHASH)
    process_image(state, _fact(1, "s1", 1.0, flagged=True))
    process_image(state, _fact(2, "s2", 2.0))
    again = ImageState.from_dict(state.to_dict())
    assert again.to_dict() == state.to_dict()
    assert process_image(again, _fact(2, "s2", 2.0)).facts == []


def test_a_state_stored_with_de_duplication_ids_still_reads() -> None:
    state = ImageState.create(PHASH)
    process_image(state, _fact(1, "s1", 1.0, flagged=True))
    stored = {**state.to_dict(), "dedup": {"seen": {"f1": 1.0}, "newest": 1.0}}
    assert ImageState.from_dict(stored).to_dict() == state.to_dict()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["s1", "s2", "s3"]), st.integers(0, 9).map(float),
                          st.booleans()), max_size=12),
       st.randoms(use_true_random=False))
def test_facts_delivered_again_in_any_order_leave_the_state_as_delivered_once(
        facts: list[tuple[str, float, bool]], rnd: random.Random) -> None:
    once = ImageState.create(PHASH)
    for n, (seller, ts, flagged) in enumerate(facts):
        process_image(once, _fact(n, seller, ts, flagged))
    again = list(enumerate(facts)) * 2
    rnd.shuffle(again)
    twice = ImageState.create(PHASH)
    for n, (seller, ts, flagged) in again:
        process_image(twice, _fact(n, seller, ts, flagged))
    assert twice.to_dict() == once.to_dict()
