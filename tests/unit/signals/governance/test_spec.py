from __future__ import annotations

import pytest

from signals.governance.spec import SpecError, format_spec, parse_spec
from signals.model.online import ModelConfig, RiskModel
from signals.model.prior import rule_prior


def test_a_spec_round_trips_and_changes_only_what_it_names() -> None:
    config = parse_spec("adam1:optimizer=adam,l2=0.01,max_trust=0.5")
    assert (config.optimizer, config.l2, config.max_trust) == ("adam", 0.01, 0.5)
    assert config.learning_rate == ModelConfig().learning_rate  # not named: the default
    assert parse_spec(format_spec(config)) == config


@pytest.mark.parametrize("text", ["", "bad name:l2=1", "x:l2", "x:l2=abc", "x:optimizer=nope",
                                  "x:alert_threshold=2"])
def test_bad_specs_are_refused_with_a_clear_error(text: str) -> None:
    with pytest.raises(SpecError):
        parse_spec(text)


def test_a_challenger_on_a_smaller_feature_set_never_sees_the_dropped_features() -> None:
    model = RiskModel(rule_prior, parse_spec("small:drop=brand_typo,warmup_labels=0"))
    model.learn_one({"brand_typo": 1.0, "price_discount": 0.5}, True)
    model.learn_one({"brand_typo": 0.0, "price_discount": 0.1}, False)
    score = model.score_one({"brand_typo": 1.0, "price_discount": 0.5})
    assert "brand_typo" not in score.contributions and model.version == "small-2"
