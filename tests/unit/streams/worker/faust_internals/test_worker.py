"""The private part of Faust's worker that faust_internals.worker relies on still exists.

An upgrade that moves it fails here, not as a root logger silently at DEBUG in
production.
"""

from __future__ import annotations

import faust

from streams.worker.faust_internals.worker import without_spinner


def test_without_spinner_keeps_the_root_logger_at_its_level() -> None:
    import logging

    app = faust.App("faust-internals-spinner", broker="kafka://127.0.0.1:1")
    worker = without_spinner(app.Worker(loglevel="WARNING", quiet=True))
    root = logging.getLogger("spinner-check")
    root.addHandler(logging.NullHandler())
    root.setLevel(logging.WARNING)
    worker.on_setup_root_logger(root, logging.WARNING)
    assert root.level == logging.WARNING
    # with the spinner Faust would have lowered it to DEBUG
    spinning = app.Worker(loglevel="WARNING", quiet=True)
    assert spinning.spinner is not None
    spinning.on_setup_root_logger(root, logging.WARNING)
    assert root.level == logging.DEBUG
