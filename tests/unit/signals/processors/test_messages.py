"""Facts between processors: routed by their recipient's key, and serialised losslessly."""

from __future__ import annotations

import orjson
import pytest

from signals.processors.messages import (
    BrandListingFact,
    BrandReportFact,
    EpochMark,
    Fact,
    ImageFact,
    NetworkFact,
    TrainingExample,
    fact_from_dict,
    fact_to_dict,
    route_key,
)

FACTS: list[Fact | EpochMark] = [
    BrandListingFact("f1", "B1", 1.0, "e1", "t1", "S1", "L1", 9.5, "EUR", None, True, 0.8),
    BrandReportFact("f2", "B2", 2.0, "e2", "t2", "S1", "L1", "buyer", "upheld"),
    ImageFact("f3", "00ff00ff00ff00ff", 3.0, "S2", True),
    NetworkFact("f4", "S3", 4.0, "00ff00ff00ff00ff", (("S2", 3.0, 3.0), ("S3", 1.0, None)),
                None),
    TrainingExample("f5", 5.0, "L1", {"counterfeit_vocab": 1.0}, True, 0.9, 4.0),
    EpochMark(2, 17, idle=True),
]


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f.kind)
def test_every_fact_survives_a_trip_through_json(fact: Fact | EpochMark) -> None:
    wire = orjson.dumps(fact_to_dict(fact))
    again = fact_from_dict(orjson.loads(wire))
    assert again == fact and type(again) is type(fact)


def test_kinds_are_distinct_and_name_the_class() -> None:
    kinds = [fact_to_dict(f)["kind"] for f in FACTS]
    assert len(set(kinds)) == len(kinds)
    assert kinds[0] == "brand_listing" and kinds[-1] == "epoch_mark"


def test_each_fact_goes_to_the_processor_that_owns_its_key() -> None:
    assert [route_key(f) for f in FACTS[:5]] == [  # type: ignore[arg-type]
        "B1", "B2", "00ff00ff00ff00ff", "S3", "learner"]


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(KeyError):
        fact_from_dict({"kind": "gossip", "fact_id": "x"})
