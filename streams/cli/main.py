"""``brandguard`` command line: one subcommand per job, each importing its
module only when run, so ``brandguard --help`` stays instant and nothing heavy
(Faust, Kafka clients) loads for a command that does not need it."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

__all__ = ["build_parser", "main"]


def _handler(module: str, function: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        target = getattr(importlib.import_module(module), function)
        return int(target(args) or 0)

    return run


def _add_kafka(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("kafka", help="run a local single-node Kafka broker (KRaft)")
    p.add_argument("action", choices=["start", "stop", "status"])
    p.add_argument("--dir", default=None, help="state folder (default: .run/kafka)")
    p.add_argument("--version", default=None, help="Kafka version (default: pinned)")
    p.set_defaults(func=_handler("streams.cli.kafka", "run_cli"))


def _add_simulate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("simulate", help="generate a synthetic marketplace event stream")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--days", type=float, default=7.0)
    p.add_argument("--out", required=True)
    p.add_argument("--truth", default=None)
    p.add_argument("--scenario", default="mixed")
    p.add_argument("--scale", type=float, default=1.0, help="multiplies the number of sellers")
    p.set_defaults(func=_handler("streams.cli.simulate", "run_cli"))


def _add_produce(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("produce", help="produce a JSON Lines event file to Kafka")
    p.add_argument("events")
    p.add_argument("--bootstrap", default=None)
    p.add_argument("--rate", type=float, default=0.0, help="events/s, 0 = as fast as possible")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=_handler("streams.cli.produce", "run_cli"))


def _add_worker(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("worker", help="run the Faust stream worker")
    p.add_argument("--loglevel", default="warning")
    p.set_defaults(func=_handler("streams.cli.worker", "run_cli"))


def _add_replay(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("replay", help="process an event file offline")
    p.add_argument("events")
    p.add_argument("--alerts", required=True)
    p.add_argument("--deadletter", required=True)
    p.add_argument("--state", default=None, help="write the final state as JSON here")
    p.add_argument("--challenger", default=None,
                   help="a challenger scoring in shadow, name:key=value,... (as the worker's "
                        "BRANDGUARD_CHALLENGER)")
    p.add_argument("--controls", default=None,
                   help="promotion/rollback records, JSON Lines (brandguard model history --json)")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=_handler("streams.cli.replay", "run_cli"))


def _add_evaluate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("evaluate", help="replay and score detection against ground truth")
    p.add_argument("--events", required=True)
    p.add_argument("--truth", required=True)
    p.add_argument("--alerts", default=None, help="score these alerts instead of replaying")
    p.add_argument("--json", default=None, help="also write the figures as JSON here")
    p.add_argument("--challenger", default=None,
                   help="compare a challenger model (name:key=value,...) with the champion")
    p.add_argument("--controls", default=None,
                   help="promotion/rollback records, JSON Lines (brandguard model history --json)")
    p.add_argument("--by", action="append", choices=["category", "brand", "cohort"],
                   help="detection figures per segment (repeatable)")
    p.set_defaults(func=_handler("streams.cli.evaluate", "run_cli"))


def _add_run(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("run", help="broker + worker + simulator with a live status line")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--days", type=float, default=7.0)
    p.add_argument("--rate", type=float, default=500.0)
    p.set_defaults(func=_handler("streams.cli.run", "run_cli"))


def _add_model(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("model", help="model registry, promotion and rollback (real Kafka)")
    p.add_argument("action", choices=["list", "show", "diff", "promote", "rollback", "history",
                                      "card"])
    p.add_argument("versions", nargs="*", help="show V | diff V1 V2 | promote V")
    p.add_argument("--bootstrap", default=None)
    p.add_argument("--app-id", default=None, help="deployment (default: BRANDGUARD_APP_ID)")
    p.add_argument("--who", default=None, help="who decides (default: BRANDGUARD_OPERATOR)")
    p.add_argument("--why", default=None, help="the reason, kept in the audit record")
    p.add_argument("--effective-at", default=None, help="RFC 3339 event time of the switch")
    p.add_argument("--margin", type=int, default=2, help="epochs ahead of the stream")
    p.add_argument("--json", action="store_true", help="records as JSON lines")
    p.add_argument("--events", default=None, help="card: the event file to evaluate on")
    p.add_argument("--truth", default=None, help="card: its ground truth")
    p.add_argument("--challenger", default=None, help="card: a challenger to compare")
    p.add_argument("--from-broker", action="store_true",
                   help="card: take the registry records from the deployment's topic")
    p.add_argument("--out", default=None, help="card: where to write (docs/model.md)")
    p.set_defaults(func=_handler("streams.cli.model", "run_cli"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="brandguard", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (_add_kafka, _add_simulate, _add_produce, _add_worker, _add_replay,
                _add_evaluate, _add_run, _add_model):
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
