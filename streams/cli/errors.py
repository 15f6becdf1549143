"""How a command's expected failures reach the terminal: one line, and an exit code.

Expected: errors of brandguard's hierarchy (:mod:`signals.errors`) and files that
cannot be opened. Anything else is a bug and keeps its traceback.

>>> from signals.errors import ConfigError
>>> explain(ConfigError("BRANDGUARD_PARTITIONS must be an integer, got 'x'"))
Failure(message="BRANDGUARD_PARTITIONS must be an integer, got 'x'", exit_code=2)
>>> explain(FileNotFoundError(2, "No such file or directory", "out/alerts.jsonl"))
Failure(message='cannot open out/alerts.jsonl: No such file or directory', exit_code=2)
>>> explain(KeyError("bug")) is None
True
"""

from __future__ import annotations

from typing import NamedTuple

from signals.errors import BrandguardError, ConfigError

__all__ = ["USAGE", "Failure", "explain"]

#: exit code of usage errors, as argparse's own
USAGE = 2


class Failure(NamedTuple):
    message: str
    exit_code: int


def explain(exc: BaseException) -> Failure | None:
    """The line to print and the exit code for an expected failure, else None."""
    if isinstance(exc, ConfigError):
        return Failure(str(exc), USAGE)
    if isinstance(exc, BrandguardError):
        return Failure(str(exc), 1)
    if isinstance(exc, OSError) and exc.filename is not None:
        return Failure(f"cannot open {exc.filename}: {exc.strerror or exc}", USAGE)
    return None
