"""The tests mirror the package tree: every module of ``signals`` and ``streams`` has a
unit test module named after it, at the same path under tests/unit
(``signals/policy/listing.py`` -> ``tests/unit/signals/policy/test_listing.py``), and
every test folder is a package.

A module tested only through another module's tests, or only by its doctests, is a
module whose behaviour nobody looks up where they would look for it; a new module
without its test module fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("signals", "streams")
#: not modules of their own behaviour: package markers and ``python -m`` entry points
NOT_MODULES = ("__init__.py", "__main__.py")

#: modules that cannot have a unit test, and why; keep this short
NO_UNIT_TEST = {
    # `brandguard worker`: creates the topics, then runs the Faust worker until it is
    # stopped; every line needs a live broker. tests/integration/worker_proc.py runs it as
    # a process against the real one (and the pieces it wires are unit tested: app,
    # monitoring/logs, monitoring/web, admin).
    "streams/cli/worker.py",
}


def _modules() -> list[str]:
    return sorted(str(path.relative_to(ROOT)) for package in PACKAGES
                  for path in (ROOT / package).rglob("*.py")
                  if path.name not in NOT_MODULES and "__pycache__" not in path.parts)


def _mirror(module: str) -> Path:
    path = Path(module)
    return ROOT / "tests" / "unit" / path.parent / f"test_{path.name}"


def test_the_tree_is_found() -> None:
    modules = _modules()
    assert "signals/pipeline.py" in modules and "streams/cli/main.py" in modules
    assert _mirror("signals/pipeline.py") == ROOT / "tests/unit/signals/test_pipeline.py"


def test_every_module_has_a_test_module_of_its_name() -> None:
    missing = [module for module in _modules()
               if module not in NO_UNIT_TEST and not _mirror(module).is_file()]
    assert missing == [], "add tests/unit/<same path>/test_<module>.py for each"


@pytest.mark.parametrize("module", sorted(NO_UNIT_TEST))
def test_the_exceptions_are_still_modules_without_a_test_module(module: str) -> None:
    assert (ROOT / module).is_file(), f"{module} is gone: drop it from NO_UNIT_TEST"
    assert not _mirror(module).is_file(), f"{module} has a test module now: drop the exception"


def test_every_test_folder_is_a_package() -> None:
    folders = {path.parent for path in (ROOT / "tests").rglob("test_*.py")}
    assert [str(f.relative_to(ROOT)) for f in sorted(folders)
            if not (f / "__init__.py").is_file()] == []
