"""``brandguard``: the command line (entry point ``streams.cli.main:main``).

One module per command (``streams.cli.<command>``), imported only when that
command runs; the options are in :mod:`streams.cli.parser`. Usage errors,
unreadable files and brandguard's own errors end in one line on stderr and
exit code 2 (usage, files, configuration) or 1 (anything else expected, e.g.
Kafka not answering); 130 after Ctrl-C. Other exceptions are bugs and keep
their traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from streams.cli.errors import explain
from streams.cli.parser import build_parser

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help, --version, usage errors: argparse has said why
        return done.code if isinstance(done.code, int) else 1
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        failure = explain(exc)
        if failure is None:
            raise
        print(f"brandguard {args.command}: error: {failure.message}", file=sys.stderr)
        return failure.exit_code


if __name__ == "__main__":
    sys.exit(main())
