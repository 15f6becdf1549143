"""The worker's logging configuration: the level applied to every logger, and JSON
lines for brandguard's, Faust's and aiokafka's records alike."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import orjson
import pytest

from streams.worker.monitoring.logs import STARTUP_LOGGER, configure_logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    startup_level = logging.getLogger(STARTUP_LOGGER).level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        logging.getLogger(STARTUP_LOGGER).setLevel(startup_level)


@pytest.mark.usefixtures("restore_logging")
def test_json_lines_from_every_library_at_the_configured_level(
        capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("info", "json")
    logging.getLogger("faust.app.base").info("[^-App]: Starting...")
    logging.getLogger("aiokafka.consumer").debug("fetching")  # below the level
    try:
        raise RuntimeError("broker gone\nsecond line")
    except RuntimeError:
        logging.getLogger("streams.worker.app").exception("stopping")
    lines = capsys.readouterr().err.splitlines()
    records = [orjson.loads(line) for line in lines]
    assert [(r["logger"], r["level"], r["message"]) for r in records] == [
        ("faust.app.base", "info", "[^-App]: Starting..."),
        ("streams.worker.app", "error", "stopping")]
    assert "RuntimeError: broker gone\nsecond line" in records[1]["exception"]
    assert records[0]["time"].endswith("Z")


@pytest.mark.usefixtures("restore_logging")
def test_startup_lines_show_at_any_level_and_text_is_the_default(
        capsys: pytest.CaptureFixture[str]) -> None:
    config = configure_logging("error", "text")
    logging.getLogger(STARTUP_LOGGER).info("starting brandguard")
    logging.getLogger("faust.worker").warning("not shown")
    err = capsys.readouterr().err
    assert "[INFO] brandguard.startup: starting brandguard" in err
    assert "not shown" not in err
    assert config["root"]["level"] == "ERROR"  # what the Faust worker applies again
