"""How fast is offline replay, against the floor of parsing the same lines with orjson.

Generates (or reads) a simulator file, then on one core, in the same run:
(a) a plain ``orjson.loads`` loop over its lines, (b) ``replay_lines`` over the
same lines (decode, every processor, alert records; sinks that drop them).
Prints events/s of both, measured in CPU time of this process so that other
work on a shared machine distorts it less, and the ratio. ``--profile`` also
prints the top of a cProfile of one replay, by where time is spent.

It measures the build of ``signals`` this process imports and says which:
plain Python, or the mypyc-compiled wheel when run by the python of the venv it
is installed in (``make compiled``: .venv-compiled). ``--compiled VENV`` measures
the plain build here and then the compiled build of VENV, in a child process, on
the same lines.

Run: ``.venv/bin/python bench/bench_replay.py [--events FILE | --scenario mixed --seed 1
--days 7] [--repeat 3] [--profile] [--compiled .venv-compiled]``
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# One core: numpy (imported by River) otherwise starts BLAS worker threads, and
# their spinning is counted in this process's CPU time.
for _threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")

import orjson  # noqa: E402

from signals.evaluation.simulator import scenario_config, simulate  # noqa: E402
from signals.replay import replay_lines  # noqa: E402
from streams.worker.monitoring.build_info import running_build  # noqa: E402

__all__ = ["add_event_source", "main", "measure", "simulated_lines"]


def add_event_source(parser: argparse.ArgumentParser) -> None:
    """The options naming what to replay: a file, or a simulator scenario."""
    parser.add_argument("--events", type=Path, help="a JSON Lines event file to replay")
    parser.add_argument("--scenario", default="mixed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=float, default=7.0)


def simulated_lines(scenario: str, seed: int, days: float) -> list[bytes]:
    sim = simulate(scenario_config(scenario, seed=seed, days=days, scale=1.0))
    return [line if isinstance(line, bytes) else line.encode() for line in sim.lines]


def _parse_all(lines: list[bytes]) -> None:
    for line in lines:
        if not line.strip():
            continue
        try:  # noqa: SIM105 - contextlib.suppress would add its own cost to the floor
            orjson.loads(line)
        except orjson.JSONDecodeError:
            pass


def _replay_all(lines: list[bytes]) -> None:
    replay_lines(lines, "bench.jsonl", lambda: 0.0, lambda alert: None, lambda dead: None)


def _best_cpu_seconds(run: Callable[[list[bytes]], None], lines: list[bytes],
                      repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        run(lines)
        best = min(best, time.process_time() - started)
    return best


def measure(lines: list[bytes], repeat: int = 3) -> dict[str, float]:
    """Events per CPU-second of the orjson floor and of replay, and their ratio."""
    events = sum(1 for line in lines if line.strip())
    parse = _best_cpu_seconds(_parse_all, lines, max(repeat, 3))
    replay = _best_cpu_seconds(_replay_all, lines, repeat)
    return {"events": float(events), "orjson_per_s": events / parse,
            "replay_per_s": events / replay, "ratio": parse / replay,
            "replay_us_per_event": replay / events * 1e6}


def _profile(lines: list[bytes], top: int) -> str:
    profiler = cProfile.Profile()
    profiler.runcall(_replay_all, lines)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_event_source(parser)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--compiled", type=Path, metavar="VENV",
                        help="also measure the compiled build installed in VENV (make compiled)")
    parser.add_argument("--json", type=Path, metavar="FILE",
                        help="also write the figures here (with --compiled, both builds')")
    args = parser.parse_args(argv)
    if args.events:
        lines = args.events.read_bytes().split(b"\n")
        source = str(args.events)
    else:
        lines = simulated_lines(args.scenario, args.seed, args.days)
        source = f"simulate --scenario {args.scenario} --seed {args.seed} --days {args.days:g}"
    build = running_build(Path(__file__).resolve().parent.parent / "signals")
    if build.stale:
        raise SystemExit(f"{build.describe()}; rebuild it with make compiled")
    result = measure(lines, args.repeat)
    print(f"{source}: {result['events']:,.0f} events, CPU time, best of {args.repeat}")
    print(f"  {build.describe()}")
    print(f"  orjson.loads loop  {result['orjson_per_s']:>12,.0f} events/s")
    print(f"  replay             {result['replay_per_s']:>12,.0f} events/s "
          f"({result['replay_us_per_event']:.1f} us/event)")
    print(f"  replay / orjson    {result['ratio']:>12.3f}")
    if args.profile:
        print(_profile(lines, 30))
    figures = {"source": source, "repeat": args.repeat,
               build.kind: {**result, "build": build.describe()}}
    code = 0
    if args.compiled:
        code = _measure_compiled(args.compiled, lines, args.repeat, figures)
    if args.json:
        args.json.write_bytes(orjson.dumps(figures, option=orjson.OPT_INDENT_2))
    return code


def _measure_compiled(venv: Path, lines: list[bytes], repeat: int,
                      figures: dict[str, object]) -> int:
    """The same measurement in a child process run by ``venv``'s python, which imports
    brandguard from that venv; its figures are added to ``figures``."""
    python = venv / "bin" / "python"
    if not python.exists():
        raise SystemExit(f"no venv at {venv}; build the compiled one with make compiled")
    with tempfile.NamedTemporaryFile(suffix=".jsonl") as events:
        events.write(b"\n".join(lines))
        events.flush()
        # the script's own folder (bench/) is on its sys.path, never the checkout
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        child = Path(events.name + ".json")
        try:
            code = subprocess.run([str(python), __file__, "--events", events.name,
                                   "--repeat", str(repeat), "--json", str(child)], env=env,
                                  check=False).returncode
            if child.exists():
                figures.update({k: v for k, v in orjson.loads(child.read_bytes()).items()
                                if k not in ("source", "repeat")})
        finally:
            child.unlink(missing_ok=True)
        return code


if __name__ == "__main__":
    raise SystemExit(main())
