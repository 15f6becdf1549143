"""``brandguard kafka``: status and stop without a broker."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from streams.cli.kafka import run_cli


def test_cli_status_exit_code_says_not_running(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_cli(argparse.Namespace(action="status", dir=str(tmp_path), version=None))
    assert code == 1
    assert "not running" in capsys.readouterr().out


def test_cli_stop_without_broker_is_fine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_cli(argparse.Namespace(action="stop", dir=str(tmp_path), version=None))
    assert code == 0
    assert "not running" in capsys.readouterr().err
