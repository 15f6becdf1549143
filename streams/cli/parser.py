"""The ``brandguard`` argument parser: every command, option, choice and help text.

Nothing here imports a command's module: each is imported only when it runs,
so ``brandguard --help`` stays instant and nothing heavy (Faust, Kafka
clients) loads for a command that does not need it. Choices that live in
``signals`` (simulator scenarios) are read only when shown or checked.
"""

from __future__ import annotations

import argparse
import importlib
import textwrap
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from streams.cli.options import (
    EXIT_STATUS,
    LazyChoices,
    VersionAction,
    input_file,
    non_negative_float,
    positive_float,
    positive_int,
)
from streams.worker.settings import env_reference

__all__ = ["DESCRIPTION", "Parser", "build_parser"]

DESCRIPTION = ("brandguard finds counterfeit and copycat listings, and the sellers behind them, "
               "in a marketplace's Kafka event streams as they happen; it also simulates, "
               "replays and scores event files offline.")
_EXAMPLES = """\
examples:
  brandguard simulate --out events.jsonl --truth truth.json
  brandguard replay events.jsonl --alerts alerts.jsonl --deadletter dead.jsonl
  brandguard evaluate --events events.jsonl --truth truth.json
  brandguard topics create --bootstrap kafka:9092
  brandguard worker          (settings: brandguard worker --help)
"""
if TYPE_CHECKING:
    Sub = argparse._SubParsersAction["Parser"]


