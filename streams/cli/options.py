"""Argument types and actions shared by the commands' options."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

__all__ = ["EXIT_STATUS", "LazyChoices", "VersionAction", "input_file", "non_negative_float",
           "positive_float", "positive_int"]

EXIT_STATUS = ("exit status: 0 done, 1 failed (e.g. Kafka did not answer), 2 usage error or "
               "unreadable file, 130 interrupted")


class LazyChoices:
    """Choices read when argparse first needs them (to check a value or show help),
    so building the parser imports nothing heavy.

    >>> choices = LazyChoices(lambda: iter(["b", "a"]))
    >>> "a" in choices, "c" in choices, ", ".join(choices)
    (True, False, 'b, a')
    """

    def __init__(self, load: Callable[[], Iterable[str]]) -> None:
        self._load = load
        self._values: tuple[str, ...] | None = None

    def _all(self) -> tuple[str, ...]:
        if self._values is None:
            self._values = tuple(self._load())
        return self._values

    def __contains__(self, value: object) -> bool:
        return value in self._all()

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())


class VersionAction(argparse.Action):
    """``--version``: the version and the build that runs, computed only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: Any = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        from streams.worker.monitoring.version import version_line

        print(version_line())  # stdout, as argparse's own version action
        parser.exit(0)


def input_file(value: str) -> Path:
    """A file that exists and can be read; anything else is a usage error."""
    path = Path(value)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"no such file: {value}")
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"is a folder, not a file: {value}")
    if not os.access(path, os.R_OK):
        raise argparse.ArgumentTypeError(f"cannot read {value}: permission denied")
    return path


def _number(kind: Callable[[str], Any], test: Callable[[Any], bool],
            wanted: str) -> Callable[[str], Any]:
    def parse(value: str) -> Any:
        try:
            number = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{wanted} expected, got {value!r}") from None
        if not test(number):
            raise argparse.ArgumentTypeError(f"{wanted} expected, got {value!r}")
        return number

    parse.__name__ = wanted  # argparse names the type in its own messages
    return parse


positive_float = _number(float, lambda x: x > 0, "a positive number")
non_negative_float = _number(float, lambda x: x >= 0, "a number >= 0")
positive_int = _number(int, lambda x: x > 0, "a positive integer")
