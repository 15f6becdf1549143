"""setup.py: which modules mypyc compiles, when it compiles them, and that
BRANDGUARD_PURE=1 builds a pure wheel (a real build of one, without mypyc).

The compiled wheel itself is built by ``make compiled`` and checked against the
plain build in tests/integration/test_compiled_signals.py.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _setup() -> ModuleType:
    spec = importlib.util.spec_from_file_location("brandguard_setup", ROOT / "setup.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # setup() itself only runs as __main__
    return module


def _pins(requirements: list[str]) -> dict[str, str]:
    found = (re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", r.strip()) for r in requirements)
    return {m.group(1).lower(): m.group(2) for m in found if m}


def test_build_requires_the_mypy_the_constraints_pin() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    build = _pins(pyproject["build-system"]["requires"])
    constraints = _pins((ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines())
    assert build["mypy"] == constraints["mypy"]


def test_the_hot_modules_are_compiled_and_the_cold_ones_left_alone() -> None:
    modules = _setup().compiled_modules(ROOT / "signals")
    assert {"signals/pipeline.py", "signals/replay.py", "signals/contract/decode.py"} <= set(
        modules)
    assert not [m for m in modules if m.endswith("__init__.py")
                or m.startswith("signals/evaluation/")]
    assert not {"signals/errors.py", "signals/contract/deadletter.py"} & set(modules)
    assert all((ROOT / m).is_file() for m in modules)


@pytest.mark.parametrize(("argv", "environ", "compiled"), [
    (["setup.py", "bdist_wheel", "--dist-dir", "/tmp/x"], {}, True),
    (["setup.py", "build_ext"], {}, True),
    (["setup.py", "bdist_wheel"], {"BRANDGUARD_PURE": "1"}, False),
    (["setup.py", "bdist_wheel"], {"BRANDGUARD_PURE": "true"}, False),
    (["setup.py", "bdist_wheel"], {"BRANDGUARD_PURE": "0"}, True),
    # pip install -e: a compiled module beside its .py would hide every edit
    (["setup.py", "editable_wheel", "--dist-info-dir", "/tmp/x"], {}, False),
    # pip reading the metadata: no need for mypyc's minute of type checking
    (["setup.py", "dist_info", "--output-dir", "/tmp/x"], {}, False),
    (["setup.py", "sdist"], {}, False),
])
def test_when_mypyc_compiles(argv: list[str], environ: dict[str, str], compiled: bool) -> None:
    assert _setup().wants_compiled(argv, environ) is compiled


def test_brandguard_pure_builds_a_pure_wheel(tmp_path: Path) -> None:
    # a copy, as pip builds an sdist: no build/ left over from another build in it
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for package in ("signals", "streams"):
        shutil.copytree(ROOT / package, source / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    env = dict(os.environ, BRANDGUARD_PURE="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    # no build isolation: the pure build needs only setuptools (the dev extra), no mypy
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--no-build-isolation", "-w", str(tmp_path / "out"), str(source)],
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (wheel,) = (tmp_path / "out").glob("*.whl")
    assert wheel.name.endswith("-py3-none-any.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "signals/pipeline.py" in names and "streams/cli/main.py" in names
    assert "signals/contract/schemas/alert.v1.json" in names
    assert not [n for n in names if n.endswith((".so", ".pyd", ".c"))]
    assert "signals/SOURCES.sha256" not in names
