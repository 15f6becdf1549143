"""Which build of signals the tests run against, and how a stale compiled copy is seen."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from streams.worker.monitoring.build_info import compiled_modules, running_build, source_digest

ROOT = Path(__file__).resolve().parents[5]


def test_the_tests_run_against_the_build_make_asked_for() -> None:
    # make test runs the unit tests twice: the plain (editable) install, then the
    # compiled wheel installed in .venv-compiled, compared with this checkout
    expected = os.environ.get("BRANDGUARD_EXPECT_BUILD")
    if expected is None:
        pytest.skip("BRANDGUARD_EXPECT_BUILD not set (make test sets it)")
    build = running_build(ROOT / "signals")
    assert build.kind == expected, build.describe()
    assert not build.stale, build.describe()


def test_source_digest_changes_with_any_source_byte(tmp_path: Path) -> None:
    package = tmp_path / "signals"
    shutil.copytree(ROOT / "signals", package, ignore=shutil.ignore_patterns("__pycache__"))
    before = source_digest(package)
    assert before == source_digest(ROOT / "signals")
    (package / "contract" / "schemas" / "alert.v1.json").write_bytes(
        (package / "contract" / "schemas" / "alert.v1.json").read_bytes() + b" ")
    assert source_digest(package) != before


def test_compiled_modules_are_named_once_whatever_their_suffix(tmp_path: Path) -> None:
    package = tmp_path / "signals"
    (package / "model").mkdir(parents=True)
    (package / "model" / "online.cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    (package / "pipeline.so").write_bytes(b"")
    (package / "replay.py").write_text("")
    assert compiled_modules(package) == ["signals.model.online", "signals.pipeline"]

