"""Which brandguard this is: version, build and interpreter."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError

import pytest

from streams.worker.monitoring import version as version_module
from streams.worker.monitoring.build_info import running_build
from streams.worker.monitoring.version import build_labels, package_version, version_line


def test_a_bare_source_tree_has_an_unknown_version(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> str:
        raise PackageNotFoundError(name)

    monkeypatch.setattr(version_module, "version", missing)
    assert package_version() == "unknown"
    monkeypatch.setattr(version_module, "version", lambda name: "9.9.9")
    assert package_version() == "9.9.9"


def test_the_version_line_names_package_build_and_python() -> None:
    line = version_line()
    assert line == (f"brandguard {package_version()}; {running_build().describe()}; "
                    f"Python {platform.python_version()}")


def test_build_labels_are_the_metric_s_label_set_and_computed_once() -> None:
    labels = build_labels()
    assert set(labels) == {"version", "build", "python"}
    assert labels["build"] == running_build().kind in ("python", "compiled")
    assert build_labels() is labels
