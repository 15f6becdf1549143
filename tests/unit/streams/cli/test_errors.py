"""Which failures end in one line, and with which exit code."""

from __future__ import annotations

import pytest

from signals.errors import BrandguardError, ConfigError, GovernanceError, ServiceUnavailable
from streams.cli.errors import USAGE, Failure, explain


def test_configuration_errors_are_usage_errors() -> None:
    assert explain(ConfigError("BRANDGUARD_X must be set")) == Failure(
        "BRANDGUARD_X must be set", USAGE)
    assert USAGE == 2


@pytest.mark.parametrize("exc", [BrandguardError("Kafka at h:1 did not answer"),
                                 GovernanceError("unknown version"), ServiceUnavailable("down")])
def test_other_brandguard_errors_exit_1(exc: BrandguardError) -> None:
    assert explain(exc) == Failure(str(exc), 1)


def test_a_file_that_cannot_be_opened_is_a_usage_error_naming_it() -> None:
    failure = explain(PermissionError(13, "Permission denied", "out/a.jsonl"))
    assert failure == Failure("cannot open out/a.jsonl: Permission denied", USAGE)


@pytest.mark.parametrize("exc", [OSError("no file name"), KeyError("bug"), ValueError("bug"),
                                 KeyboardInterrupt()])
def test_anything_else_is_a_bug_and_not_explained(exc: BaseException) -> None:
    assert explain(exc) is None
