"""Does the learned model beat the rule prior? Per scenario and seed, two ways.

* **Against the labels**: the progressive (predict-then-learn) ROC AUC of the
  prior, the learned model and the blend as served, on the report decisions
  the learner was given (what ``brandguard evaluate`` prints). The labels are
  noisy, so this has a ceiling: the AUC of the listings' ground truth against
  them (printed too).
* **Against the ground truth**: the ROC AUC, against the simulator's truth, of
  the three scores each branded listing got when it was created, for listings
  created after ``--after`` days (by then the learner has had labels; before
  that every score is the prior's).

Each run simulates and replays in this process, from an empty state, with the
default model (the same code as ``brandguard replay``). Tuning looks at seeds
1-3 only; docs/detection.md reports seeds 4-8.

Run: ``PYTHONPATH=. .venv/bin/python scripts/model_vs_prior.py --seeds 4-8
[--scenarios other_market,mixed] [--days 7] [--jobs 2]``
"""

from __future__ import annotations

import argparse
import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from signals.evaluation.simulator import SCENARIOS, scenario_config, simulate
from signals.governance.observation import ScoredListing
from signals.model.online import RiskModel
from signals.model.prior import rule_prior
from signals.model.score import ModelScore
from signals.pipeline import PipelineState
from signals.replay import replay_lines

_SCORERS = ("prior", "learned", "served")


class _Remembering(RiskModel):
    """The default model, remembering its last score: the pipeline observes each scored
    listing right after scoring it, so the observation and the score pair up."""

    last: ModelScore | None = None

    def score_one(self, x: Mapping[str, float]) -> ModelScore:
        score = super().score_one(x)
        self.last = score
        return score


def roc_auc(labels: Sequence[bool], scores: Sequence[float]) -> float | None:
    """Probability that a random positive outscores a random negative (ties: half).

    >>> roc_auc([True, False, True, False], [0.9, 0.1, 0.4, 0.4])
    0.875
    >>> roc_auc([True], [0.5]) is None
    True
    """
    negatives = sorted(s for y, s in zip(labels, scores, strict=True) if not y)
    positives = [s for y, s in zip(labels, scores, strict=True) if y]
    if not negatives or not positives:
        return None
    wins = sum(bisect_left(negatives, s) + 0.5 * (bisect_right(negatives, s)
                                                  - bisect_left(negatives, s))
               for s in positives)
    return wins / (len(positives) * len(negatives))


def run_one(scenario: str, seed: int, days: float, after: float) -> dict[str, Any]:
    """Label and ground-truth AUCs of one simulated run (plain JSON)."""
    config = scenario_config(scenario, seed=seed, days=days, scale=1.0)
    sim = simulate(config)
    model = _Remembering(rule_prior)
    state = PipelineState(observe=True)
    state.learner.model = model
    #: (listing id, time, (prior, learned, served)) of every listing at creation
    scored: list[tuple[str, float, tuple[float, float, float]]] = []

    def on_scored(seen: ScoredListing) -> None:
        last = model.last
        if seen.event.action == "created" and last is not None:
            learned = last.prior if last.learned is None else last.learned
            scored.append((seen.event.listing_id, seen.event.ts,
                           (last.prior, learned, seen.probability)))

    summary, _ = replay_lines(sim.lines, "sim", lambda: 0.0, lambda a: None, lambda d: None,
                              state=state, on_scored=on_scored)
    truth = sim.truth["listings"]
    since = config.start_ms / 1000.0 + after * 86_400.0
    kept = [row for row in scored if row[1] >= since and truth[row[0]]["brand_id"]]
    infringing = [bool(truth[row[0]]["infringing"]) for row in kept]
    metrics = summary.model_metrics
    return {"scenario": scenario, "seed": seed, "labels": metrics["labels_seen"],
            "trust": model.trust(),
            "label_auc": {name: metrics[f"{name}_roc_auc"] for name in _SCORERS},
            "truth_auc": {name: roc_auc(infringing, [row[2][i] for row in kept])
                          for i, name in enumerate(_SCORERS)},
            "listings": len(kept)}


def _spread(values: list[float]) -> str:
    return f"{statistics.mean(values):+.4f} ({min(values):+.3f} to {max(values):+.3f})"


def _summary(scenario: str, runs: list[dict[str, Any]]) -> str:
    def gains(kind: str, name: str) -> list[float]:
        return [r[kind][name] - r[kind]["prior"] for r in runs]
    def mean(kind: str, name: str) -> str:
        return f"{statistics.mean(r[kind][name] for r in runs):.3f}"
    labels = " / ".join(mean("label_auc", n) for n in _SCORERS)
    truth = " / ".join(mean("truth_auc", n) for n in _SCORERS)
    ahead = sum(1 for g in gains("label_auc", "learned") if g > 0)
    return (f"| {scenario} | {labels} | {_spread(gains('label_auc', 'learned'))} | "
            f"{_spread(gains('label_auc', 'served'))} | {ahead}/{len(runs)} | {truth} | "
            f"{_spread(gains('truth_auc', 'learned'))} | {_spread(gains('truth_auc', 'served'))} "
            f"| {statistics.mean(r['trust'] for r in runs):.2f} |")


HEADER = ("| scenario | label AUC prior / learned / served | learned − prior | served − prior "
          "| learned ahead | truth AUC prior / learned / served | learned − prior | "
          "served − prior | final trust |\n|" + "---|" * 9)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", default=",".join(sorted(SCENARIOS)))
    parser.add_argument("--seeds", default="4-8")
    parser.add_argument("--days", type=float, default=7.0)
    parser.add_argument("--after", type=float, default=3.5)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    low, _, high = args.seeds.partition("-")
    seeds = range(int(low), int(high or low) + 1)
    scenarios = args.scenarios.split(",")
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = {(s, seed): pool.submit(run_one, s, seed, args.days, args.after)
                   for s in scenarios for seed in seeds}
        results = {key: future.result() for key, future in futures.items()}
    for (scenario, seed), r in results.items():
        print(scenario, seed, r["labels"], "labels",
              *(f"{r['label_auc'][n]:.4f}" for n in _SCORERS),
              "truth", *(f"{r['truth_auc'][n]:.4f}" for n in _SCORERS), f"trust {r['trust']:.2f}")
    print(HEADER)
    for scenario in scenarios:
        print(_summary(scenario, [results[(scenario, seed)] for seed in seeds]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
