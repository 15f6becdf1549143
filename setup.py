"""Builds brandguard with the hot modules of ``signals`` compiled by mypyc, as black
and mypy build theirs: ``pip install .`` and ``pip wheel .`` give the compiled build.

Everything else about the package (name, dependencies, entry point, package data) is
in pyproject.toml; this file only adds the compiled extensions and, inside the
compiled ``signals`` package, the digest of the sources they were compiled from
(``streams.worker.monitoring.build_info`` reads it: ``brandguard --version`` and the
tests tell a stale build from a current one).

A pure-Python build, for an interpreter or platform without a C compiler:
``BRANDGUARD_PURE=1 pip wheel .`` (a py3-none-any wheel). Editable installs
(``pip install -e .``) and interpreters other than CPython are always pure: a
compiled module beside its ``.py`` would shadow every later edit of it.

``compiled_modules()`` below is the one list of what is compiled; the tests import it.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent
PURE_ENV = "BRANDGUARD_PURE"

#: modules of signals/ left to the interpreter, and why
NOT_COMPILED = {
    # mypyc turns class-level constants of dataclasses (``schema``) and of exceptions
    # (``error_code``) into instance fields (mypyc/mypyc#740, #1122); both are cold (the
    # hot records keep theirs on a plain base class instead, see signals.contract.events)
    "contract/deadletter.py", "errors.py",
}
#: cold: run once per report or per simulated file
NOT_COMPILED_DIRS = ("evaluation",)


def compiled_modules(package: Path = ROOT / "signals") -> list[str]:
    """The paths, relative to the project root, of the modules mypyc compiles."""
    chosen = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).as_posix()
        if path.name == "__init__.py" or relative in NOT_COMPILED:
            continue
        if relative.split("/")[0] in NOT_COMPILED_DIRS:
            continue
        chosen.append(path.relative_to(package.parent).as_posix())
    return chosen


#: the setup.py commands that build or install modules; the others (egg_info,
#: dist_info, sdist, run by pip to read the metadata) do not need mypyc to run, which
#: type-checks and generates C as soon as it is called (a minute or more)
BUILD_COMMANDS = {"build", "build_ext", "bdist", "bdist_wheel", "install"}


def wants_compiled(argv: list[str], environ: dict[str, str]) -> bool:
    """Whether this run of setup.py compiles the modules with mypyc."""
    if environ.get(PURE_ENV, "").strip().lower() in ("1", "true", "yes"):
        return False
    if platform.python_implementation() != "CPython":
        return False
    # pip install -e runs editable_wheel (PEP 660), never one of the build commands
    return bool(BUILD_COMMANDS.intersection(argv[1:]))


def _build_info() -> ModuleType:
    # by path: importing the streams package would need its dependencies, which the
    # isolated build environment does not have (build_info itself uses the stdlib only)
    path = ROOT / "streams" / "worker" / "monitoring" / "build_info.py"
    spec = importlib.util.spec_from_file_location("_brandguard_build_info", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses looks its module up
    spec.loader.exec_module(module)
    return module


def _setup() -> None:
    from setuptools import setup
    from setuptools.command.build_py import build_py

    if not wants_compiled(sys.argv, dict(os.environ)):
        setup()
        return
    from mypyc.build import mypycify

    info = _build_info()

    class BuildPyWithDigest(build_py):  # type: ignore[misc]
        """Also writes the digest of the sources being compiled into the package."""

        def run(self) -> None:
            super().run()
            package = Path(self.build_lib) / "signals"
            (package / info.DIGEST_FILE).write_text(info.source_digest(ROOT / "signals") + "\n")

    extensions = mypycify(["--config-file", str(ROOT / "pyproject.toml"),
                           *compiled_modules()], opt_level="3")
    setup(ext_modules=extensions, cmdclass={"build_py": BuildPyWithDigest})


if __name__ == "__main__":
    _setup()
