"""``brandguard worker``: create topics, then run the Faust worker until stopped."""

from __future__ import annotations

import argparse
import sys

from prometheus_client import disable_created_metrics

from streams.worker.admin import ensure_topics
from streams.worker.app import create_app
from streams.worker.faust_internals import without_spinner
from streams.worker.monitoring.build_info import running_build
from streams.worker.monitoring.web import install_views
from streams.worker.settings import load_settings

__all__ = ["run_cli"]


def run_cli(args: argparse.Namespace) -> int:
    settings = load_settings()
    print(running_build().describe(), file=sys.stderr)
    disable_created_metrics()  # type: ignore[no-untyped-call] # *_created series double the scrape for no operational value
    created = ensure_topics(settings)
    if created:
        print(f"created topics: {', '.join(sorted(created))}", file=sys.stderr)
    bg = create_app(settings)
    install_views(bg)
    worker = without_spinner(bg.app.Worker(loglevel=args.loglevel.upper(), quiet=True))
    worker.execute_from_commandline()
    return 0
