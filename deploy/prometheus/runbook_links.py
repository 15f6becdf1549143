"""Absolute runbook links in the alerting rules, all built from one base URL.

Alertmanager, Slack and PagerDuty show ``runbook_url`` as a link and cannot
resolve a relative path, so every alert links to ``<base>#<alert name in lower
case>``, the anchor of its section of docs/runbook.md. The committed rules use
:data:`DEFAULT_BASE`; to link to where your copy of the runbook is published,
write the rules with your base and deploy that file::

    .venv/bin/python deploy/prometheus/runbook_links.py \\
        --base https://wiki.example.com/brandguard/runbook --out brandguard.rules.yml
    .venv/bin/python deploy/prometheus/runbook_links.py --check   # committed rules consistent

Only the ``runbook_url`` lines change (comments and layout are kept), so the
promtool tests hold for any base.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["DEFAULT_BASE", "RULES_FILE", "main", "runbook_url", "with_base"]

DEFAULT_BASE = "https://github.com/brandguard/brandguard/blob/main/docs/runbook.md"
RULES_FILE = Path(__file__).resolve().parent / "rules" / "brandguard.rules.yml"
_ALERT = re.compile(r"^\s*- alert:\s*(\S+)\s*$")
_LINK = re.compile(r"^(\s*runbook_url:\s*).*$")


def runbook_url(alert: str, base: str = DEFAULT_BASE) -> str:
    """The link of one alert.

    >>> runbook_url("BrandguardWorkerDown", "https://docs.example.com/runbook/")
    'https://docs.example.com/runbook#brandguardworkerdown'
    """
    return f"{base.rstrip('/')}#{alert.lower()}"


def with_base(rules: str, base: str) -> str:
    """``rules`` (the YAML text) with every alert's runbook_url built from ``base``."""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
        raise ValueError(f"the runbook base must be an absolute http(s) URL without #, "
                         f"got {base!r}")
    alert: str | None = None
    lines = []
    for line in rules.splitlines(keepends=True):
        if found := _ALERT.match(line):
            alert = found.group(1)
        elif (link := _LINK.match(line)) and alert is not None:
            line = f"{link.group(1)}{runbook_url(alert, base)}\n"
        lines.append(line)
    return "".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--base", default=DEFAULT_BASE,
                        help="URL of the published runbook, without #anchor "
                             "(default: %(default)s)")
    parser.add_argument("--rules", type=Path, default=RULES_FILE, help="rules file to read")
    parser.add_argument("--out", type=Path, default=None,
                        help="write the rules here (default: print them)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 unless --rules already links with --base")
    args = parser.parse_args(argv)
    text = args.rules.read_text(encoding="utf-8")
    try:
        linked = with_base(text, args.base)
    except ValueError as exc:
        parser.error(str(exc))
    if args.check:
        if linked != text:
            print(f"{args.rules}: runbook links do not all use {args.base}; run "
                  f"{Path(__file__).name} --out {args.rules}", file=sys.stderr)
            return 1
        return 0
    if args.out is None:
        sys.stdout.write(linked)
    else:
        args.out.write_text(linked, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
