"""The one-line progress display: only on a terminal, at most five times a second."""

from __future__ import annotations

import io

import pytest

from streams.cli import progress as progress_module
from streams.cli.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _terminal(monkeypatch: pytest.MonkeyPatch) -> _Terminal:
    """stderr as a terminal; set in the test itself, as pytest's output capture puts its
    own stderr back between a fixture's setup and the test."""
    out = _Terminal()
    monkeypatch.setattr(progress_module.sys, "stderr", out)
    return out


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> _Clock:
    fake = _Clock()
    monkeypatch.setattr(progress_module.time, "monotonic", fake)
    return fake


def test_nothing_is_drawn_when_stderr_is_not_a_terminal(
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    monkeypatch.setattr(progress_module.sys, "stderr", out)
    bar = Progress(10, "replay")
    bar.update(5, force=True)
    bar.close(10)
    assert out.getvalue() == "" and not bar.enabled


def test_a_line_shows_the_count_share_eta_and_rate(monkeypatch: pytest.MonkeyPatch,
                                                   clock: _Clock) -> None:
    terminal = _terminal(monkeypatch)
    bar = Progress(1000, "replay")
    clock.now += 2.0
    bar.update(250)
    assert terminal.getvalue() == "\rreplay: 250/1,000 ( 25.0%) eta   6.0s  125/s "


def test_updates_are_drawn_at_most_every_fifth_of_a_second(monkeypatch: pytest.MonkeyPatch,
                                                          clock: _Clock) -> None:
    terminal = _terminal(monkeypatch)
    bar = Progress(None, "produce")
    clock.now += 1.0
    bar.update(10)
    clock.now += 0.1
    bar.update(20)
    assert terminal.getvalue().count("\r") == 1
    bar.close(30)  # the last count is always drawn, then the line ends
    assert terminal.getvalue().endswith("\rproduce: 30  27/s \n")


def test_disabled_on_request(monkeypatch: pytest.MonkeyPatch, clock: _Clock) -> None:
    terminal = _terminal(monkeypatch)
    bar = Progress(5, "x", enabled=False)
    bar.close(5)
    assert terminal.getvalue() == ""
