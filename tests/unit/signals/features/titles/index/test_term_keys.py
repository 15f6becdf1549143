"""Term keys: looking up the ids filed under a set of probe keys."""

from __future__ import annotations

from signals.features.titles.index.term_keys import hits


def test_hits_gathers_every_id_filed_under_any_probe() -> None:
    table = {"ab": (1,), "ac": (2, 3), "bd": (4,)}
    assert hits(table, ("ac", "ab", "zz")) == {1, 2, 3}  # probes are distinct keys, a tuple
    assert hits(table, ("zz",)) == set()
