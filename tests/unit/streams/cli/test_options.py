"""Argument types and actions of the commands' options."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

import pytest

from streams.cli.main import main
from streams.cli.options import (
    LazyChoices,
    VersionAction,
    input_file,
    non_negative_float,
    positive_float,
    positive_int,
)
from streams.worker.monitoring.version import version_line
from tests.unit.streams.cli.cli_run import one_line_error, run


def test_replay_of_a_missing_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    line = one_line_error(run("replay", str(tmp_path / "missing.jsonl"), "--alerts",
                                str(tmp_path / "a"), "--deadletter", str(tmp_path / "d")), 2)
    assert line.startswith("brandguard replay: error: ") and "missing.jsonl" in line


def test_an_input_that_is_a_folder_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["produce", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_an_input_file_that_exists_is_its_path(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_bytes(b"")
    assert input_file(str(events)) == events
    with pytest.raises(argparse.ArgumentTypeError, match="no such file"):
        input_file(str(tmp_path / "missing"))
    with pytest.raises(argparse.ArgumentTypeError, match="is a folder"):
        input_file(str(tmp_path))


def test_an_unreadable_input_file_is_named(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.jsonl"
    secret.write_bytes(b"")
    # os.access, not chmod: the tests may run as root, who reads any file
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(argparse.ArgumentTypeError,
                       match=re.escape(f"cannot read {secret}: permission denied")):
        input_file(str(secret))


@pytest.mark.parametrize(("parse", "good", "bad"), [
    (positive_float, {"0.5": 0.5, "3": 3.0}, ["0", "-1", "x", ""]),
    (non_negative_float, {"0": 0.0, "2.5": 2.5}, ["-0.1", "nan?"]),
    (positive_int, {"1": 1, "8": 8}, ["0", "-3", "1.5", "eight"]),
])
def test_numbers_are_checked_and_refused_with_what_was_expected(
        parse: object, good: dict[str, float], bad: list[str]) -> None:
    assert callable(parse)
    assert {text: parse(text) for text in good} == good
    for text in bad:
        with pytest.raises(argparse.ArgumentTypeError, match=re.escape(f"expected, got {text!r}")):
            parse(text)


def test_lazy_choices_load_once_and_only_when_asked() -> None:
    loads: list[int] = []

    def load() -> list[str]:
        loads.append(1)
        return ["a", "b"]

    choices = LazyChoices(load)
    assert loads == []
    assert "b" in choices and "z" not in choices and list(choices) == ["a", "b"]
    assert loads == [1]


def test_the_version_action_prints_the_version_line_and_exits_0(
        capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--version", action=VersionAction, help="v")
    with pytest.raises(SystemExit) as done:
        parser.parse_args(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == version_line() + "\n"
    assert not hasattr(parser.parse_args([]), "version")
