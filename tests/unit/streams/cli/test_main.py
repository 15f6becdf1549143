"""The command line's conventions: help for every option, choices listed, --version,
every setting in ``worker --help``, and one-line errors with the documented exit codes."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import streams
from signals.evaluation.simulator import SCENARIOS
from streams.cli.main import main
from streams.cli.parser import DESCRIPTION, build_parser
from streams.worker.monitoring.build_info import running_build
from streams.worker.monitoring.version import package_version
from streams.worker.settings import ENV_VARS, HELP

ROOT = Path(__file__).resolve().parents[4]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``brandguard ARGS`` as a user runs it: a new process, importing the build this
    test imports (the checkout, or the installed wheel in make test's compiled pass)."""
    installed_at = Path(streams.__file__).resolve().parents[1]
    full_env = {**os.environ, "PYTHONPATH": str(installed_at), **(env or {})}
    return subprocess.run([sys.executable, "-m", "streams.cli.main", *args], cwd=ROOT,
                          env=full_env, capture_output=True, text=True, timeout=120,
                          check=False)


def _one_line_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


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


def test_version_names_the_package_and_the_running_build() -> None:
    result = _run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"brandguard {package_version()};")
    assert running_build().describe() in result.stdout


def test_worker_help_lists_every_setting(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["worker", "--help"]) == 0
    out = capsys.readouterr().out
    listed = re.findall(r"^  (BRANDGUARD_\w+) \(default: ", out, re.MULTILINE)
    assert sorted(listed) == sorted(ENV_VARS)
    assert all(HELP[name] in out for name in ENV_VARS.values())


def test_every_variable_the_settings_module_names_is_a_setting() -> None:
    """A BRANDGUARD_* name written anywhere in streams/ is one the worker reads
    (so it is in ENV_VARS, hence in worker --help and docs/operations.md)."""
    named: set[str] = set()
    for path in (ROOT / "streams").rglob("*.py"):
        named |= set(re.findall(r"\bBRANDGUARD_[A-Z_]*[A-Z]\b", path.read_text()))
    prefixes = {name for name in named if name.endswith("_TOPIC")}  # f"BRANDGUARD_TOPIC_{...}"
    build_time = {"BRANDGUARD_PURE"}  # read by setup.py when a wheel is built, not by the worker
    assert named - prefixes - build_time - set(ENV_VARS) == set()
    assert set(HELP) == set(ENV_VARS.values())


def test_replay_of_a_missing_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    line = _one_line_error(_run("replay", str(tmp_path / "missing.jsonl"), "--alerts",
                                str(tmp_path / "a"), "--deadletter", str(tmp_path / "d")), 2)
    assert line.startswith("brandguard replay: error: ") and "missing.jsonl" in line


def test_an_input_that_is_a_folder_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["produce", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_an_output_that_cannot_be_written_is_one_line_and_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = tmp_path / "events.jsonl"
    events.write_bytes(b"")
    code = main(["replay", str(events), "--quiet", "--alerts", str(tmp_path / "no" / "a.jsonl"),
                 "--deadletter", str(tmp_path / "d.jsonl")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot open" in err and "a.jsonl" in err


def test_missing_arguments_are_one_line_and_exit_2() -> None:
    line = _one_line_error(_run("replay"), 2)
    assert "--alerts" in line and "brandguard replay --help" in line
    assert "COMMAND" in _one_line_error(_run(), 2)


def test_a_bad_setting_is_one_line_and_exit_2() -> None:
    line = _one_line_error(_run("topics", "create", "--dry-run",
                                env={"BRANDGUARD_PARTITIONS": "eight"}), 2)
    assert "BRANDGUARD_PARTITIONS must be an integer" in line
    line = _one_line_error(_run("topics", "create", "--dry-run",
                                env={"BRANDGUARD_LOG_FORMAT": "xml"}), 2)
    assert "BRANDGUARD_LOG_FORMAT must be one of text, json" in line


def test_an_unreachable_cluster_is_one_line_and_exit_1() -> None:
    line = _one_line_error(_run("topics", "create", "--bootstrap", "127.0.0.1:1",
                                "--timeout", "2"), 1)
    assert line.startswith("brandguard topics: error: Kafka at 127.0.0.1:1")


def test_topics_dry_run_lists_every_topic_with_its_policy(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    assert main(["topics", "create", "--dry-run", "--partitions", "3"]) == 0
    rows = {line.split()[2]: line.split() for line in capsys.readouterr().out.splitlines()}
    assert rows["marketplace.brands"][1:] == ["contract", "marketplace.brands", "partitions=3",
                                              "replicas=1", "cleanup.policy=compact"]
    assert rows["marketplace.listings"][-1] == "cleanup.policy=delete"
    assert rows["brandguard-model"][1:4] == ["internal", "brandguard-model", "partitions=1"]
    assert {row[0] for row in rows.values()} == {"planned"}
