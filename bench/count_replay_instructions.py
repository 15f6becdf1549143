"""Instructions one replay executes, counted by valgrind: a figure machine load cannot move.

Wall and CPU time on a shared 2-core VM vary by +-10 % from run to run, more
than most single optimisations gain; the number of instructions executed does
not. This runs the same child twice under ``valgrind --tool=callgrind``: once
reading the event file only, once reading it and replaying it, and prints the
difference (the replay's own instructions) for the plain build and, with
``--compiled VENV``, the compiled build installed in VENV, so two commits can be compared exactly.
Instructions are not time (cache misses and the garbage collector weigh more
in time), so ``bench_replay.py`` stays the measure of speed.

Slow: valgrind runs the child ~50x slower, about 2-4 minutes per build.
Needs valgrind (Debian package ``valgrind``).

Run: ``.venv/bin/python bench/count_replay_instructions.py [--events FILE | --scenario mixed
--seed 1 --days 7] [--compiled .venv-compiled]``
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_replay import add_event_source, simulated_lines

__all__ = ["main", "replay_instructions"]

_CHILD = """
import sys
from pathlib import Path
lines = Path(sys.argv[1]).read_bytes().split(b"\\n")
if sys.argv[2] == "replay":
    from signals.replay import replay_lines
    replay_lines(lines, "bench.jsonl", lambda: 0.0, lambda alert: None, lambda dead: None)
else:
    import signals.replay  # the same imports, no replay
"""
_COLLECTED = re.compile(r"Collected : (\d+)")


def _instructions(events: Path, mode: str, python: str, pythonpath: str | None) -> int:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PYTHONHASHSEED="0", PYTHONSAFEPATH="1",
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    with tempfile.TemporaryDirectory() as out:
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}/callgrind.out",
             python, "-c", _CHILD, str(events), mode],
            env=env, capture_output=True, text=True, check=True)
    found = _COLLECTED.search(run.stderr)
    if found is None:
        raise SystemExit(f"valgrind printed no instruction count:\n{run.stderr[-2000:]}")
    return int(found.group(1))


def replay_instructions(events: Path, python: str, pythonpath: str | None) -> int:
    """Instructions of one replay of ``events`` by ``python``, with ``signals`` from
    ``pythonpath`` (None: the one installed for that python)."""
    return _instructions(events, "replay", python, pythonpath) - _instructions(
        events, "load", python, pythonpath)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_event_source(parser)
    parser.add_argument("--compiled", type=Path, metavar="VENV",
                        help="also count the compiled build installed in VENV (make compiled)")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    root = Path(__file__).resolve().parent.parent
    builds: list[tuple[str, str, str | None]] = [("plain Python", sys.executable, str(root))]
    if args.compiled:
        builds.append(("compiled", str(args.compiled / "bin" / "python"), None))
    with tempfile.TemporaryDirectory() as tmp:
        events = args.events or Path(tmp) / "events.jsonl"
        if not args.events:
            events.write_bytes(b"\n".join(simulated_lines(args.scenario, args.seed, args.days)))
        count = sum(1 for line in events.read_bytes().split(b"\n") if line.strip())
        print(f"{events if args.events else args.scenario}: {count:,} events")
        for name, python, pythonpath in builds:
            total = replay_instructions(events, python, pythonpath)
            print(f"  {name:<13} {total:>16,} instructions ({total / count:,.0f} per event)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
