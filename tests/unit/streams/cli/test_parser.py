"""The argument parser: help for every option, choices listed, every setting in
``worker --help``, usage errors in one line, and each command run by its own module."""

from __future__ import annotations

import argparse
import importlib
import re
import sys

import pytest

from signals.evaluation.simulator import SCENARIOS
from streams.cli.main import main
from streams.cli.parser import DESCRIPTION, Parser, build_parser
from streams.worker.settings import ENV_VARS, HELP
from tests.unit.streams.cli.cli_run import one_line_error, run


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_help_opens_with_what_brandguard_does(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    paragraphs = out.split("\n\n")
    assert paragraphs[0].startswith("usage: brandguard")
    assert " ".join(paragraphs[1].split()) == DESCRIPTION
    for command in _subparsers():
        assert re.search(rf"^\s+{command}\s+\S", out, re.MULTILINE), command


def test_every_option_of_every_command_has_help() -> None:
    missing = [f"{name} {action.dest}" for name, sub in _subparsers().items()
               for action in sub._actions if not action.help]
    assert missing == []


def test_scenario_choices_are_the_simulator_s(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert ", ".join(sorted(SCENARIOS)) in help_text
    assert main(["simulate", "--out", "x.jsonl", "--scenario", "no-such-scenario"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and all(name in err for name in SCENARIOS)


def test_worker_help_lists_every_setting(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["worker", "--help"]) == 0
    out = capsys.readouterr().out
    listed = re.findall(r"^  (BRANDGUARD_\w+) \(default: ", out, re.MULTILINE)
    assert sorted(listed) == sorted(ENV_VARS)
    assert all(HELP[name] in out for name in ENV_VARS.values())


def test_missing_arguments_are_one_line_and_exit_2() -> None:
    line = one_line_error(run("replay"), 2)
    assert "--alerts" in line and "brandguard replay --help" in line
    assert "COMMAND" in one_line_error(run(), 2)


def test_every_command_runs_the_run_cli_of_its_own_module() -> None:
    for name, sub in _subparsers().items():
        module = importlib.import_module(f"streams.cli.{name}")
        assert callable(module.run_cli), name
        assert sub.get_default("func") is not None, name


def test_building_the_parser_imports_no_command_and_no_scenario(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m.startswith("streams.cli.") and
                 m not in ("streams.cli.parser", "streams.cli.options", "streams.cli.main",
                           "streams.cli.errors")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delitem(sys.modules, "signals.evaluation.simulator", raising=False)
    build_parser().parse_args(["topics", "create", "--dry-run"])
    assert not [m for m in sys.modules if m.startswith("streams.cli.topics")]
    assert "signals.evaluation.simulator" not in sys.modules


def test_options_are_parsed_into_their_types() -> None:
    args = build_parser().parse_args(["simulate", "--out", "x", "--days", "2.5",
                                      "--scenario", "mixed"])
    assert (args.days, args.seed, args.scale, args.truth) == (2.5, 1, 1.0, None)
    args = build_parser().parse_args(["worker", "--loglevel", "DEBUG"])
    assert args.loglevel == "debug" and args.command == "worker"


def test_a_usage_error_is_one_line_naming_the_help_to_read(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        Parser(prog="brandguard x").error("bad thing")
    assert done.value.code == 2
    assert capsys.readouterr().err == (
        "brandguard x: error: bad thing (see 'brandguard x --help')\n")
    assert main(["simulate", "--out", "x", "--days", "-1"]) == 2
    assert "a positive number expected, got '-1'" in capsys.readouterr().err
