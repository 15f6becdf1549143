"""``brandguard worker``: create topics, then run the Faust worker until stopped."""

from __future__ import annotations

import argparse
import logging

from prometheus_client import disable_created_metrics

from streams.worker.admin import ensure_topics
from streams.worker.app import create_app
from streams.worker.faust_internals import without_spinner
from streams.worker.monitoring.logs import STARTUP_LOGGER, configure_logging
from streams.worker.monitoring.version import version_line
from streams.worker.monitoring.web import install_views
from streams.worker.settings import load_settings

__all__ = ["run_cli"]


def run_cli(args: argparse.Namespace) -> int:
    settings = load_settings()
    level = args.loglevel or settings.log_level  # the option wins over BRANDGUARD_LOG_LEVEL
    config = configure_logging(level, settings.log_format)
    log = logging.getLogger(STARTUP_LOGGER)
    log.info("starting %s", version_line())
    disable_created_metrics()  # type: ignore[no-untyped-call] # *_created series double the scrape for no operational value
    created = ensure_topics(settings)
    if created:
        log.info("created topics: %s", ", ".join(sorted(created)))
    bg = create_app(settings)
    install_views(bg)
    bg.collector.install()
    worker = without_spinner(bg.app.Worker(loglevel=level.upper(), quiet=True,
                                           logging_config=config))
    worker.execute_from_commandline()
    return 0
