"""Which brandguard this is: the package version, the build of ``signals`` (plain
Python or mypyc-compiled) and the interpreter, for ``--version``, the worker's
start-up line and the ``brandguard_build_info`` metric."""

from __future__ import annotations

import platform
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from streams.worker.monitoring.build_info import running_build

__all__ = ["build_labels", "package_version", "version_line"]


def package_version() -> str:
    """The installed distribution's version; ``unknown`` for a bare source tree."""
    try:
        return version("brandguard")
    except PackageNotFoundError:
        return "unknown"


@cache  # a compiled build hashes its sources to tell whether it is stale: do it once
def build_labels() -> dict[str, str]:
    """Labels of ``brandguard_build_info``: version, build (python/compiled), python."""
    return {"version": package_version(), "build": running_build().kind,
            "python": platform.python_version()}


def version_line() -> str:
    """``brandguard 0.1.0; signals: plain Python (...); Python 3.11.9``."""
    return (f"brandguard {package_version()}; {running_build().describe()}; "
            f"Python {platform.python_version()}")
