"""``brandguard ARGS`` in a new process, and the one-line error it must end with."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import streams

__all__ = ["ROOT", "one_line_error", "run"]

ROOT = Path(__file__).resolve().parents[4]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``brandguard ARGS`` as a user runs it: a new process, importing the build this
    test imports (the checkout, or the installed wheel in make test's compiled pass)."""
    installed_at = Path(streams.__file__).resolve().parents[1]
    full_env = {**os.environ, "PYTHONPATH": str(installed_at), **(env or {})}
    return subprocess.run([sys.executable, "-m", "streams.cli.main", *args], cwd=ROOT,
                          env=full_env, capture_output=True, text=True, timeout=120,
                          check=False)


def one_line_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]
