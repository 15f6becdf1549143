"""The entry point: --version, settings named in ``worker --help``, and expected failures
ending in one line with the documented exit code, bugs keeping their traceback."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from signals.errors import ConfigError
from streams.cli import main as cli_main
from streams.cli.main import main
from streams.worker.monitoring.build_info import running_build
from streams.worker.monitoring.version import package_version
from streams.worker.settings import ENV_VARS, HELP
from tests.unit.streams.cli.cli_run import ROOT, one_line_error, run


def _parser_running(func: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="brandguard")
    parser.set_defaults(func=func, command="probe")
    return parser


def test_version_names_the_package_and_the_running_build() -> None:
    result = run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"brandguard {package_version()};")
    assert running_build().describe() in result.stdout


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


def test_an_output_that_cannot_be_written_is_one_line_and_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = tmp_path / "events.jsonl"
    events.write_bytes(b"")
    code = main(["replay", str(events), "--quiet", "--alerts", str(tmp_path / "no" / "a.jsonl"),
                 "--deadletter", str(tmp_path / "d.jsonl")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot open" in err and "a.jsonl" in err


def test_a_bad_setting_is_one_line_and_exit_2() -> None:
    line = one_line_error(run("topics", "create", "--dry-run",
                                env={"BRANDGUARD_PARTITIONS": "eight"}), 2)
    assert "BRANDGUARD_PARTITIONS must be an integer" in line
    line = one_line_error(run("topics", "create", "--dry-run",
                                env={"BRANDGUARD_LOG_FORMAT": "xml"}), 2)
    assert "BRANDGUARD_LOG_FORMAT must be one of text, json" in line


def test_ctrl_c_is_exit_130_and_a_command_s_own_code_is_returned(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(args: argparse.Namespace) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_main, "build_parser", lambda: _parser_running(interrupted))
    assert main([]) == 130
    monkeypatch.setattr(cli_main, "build_parser", lambda: _parser_running(lambda args: 3))
    assert main([]) == 3


def test_an_expected_failure_names_the_command_and_a_bug_keeps_its_traceback(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def misconfigured(args: argparse.Namespace) -> int:
        raise ConfigError("BRANDGUARD_X is wrong")

    def buggy(args: argparse.Namespace) -> int:
        raise KeyError("bug")

    monkeypatch.setattr(cli_main, "build_parser", lambda: _parser_running(misconfigured))
    assert main([]) == 2
    assert capsys.readouterr().err == "brandguard probe: error: BRANDGUARD_X is wrong\n"
    monkeypatch.setattr(cli_main, "build_parser", lambda: _parser_running(buggy))
    with pytest.raises(KeyError, match="bug"):
        main([])
