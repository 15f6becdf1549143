"""Logging of the worker: one configuration for brandguard's, Faust's and aiokafka's
loggers, as text or as one JSON object per line.

Faust's worker (``mode.Worker``) replaces the root logger's handlers when it
starts: with ``logging_config`` it applies that dictionary instead of its own
(coloured text on stdout), so the same dictionary is applied once here, for
what the command logs before the worker starts, and handed to the worker.
Every library logs through the standard ``logging`` tree, so the root handler
formats Faust's and aiokafka's records too; the worker then also redirects
stray writes to stdout and stderr into a logger (``redirect_stdouts``), so
nothing else reaches the stream.

>>> import logging
>>> record = logging.LogRecord("aiokafka", logging.WARNING, __file__, 1,
...                            "lost %s", ("node 1",), None)
>>> record.created = 0.25
>>> JsonFormatter().format(record)
'{"time":"1970-01-01T00:00:00.250Z","level":"warning","logger":"aiokafka","message":"lost node 1"}'
"""

from __future__ import annotations

import logging
import logging.config
from datetime import UTC, datetime
from typing import Any

import orjson

__all__ = ["STARTUP_LOGGER", "JsonFormatter", "configure_logging", "logging_config"]

#: what the worker says as it starts (its build, topics created): logged at INFO,
#: and shown at any level, as the old stderr lines were
STARTUP_LOGGER = "brandguard.startup"
_TEXT_FORMAT = "[%(asctime)s] [%(process)s] [%(levelname)s] %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines in tracebacks are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        created = datetime.fromtimestamp(record.created, UTC)
        entry: dict[str, Any] = {
            "time": created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return orjson.dumps(entry, default=str).decode()


def logging_config(level: str, log_format: str) -> dict[str, Any]:
    """A :func:`logging.config.dictConfig` dictionary: the root logger at ``level``,
    one handler on stderr, ``json`` or text records."""
    formatter: dict[str, Any] = ({"()": JsonFormatter} if log_format == "json"
                                 else {"format": _TEXT_FORMAT})
    return {
        "version": 1,
        # Faust, mode and aiokafka create their loggers at import, before this runs
        "disable_existing_loggers": False,
        "formatters": {"brandguard": formatter},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "brandguard",
                                "stream": "ext://sys.stderr"}},
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        # the handler has no level of its own, so these records pass at any root level
        "loggers": {STARTUP_LOGGER: {"level": "INFO"}},
    }


def configure_logging(level: str, log_format: str) -> dict[str, Any]:
    """Apply :func:`logging_config` now; returns it for ``faust.Worker(logging_config=...)``."""
    config = logging_config(level, log_format)
    # dictConfig may mutate what it is given; the worker applies it again later
    logging.config.dictConfig(logging_config(level, log_format))
    return config