class Parser(argparse.ArgumentParser):
    """Usage errors in one line, exit code 2 (argparse prints the usage block too)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _handler(module: str, function: str = "run_cli") -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        target = getattr(importlib.import_module(module), function)
        return int(target(args) or 0)

    return run


def _scenarios() -> Iterator[str]:
    from signals.evaluation.simulator import SCENARIOS

    return iter(sorted(SCENARIOS))


def _add(sub: Sub, name: str, summary: str, description: str = "", **kw: Any) -> Parser:
    parser = sub.add_parser(name, help=summary, description=description or summary,
                                    epilog=EXIT_STATUS, **kw)
    parser.set_defaults(func=_handler(f"streams.cli.{name}"))
    return parser


def _add_kafka(sub: Sub) -> None:
    p = _add(sub, "kafka", "run a local single-node Kafka broker (KRaft) for development",
             "Start, stop or check a single-node Kafka broker (KRaft) run from the Apache "
             "jars, for development and tests. `start` prints bootstrap=HOST:PORT.")
    p.add_argument("action", choices=["start", "stop", "status"], help="what to do")
    p.add_argument("--dir", default=None, metavar="DIR",
                   help="state folder of the broker (default: .run/kafka in the checkout)")
    p.add_argument("--version", "--kafka-version", dest="version", default=None,
                   metavar="X.Y.Z", help="Kafka version to start (default: the pinned one)")


def _add_simulate(sub: Sub) -> None:
    p = _add(sub, "simulate", "generate a synthetic marketplace event stream",
             "Write a synthetic marketplace event file (JSON Lines) with its ground truth: "
             "honest sellers, counterfeiters, copycats and incidents, plus some broken and "
             "duplicate records. Equal options give byte-identical files.")
    p.add_argument("--seed", type=int, default=1, help="random seed (default: %(default)s)")
    p.add_argument("--days", type=positive_float, default=7.0,
                   help="days of event time to generate (default: %(default)s)")
    p.add_argument("--out", required=True, metavar="FILE", help="event file to write")
    p.add_argument("--truth", default=None, metavar="FILE",
                   help="also write the ground truth (JSON) here, for `brandguard evaluate`")
    p.add_argument("--scenario", default="mixed", choices=LazyChoices(_scenarios), metavar="NAME",
                   help="population and incidents to simulate: %(choices)s "
                        "(default: %(default)s)")
    p.add_argument("--scale", type=positive_float, default=1.0,
                   help="multiplies the number of sellers (default: %(default)s)")


def _add_produce(sub: Sub) -> None:
    p = _add(sub, "produce", "produce a JSON Lines event file to Kafka",
             "Send each line of an event file to the input topic of its schema, keyed as "
             "CONTRACT.md says; lines that are not valid records go to the listings topic "
             "for the worker to dead-letter.")
    p.add_argument("events", type=input_file, metavar="EVENTS", help="JSON Lines event file")
    p.add_argument("--bootstrap", default=None, metavar="HOST:PORT",
                   help="Kafka bootstrap servers (default: BRANDGUARD_KAFKA_BOOTSTRAP, else "
                        "127.0.0.1:9092)")
    p.add_argument("--rate", type=non_negative_float, default=0.0,
                   help="events per second, 0 = as fast as possible (default: %(default)s)")
    p.add_argument("--quiet", action="store_true", help="no progress line")


def _settings_epilog() -> str:
    lines = ["environment (every setting the worker reads; an empty value counts as unset;",
             "docs/operations.md says more):"]
    for var, default, text in env_reference():
        lines.append(f"  {var} (default: {default})")
        lines.append(f"      {text}")
    return "\n".join(lines) + "\n\n" + textwrap.fill(EXIT_STATUS, 79)


def _add_worker(sub: Sub) -> None:
    p = sub.add_parser(
        "worker", help="run the Faust stream worker", epilog=_settings_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=textwrap.fill(
            "Run the stream worker until stopped: create missing topics, recover state, "
            "score listings, sellers and brands, and publish alerts and dead letters. "
            "Serves /metrics, /healthz, /readyz and the state endpoints. Configured by the "
            "environment variables below.", 79))
    p.set_defaults(func=_handler("streams.cli.worker"))
    p.add_argument("--loglevel", default=None, type=str.lower,
                   choices=["debug", "info", "warning", "error", "critical"],
                   help="log level; overrides BRANDGUARD_LOG_LEVEL")


def _add_replay(sub: Sub) -> None:
    p = _add(sub, "replay", "process an event file offline",
             "Run the whole topology over an event file, as the worker would, and write "
             "the alerts and dead letters it produces. The output is deterministic.")
    p.add_argument("events", type=input_file, metavar="EVENTS", help="JSON Lines event file")
    p.add_argument("--alerts", required=True, metavar="FILE",
                   help="write alert.v1 records (JSON Lines) here")
    p.add_argument("--deadletter", required=True, metavar="FILE",
                   help="write deadletter.v1 records (JSON Lines) here")
    p.add_argument("--state", default=None, metavar="FILE",
                   help="also write the final state as JSON here")
    _add_governance_inputs(p, "a challenger scoring in shadow")
    p.add_argument("--quiet", action="store_true", help="no progress line")


def _add_governance_inputs(p: Parser, challenger: str) -> None:
    p.add_argument("--challenger", default=None, metavar="SPEC",
                   help=f"{challenger}, name:key=value,... (as BRANDGUARD_CHALLENGER)")
    p.add_argument("--controls", default=None, type=input_file, metavar="FILE",
                   help="promotion/rollback records, JSON Lines "
                        "(`brandguard model history --json`)")


def _add_evaluate(sub: Sub) -> None:
    p = _add(sub, "evaluate", "replay and score detection against ground truth",
             "Score alerts against the simulator's ground truth: recall, precision, "
             "detection delay, incidents. Without --alerts, replays the events first.")
    p.add_argument("--events", required=True, type=input_file, metavar="FILE",
                   help="the simulated event file")
    p.add_argument("--truth", required=True, type=input_file, metavar="FILE",
                   help="its ground truth (`brandguard simulate --truth`)")
    p.add_argument("--alerts", default=None, type=input_file, metavar="FILE",
                   help="score these alerts (JSON Lines) instead of replaying")
    p.add_argument("--json", default=None, metavar="FILE",
                   help="also write the figures as JSON here")
    _add_governance_inputs(p, "compare a challenger model with the champion")
    p.add_argument("--by", action="append", choices=["category", "brand", "cohort"],
                   help="detection figures per segment (repeatable)")


def _add_run(sub: Sub) -> None:
    p = _add(sub, "run", "broker + worker + simulator with a live status line",
             "Start a local broker (or use the running one), a worker and the simulator "
             "producing at a steady rate; print each alert and a status line until Ctrl-C.")
    p.add_argument("--seed", type=int, default=1, help="simulator seed (default: %(default)s)")
    p.add_argument("--days", type=positive_float, default=7.0,
                   help="days of event time to simulate (default: %(default)s)")
    p.add_argument("--rate", type=positive_float, default=500.0,
                   help="events per second to produce (default: %(default)s)")


def _add_topics(sub: Sub) -> None:
    p = _add(sub, "topics", "create the contract's and brandguard's topics on a cluster",
             "Create every topic brandguard needs that is missing, with its partition count "
             "and cleanup policy (the brand registry, model and tables compacted), and check "
             "the ones that exist. Safe to run again. Settings come from the BRANDGUARD_* "
             "variables (see `brandguard worker --help`); options override them.")
    p.add_argument("action", choices=["create"], help="what to do")
    p.add_argument("--bootstrap", default=None, metavar="HOST:PORT",
                   help="Kafka bootstrap servers (default: BRANDGUARD_KAFKA_BOOTSTRAP)")
    p.add_argument("--partitions", type=positive_int, default=None, metavar="N",
                   help="partitions of the input, output and internal topics "
                        "(default: BRANDGUARD_PARTITIONS)")
    p.add_argument("--replication-factor", type=int, default=None, metavar="N",
                   help="replicas of each topic, -1 = the cluster's default.replication.factor"
                        " (default: BRANDGUARD_REPLICATION_FACTOR)")
    p.add_argument("--timeout", type=positive_float, default=30.0, metavar="SECONDS",
                   help="how long to wait for the cluster (default: %(default)s)")
    p.add_argument("--dry-run", action="store_true",
                   help="only print the topics and their settings; connect to nothing")


def _add_model(sub: Sub) -> None:
    p = _add(sub, "model", "model registry, promotion and rollback (real Kafka)",
             "Read the deployment's model registry and governance topics, compare "
             "versions, promote a challenger or roll back (audited records), or write the "
             "model card.")
    p.add_argument("action", choices=["list", "show", "diff", "promote", "rollback", "history",
                                      "card"], help="what to do")
    p.add_argument("versions", nargs="*", help="show V | diff V1 V2 | promote V")
    p.add_argument("--bootstrap", default=None, metavar="HOST:PORT",
                   help="Kafka bootstrap servers (default: BRANDGUARD_KAFKA_BOOTSTRAP)")
    p.add_argument("--app-id", default=None, help="deployment (default: BRANDGUARD_APP_ID)")
    p.add_argument("--who", default=None, help="who decides (default: BRANDGUARD_OPERATOR)")
    p.add_argument("--why", default=None, help="the reason, kept in the audit record")
    p.add_argument("--effective-at", default=None, metavar="TIME",
                   help="RFC 3339 event time of the switch (default: see --margin)")
    p.add_argument("--margin", type=int, default=2,
                   help="epochs ahead of the stream's newest listing (default: %(default)s)")
    p.add_argument("--json", action="store_true", help="records as JSON lines")
    p.add_argument("--events", default=None, metavar="FILE",
                   help="card: the event file to evaluate on")
    p.add_argument("--truth", default=None, metavar="FILE", help="card: its ground truth")
    p.add_argument("--challenger", default=None, metavar="SPEC",
                   help="card: a challenger to compare")
    p.add_argument("--from-broker", action="store_true",
                   help="card: take the registry records from the deployment's topic")
    p.add_argument("--out", default=None, metavar="FILE",
                   help="card: where to write (docs/model.md)")


def build_parser() -> Parser:
    parser = Parser(prog="brandguard", description=textwrap.fill(DESCRIPTION, 79),
                    epilog=_EXAMPLES + "\n" + textwrap.fill(EXIT_STATUS, 79),
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action=VersionAction,
                        help="print the version and which build (plain Python or compiled) runs")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                title="commands")
    adders: Sequence[Callable[[Sub], None]] = (
        _add_simulate, _add_replay, _add_evaluate, _add_worker, _add_topics, _add_produce,
        _add_kafka, _add_run, _add_model)
    for add in adders:
        add(sub)
    return parser
