"""Feature vectors: the listing features survive packing exactly and in order, states
stored before vectors still read, and a vector is much smaller than the dict it holds."""

from __future__ import annotations

import sys

import pytest

from signals.errors import ProcessingError
from signals.features import vector
from signals.features.listing import FEATURE_NAMES
from signals.features.vector import FEATURE_SET, pack, restore, stored, unpack, value


def _features() -> dict[str, float]:
    return {name: (i % 5) * 0.37 + (1.0 if i % 3 == 0 else 0.0)
            for i, name in enumerate(FEATURE_NAMES)}


def test_unpack_gives_back_the_dict_with_its_order() -> None:
    x = _features()
    assert list(unpack(pack(x)).items()) == list(x.items())


def test_value_reads_one_feature_and_zero_for_an_unknown_name() -> None:
    v = pack(_features())
    assert [value(v, n) for n in FEATURE_NAMES] == list(_features().values())
    assert value(v, "intercept") == 0.0


def test_stored_values_read_back_under_the_current_feature_set() -> None:
    v = pack(_features())
    assert restore(stored(v), FEATURE_SET) == v


def test_a_dict_stored_before_vectors_reads_by_name() -> None:
    old = {"counterfeit_vocab": 2.0, "a_feature_since_dropped": 5.0}
    v = restore(old, "no feature set stored")
    assert value(v, "counterfeit_vocab") == 2.0
    assert sum(v) == 2.0


def test_an_earlier_feature_set_reads_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    earlier = ("counterfeit_vocab", "a_feature_since_dropped")
    monkeypatch.setitem(vector._PREVIOUS, vector.feature_set(earlier), earlier)
    v = restore([3.0, 9.0], vector.feature_set(earlier))
    assert value(v, "counterfeit_vocab") == 3.0 and sum(v) == 3.0


def test_an_unknown_feature_set_is_an_error_not_a_misread() -> None:
    with pytest.raises(ProcessingError, match="unknown feature set"):
        restore([1.0] * len(FEATURE_NAMES), "38:00000000")


def test_changing_the_feature_names_means_registering_the_old_ones() -> None:
    # Sellers in RocksDB and changelogs hold vectors of the names they were written
    # with. Changed FEATURE_NAMES? Add the old tuple to vector._PREVIOUS, then pin anew.
    assert FEATURE_SET == "38:97fa1423", "FEATURE_NAMES changed: see this test's comment"
    assert FEATURE_SET not in vector._PREVIOUS


def test_a_vector_takes_a_fraction_of_the_dict_s_memory() -> None:
    x = _features()
    as_dict = sys.getsizeof(x) + sum(sys.getsizeof(v) for v in x.values())
    assert sys.getsizeof(pack(x)) * 3 < as_dict
