"""Detection figures for every scenario and seed: the README's detection table.

Each run simulates one scenario and seed, replays it from an empty state in
this process (the same code as ``brandguard replay``) and scores the alerts
with :func:`signals.evaluation.detection.evaluate` (as ``brandguard
evaluate``). Tuning looks at seeds 1-3 only; the published table is seeds 4-8.

Run: ``PYTHONPATH=. .venv/bin/python scripts/detection_matrix.py --seeds 4-8
[--scenarios mixed,subtle] [--days 7] [--jobs 2] [--json out.json]``
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import orjson

from signals.contract.alert import encode_alert
from signals.evaluation.detection import evaluate, summarize_events
from signals.evaluation.simulator import SCENARIOS, scenario_config, simulate
from signals.replay import replay_lines

_KINDS = ("blatant_fake", "copycat", "subtle_fake", "stealth_fake")
_TIERS = ("critical", "high", "medium", "low")


def run_one(scenario: str, seed: int, days: float) -> dict[str, Any]:
    """Figures (plain JSON) of one simulated run."""
    sim = simulate(scenario_config(scenario, seed=seed, days=days, scale=1.0))
    alerts: list[dict[str, Any]] = []
    summary, _ = replay_lines(sim.lines, "sim", lambda: 0.0,
                              lambda a: alerts.append(orjson.loads(encode_alert(a))),
                              lambda d: None)
    figures = evaluate(sim.truth, alerts, summarize_events(sim.lines), summary.model_metrics)
    return {"scenario": scenario, "seed": seed, **figures.to_dict()}


def _v(share: dict[str, Any] | None) -> str:
    if not share or share.get("value") is None:
        return "–"
    return f"{share['value']:.3f}"


def _tiers(tiers: dict[str, Any]) -> str:
    return " / ".join(_v(tiers.get(t)) for t in _TIERS)


def _metric(metrics: dict[str, Any] | None, name: str) -> str:
    value = (metrics or {}).get(name)
    return "–" if value is None else f"{value:.3f}"


def row(f: dict[str, Any]) -> str:
    """One markdown table row."""
    recall = f["recall_by_tactic"]
    kinds = " / ".join(_v(recall[k]["recall"]) if k in recall else "–" for k in _KINDS)
    honest = sum(f["honest_sellers_alerted"].values())
    critical = sum(f["honest_sellers_critical"].values())
    seller_crit = _v(f["seller_precision_by_severity"].get("critical"))
    m = f["model_metrics"]
    return (f"| {f['scenario']} | {f['seed']} | {_v(f['proactive_recall'])} | "
            f"{_v(f['listing_precision'])} | {_tiers(f['listing_precision_by_severity'])} | "
            f"{_v(f['seller_precision'])} ({seller_crit}) | "
            f"{_tiers(f['seller_precision_by_severity'])} | "
            f"{_v(f['implicated_sellers_bad'])} | {honest} ({critical}) | {kinds} | "
            f"{_metric(m, 'prior_roc_auc')} / {_metric(m, 'learned_roc_auc')} / "
            f"{_metric(m, 'served_roc_auc')} |")


HEADER = ("| scenario | seed | proactive recall | listing precision | listing precision "
          "critical / high / medium / low | seller precision (critical) | seller precision "
          "critical / high / medium / low | implicated sellers bad | honest sellers alerted "
          "(critical) | recall blatant / copycat / subtle / stealth | AUC prior / learned / "
          "served |\n|" + "---|" * 12)


def _seeds(text: str) -> list[int]:
    low, _, high = text.partition("-")
    return list(range(int(low), int(high or low) + 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", default=",".join(sorted(SCENARIOS)))
    parser.add_argument("--seeds", default="4-8")
    parser.add_argument("--days", type=float, default=7.0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    runs = [(s, seed) for s in args.scenarios.split(",") for seed in _seeds(args.seeds)]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(run_one, s, seed, args.days) for s, seed in runs]
        results = [f.result() for f in futures]
    print(HEADER)
    for result in results:
        print(row(result))
        sys.stdout.flush()
    if args.json:
        args.json.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
