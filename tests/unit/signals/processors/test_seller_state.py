"""SellerState: network_counts remembers its answer for the span of cutoffs where it cannot
change, and asked at any cutoffs in any order it must answer what a fresh count answers;
the remembered image hashes keep their list and set alike."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from signals.processors.seller_state import SellerState

SELLERS = ["a", "b", "c", "d"]
times = st.integers(min_value=0, max_value=4).map(float)
members = st.lists(st.tuples(st.sampled_from(SELLERS), times, st.none() | times), max_size=4)
news = st.lists(st.tuples(st.sampled_from(["h1", "h2", "h3"]), members, st.none() | times),
                max_size=5)


def _fresh(news_items: list[tuple[str, list[tuple[str, float, float | None]], float | None]],
           cutoff: float) -> tuple[int, int]:
    state = SellerState.create("a")
    for phash, group, stock in news_items:
        state.merge_network(phash, group, stock)
    return state.network_counts(cutoff)


@settings(max_examples=400, deadline=None)
@given(news, st.lists(st.integers(min_value=-1, max_value=5).map(lambda t: t + 0.5)
                      | st.integers(min_value=-1, max_value=5).map(float), max_size=12),
       st.integers(min_value=0, max_value=5))
def test_remembered_counts_equal_fresh_counts(
        news_items: list[tuple[str, list[tuple[str, float, float | None]], float | None]],
        cutoffs: list[float], merge_after: int) -> None:
    state = SellerState.create("a")
    applied: list[tuple[str, list[tuple[str, float, float | None]], float | None]] = []
    for i, cutoff in enumerate(cutoffs):
        if i == merge_after and news_items:  # news between two questions drops the memory
            applied.append(news_items[-1])
            state.merge_network(*news_items[-1])
        if i == 0:
            applied.extend(news_items[:-1])
            for item in news_items[:-1]:
                state.merge_network(*item)
        assert state.network_counts(cutoff) == _fresh(applied, cutoff), (cutoff, applied)


def test_a_link_flagged_later_is_counted_once_the_cutoff_passes_its_flag() -> None:
    state = SellerState.create("a")
    state.merge_network("h", [("a", 1.0, None), ("b", 2.0, 5.0)], None)
    assert state.network_counts(3.0) == (1, 0)
    assert state.network_counts(4.0) == (1, 0)  # within the remembered span
    assert state.network_counts(6.0) == (1, 1)


def test_an_image_turned_stock_photo_stops_counting_after_it_did() -> None:
    state = SellerState.create("a")
    state.merge_network("h", [("a", 1.0, None), ("b", 2.0, None)], 7.0)
    assert [state.network_counts(t) for t in (2.0, 3.0, 7.0, 8.0, 2.5)] == [
        (0, 0), (1, 0), (1, 0), (0, 0), (1, 0)]


def test_network_counts_follow_every_change() -> None:
    state = SellerState.create("s1")
    assert state.network_counts(100.0) == (0, 0)
    state.merge_network("h1", [("s1", 1.0, None), ("s2", 2.0, None), ("s3", 3.0, 4.0)], None)
    assert state.network_counts(100.0) == (2, 1)
    state.merge_network("h2", [("s1", 5.0, None), ("s4", 6.0, None)], None)
    assert state.network_counts(100.0) == (3, 1)
    assert state.network_counts(5.5) == (2, 1)  # another cutoff is counted afresh
    state.merge_network("h1", [("s2", 1.5, 1.5)], None)  # an earlier use, now flagged
    assert state.network_counts(100.0) == (3, 2)
    assert SellerState.from_dict(state.to_dict()).network_counts(100.0) == (3, 2)


@settings(max_examples=200, deadline=None)
@given(batches=st.lists(st.lists(st.sampled_from([f"h{i}" for i in range(9)]), max_size=4),
                        max_size=12),
       limit=st.integers(min_value=1, max_value=6))
def test_remembered_phashes_keep_list_and_set_alike(batches: list[list[str]], limit: int) -> None:
    state, plain = SellerState.create("s1"), list[str]()
    for batch in batches:
        new = [h for h in dict.fromkeys(batch) if h not in state.known_phashes()]
        state.remember_phashes(new, limit)
        plain = (plain + [h for h in dict.fromkeys(batch) if h not in plain])[-limit:]
        assert state.phashes == plain and state.known_phashes() == set(plain)
    assert SellerState.from_dict(state.to_dict()).known_phashes() == set(plain)


def _with_snapshots() -> SellerState:
    from signals.features.listing import FEATURE_NAMES
    from signals.features.vector import pack
    from signals.processors.seller_state import ListingSnapshot

    state = SellerState.create("a")
    x = {name: float(i) / 7 for i, name in enumerate(FEATURE_NAMES)}
    state.listings["l1"] = ListingSnapshot("l1", 10.0, "b1", pack(x), 0.91, "high", 10.0,
                                           12.0, False, {"high": 1}, {"alert_id": "x"})
    state.listings["l2"] = ListingSnapshot("l2", 11.0, None, pack({}), 0.1)
    return state


def test_snapshots_round_trip_through_json() -> None:
    import orjson

    state = _with_snapshots()
    again = SellerState.from_dict(orjson.loads(orjson.dumps(state.to_dict())))
    assert again.listings == state.listings
    assert again.to_dict() == state.to_dict()


def test_a_state_stored_with_snapshot_dicts_still_reads() -> None:
    from signals.processors.fielddict import field_dict

    state = _with_snapshots()
    old = state.to_dict()
    del old["feature_set"]
    old["listings"] = {k: {**field_dict(s), "features": s.feature_dict()}
                       for k, s in state.listings.items()}
    assert SellerState.from_dict(old).listings == state.listings
