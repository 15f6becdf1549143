"""Shared machinery of the live benchmarks: broker, scenarios produced once, processes.

- :class:`Lab` starts one local KRaft broker for a whole benchmark run and stops it.
- :meth:`Lab.load` produces a scenario once into topics of its own prefix
  (``<prefix>.listings`` ...); every run against it uses a fresh consumer group
  (a distinct ``BRANDGUARD_APP_ID``, or group id for the baselines), so each run
  reads the same records from the start.
- :meth:`Lab.worker`, :meth:`Lab.noop` start the brandguard worker (on the
  compiled build when ``compiled`` is given, as ``make run`` does) and the no-op
  Faust agent; :func:`run_until_done` polls their ``/metrics`` until every input
  record is done and times it.

Every figure the scripts print is a ratio to a baseline measured in the same
run: the machine is shared and noisy, absolute rates move by tens of percent.
"""

from __future__ import annotations

import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from signals.evaluation.simulator import scenario_config, simulate  # noqa: E402
from streams.cli.produce import produce_file  # noqa: E402
from streams.localkafka.broker import start_broker, stop_broker  # noqa: E402
from tests.integration.worker_proc import free_port, log_tail, stop_process  # noqa: E402

__all__ = [
    "INPUT_ROLES",
    "Lab",
    "Loaded",
    "Proc",
    "cpu_seconds",
    "free_port",
    "rss_mb",
    "run_alone",
    "run_until_done",
    "simulated",
    "spread",
    "topic_names",
]

PARTITIONS = 8
#: the topics a worker consumes from outside: its input records
INPUT_ROLES = ("listings", "orders", "reports", "brands")
ROLES = (*INPUT_ROLES, "alerts", "deadletter")
_TOPIC_LABEL = re.compile(r'topic="([^"]*)"')
_TICK = os.sysconf("SC_CLK_TCK")


def topic_names(prefix: str) -> dict[str, str]:
    """Role -> topic of a scenario produced under ``prefix``."""
    return {role: f"{prefix}.{role}" for role in ROLES}


def simulated(scenario: str, *, seed: int, days: float, scale: float) -> list[bytes]:
    """Non-blank lines of a simulator scenario (including its deliberately bad records)."""
    sim = simulate(scenario_config(scenario, seed=seed, days=days, scale=scale))
    return [line if isinstance(line, bytes) else line.encode() for line in sim.lines
            if line.strip()]


def spread(values: Sequence[float]) -> dict[str, Any]:
    """Median, min and max of a figure's runs (and the runs themselves)."""
    vals = [float(v) for v in values]
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals),
            "runs": vals, "n": len(vals)}


def spread_text(s: dict[str, Any], digits: int = 2, unit: str = "", scale: float = 1.0,
                signed: bool = False) -> str:
    """A :func:`spread` as ``median [min-max]`` (the median alone for one run), each
    value times ``scale``; ``signed`` values as ``[min to max]``.

    >>> spread_text(spread([0.5, 0.25, 0.75]))
    '0.50 [0.25-0.75]'
    >>> spread_text(spread([0.0974, 0.0941, 0.098]), 0, " ms", 1e3)
    '97 ms [94-98]'
    >>> spread_text(spread([-3.0]), 1, "%", signed=True)
    '-3.0%'
    >>> spread_text(spread([15.4, 13.5, 17.6]), 1, "%", signed=True)
    '+15.4% [+13.5 to +17.6]'
    """
    spec = f"{'+' if signed else ''},.{digits}f"
    median = f"{s['median'] * scale:{spec}}{unit}"
    if s["n"] == 1:
        return median
    between = " to " if signed else "-"
    return f"{median} [{s['min'] * scale:{spec}}{between}{s['max'] * scale:{spec}}]"


@dataclass
class Loaded:
    """A scenario produced once into its own topics."""

    label: str
    prefix: str
    records: int
    by_schema: dict[str, int]
    sellers: int
    event_hours: float
    description: str
    produce_s: float = 0.0

    @property
    def topics(self) -> dict[str, str]:
        return topic_names(self.prefix)

    @property
    def input_topics(self) -> list[str]:
        return [self.topics[role] for role in INPUT_ROLES]

    @property
    def per_event_hour(self) -> float:
        return self.records / self.event_hours if self.event_hours else 0.0

    def summary(self) -> dict[str, Any]:
        return {**asdict(self), "per_event_hour": round(self.per_event_hour)}


def describe_lines(lines: Iterable[bytes]) -> tuple[int, dict[str, int], int, float]:
    """Records, records per schema, distinct sellers, event-time span in hours."""
    schemas: Counter[str] = Counter()
    sellers: set[str] = set()
    first = last = None
    records = 0
    for line in lines:
        records += 1
        try:
            rec = orjson.loads(line)
        except orjson.JSONDecodeError:
            schemas["(not json)"] += 1
            continue
        if not isinstance(rec, dict):
            schemas["(not an object)"] += 1
            continue
        schemas[str(rec.get("schema"))] += 1
        if isinstance(rec.get("seller_id"), str):
            sellers.add(rec["seller_id"])
        stamp = rec.get("event_time")
        if isinstance(stamp, str) and rec.get("schema") != "brand.v1":
            first = stamp if first is None or stamp < first else first
            last = stamp if last is None or stamp > last else last
    hours = 0.0
    if first and last:
        from signals.contract.timefmt import parse_rfc3339
        hours = (parse_rfc3339(last) - parse_rfc3339(first)) / 3600.0
    return records, dict(schemas), len(sellers), hours


@dataclass
class Proc:
    """A process of the benchmark with a ``/metrics`` page on ``port``."""

    name: str
    popen: subprocess.Popen[bytes]
    port: int
    log: Path
    started: float = field(default_factory=time.monotonic)

    def metrics(self) -> str | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics",
                                        timeout=5) as resp:
                return str(resp.read().decode())
        except OSError:
            return None

    def get(self, path: str) -> int | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
                return int(r.status)
        except urllib.error.HTTPError as err:
            return int(err.code)
        except OSError:
            return None

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self) -> None:
        stop_process(self.popen, 60.0)

    def tail(self, lines: int = 30) -> str:
        return log_tail(self.log, lines)


def metric_sum(text: str, name: str, topics: set[str] | None = None) -> float:
    """Sum of a metric's series; with ``topics``, only series labelled with one of them."""
    total = 0.0
    for line in text.splitlines():
        if not (line.startswith(name + "{") or line.startswith(name + " ")):
            continue
        if topics is not None:
            match = _TOPIC_LABEL.search(line)
            if match is None or match.group(1) not in topics:
                continue
        total += float(line.rsplit(" ", 1)[1])
    return total


def rss_mb(pid: int) -> float:
    """Resident set size of ``pid`` (VmRSS), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def run_until_done(procs: Sequence[Proc], done: Callable[[str], float], expected: int,
                   timeout: float, *, poll: float = 0.25,
                   at: Sequence[int] = (), on_mark: Callable[[int, float], None] | None = None,
                   trace: bool = False) -> dict[str, Any]:
    """Poll the processes' /metrics until the records they have done reach ``expected``.

    ``done(text)`` counts one process's done input records. Times are from the
    first process answering /metrics (app started, consumer group being joined;
    the rebalance is included) to the poll that saw ``expected``. ``on_mark(n,
    t)`` is called the first time the count passes each value of ``at``.
    Raises if a process dies or ``timeout`` passes."""
    up = first = None
    cpu0: dict[int, float] = {}
    marks = list(sorted(at))
    count = 0.0
    deadline = time.monotonic() + timeout
    last_trace = 0.0
    texts: dict[int, str] = {}
    while time.monotonic() < deadline:
        count = 0.0
        answered = 0
        for proc in procs:
            if not proc.alive():
                raise RuntimeError(f"{proc.name} exited ({proc.popen.returncode}):\n{proc.tail()}")
            text = proc.metrics()
            if text is None:
                continue
            answered += 1
            texts[proc.popen.pid] = text
            if proc.popen.pid not in cpu0:
                cpu0[proc.popen.pid] = cpu_seconds(proc.popen.pid)
            count += done(text)
        now = time.monotonic()
        if answered and up is None:
            up = now
        if count > 0 and first is None:
            first = now
        while marks and count >= marks[0]:
            if on_mark is not None:
                on_mark(marks[0], now)
            marks.pop(0)
        if trace and now - last_trace >= 5 and up is not None:
            last_trace = now
            print(f"    {now - up:6.1f}s {count:>10,.0f} / {expected:,}", file=sys.stderr)
        if count >= expected:
            assert up is not None
            cpu = sum(cpu_seconds(p.popen.pid) - cpu0.get(p.popen.pid, 0.0) for p in procs)
            seconds = max(now - up, 1e-9)
            return {"records": expected, "seconds": seconds, "per_s": expected / seconds,
                    "to_first_s": (first or now) - up,
                    "startup_s": up - min(p.started for p in procs),
                    "cpu_s": cpu, "cpu_ms_per_1k": cpu / expected * 1e6,
                    # held events let through after the 60 s longest wait at the epoch gate
                    "epoch_forced": sum(metric_sum(t, "brandguard_epoch_forced_total")
                                        for t in texts.values())}
        time.sleep(poll)
    tails = "\n".join(f"--- {p.name}\n{p.tail()}" for p in procs)
    raise RuntimeError(f"timed out after {timeout:.0f}s at {count:,.0f} of {expected:,}:\n{tails}")


class Lab:
    """One broker for a benchmark run, scenarios produced into it, processes against it."""

    def __init__(self, workdir: Path, compiled: Path | None = None) -> None:
        self.workdir = workdir
        self.compiled = compiled.resolve() if compiled else None
        self.bootstrap = ""
        self._procs: list[Proc] = []
        self._serial = 0

    # -- broker ---------------------------------------------------------------
    def __enter__(self) -> Lab:
        # a SIGTERM (make interrupted, a timeout) still stops the workers and the broker
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
        self.workdir.mkdir(parents=True, exist_ok=True)
        broker = start_broker(self.workdir / "kafka")
        self.bootstrap = broker.bootstrap
        return self

    def __exit__(self, *exc: object) -> None:
        for proc in self._procs:
            proc.stop()
        stop_broker(self.workdir / "kafka")

    # -- scenarios ------------------------------------------------------------
    def load(self, label: str, prefix: str, lines: list[bytes], description: str) -> Loaded:
        """Create the scenario's input topics (8 partitions) and produce every line once."""
        topics = topic_names(prefix)
        admin = AdminClient({"bootstrap.servers": self.bootstrap})
        specs = [NewTopic(topics[r], PARTITIONS, 1) for r in ("listings", "orders", "reports",
                                                               "alerts", "deadletter")]
        specs.append(NewTopic(topics["brands"], PARTITIONS, 1,
                              config={"cleanup.policy": "compact"}))
        for future in admin.create_topics(specs, operation_timeout=30).values():
            future.result(30)
        records, by_schema, sellers, hours = describe_lines(lines)
        path = self.workdir / f"{prefix}.jsonl"
        path.write_bytes(b"\n".join(lines) + b"\n")
        routes = {"listing.v1": topics["listings"], "order.v1": topics["orders"],
                  "report.v1": topics["reports"], "brand.v1": topics["brands"]}
        result = produce_file(path, self.bootstrap, topics=routes, progress=False)
        path.unlink()
        if not result.ok or result.sent != records:
            raise RuntimeError(f"producing {label}: sent {result.sent} of {records}, "
                               f"{result.failures} failures ({result.first_error})")
        return Loaded(label, prefix, records, by_schema, sellers, hours, description,
                      result.elapsed_s)

    # -- processes ------------------------------------------------------------
    def app_id(self, stem: str) -> str:
        self._serial += 1
        return f"{stem}{self._serial}-{os.getpid()}"

    def env(self, loaded_prefix: str, app_id: str, port: int, *,
            compiled: bool = True, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ)
        for var in ("PYTHONPATH", "PYTHONSAFEPATH"):
            env.pop(var, None)
        if compiled and self.compiled is not None:
            # as `make run`: brandguard from the compiled venv, the sources off sys.path
            env["PYTHONSAFEPATH"] = "1"
        else:
            env["PYTHONPATH"] = str(ROOT)
        env.update({
            "BRANDGUARD_KAFKA_BOOTSTRAP": self.bootstrap, "BRANDGUARD_APP_ID": app_id,
            "BRANDGUARD_DATA_DIR": str(self.workdir / "data" / app_id),
            "BRANDGUARD_WEB_PORT": str(port), "BRANDGUARD_PARTITIONS": str(PARTITIONS),
            "BRANDGUARD_TABLE_STANDBY_REPLICAS": "0", "BRANDGUARD_LOG_LEVEL": "warning",
            # one core for numpy (River): its BLAS threads only spin on 2 shared cores
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        })
        for role, topic in topic_names(loaded_prefix).items():
            env[f"BRANDGUARD_TOPIC_{role.upper()}"] = topic
        env.update(extra or {})
        return env

    def _start(self, name: str, cmd: list[str], env: dict[str, str], port: int) -> Proc:
        logs = self.workdir / "logs"
        logs.mkdir(exist_ok=True)
        Path(env["BRANDGUARD_DATA_DIR"]).parent.mkdir(parents=True, exist_ok=True)
        log = logs / f"{name}.log"
        with open(log, "ab") as out:
            popen = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True, cwd=self.workdir)
        proc = Proc(name, popen, port, log)
        self._procs.append(proc)
        return proc

    def worker(self, loaded: Loaded, app_id: str, *, index: int = 0,
               extra: dict[str, str] | None = None) -> Proc:
        """``brandguard worker`` on the scenario's topics (compiled build if configured)."""
        port = free_port()
        env = self.env(loaded.prefix, app_id, port, extra=extra)
        env["BRANDGUARD_DATA_DIR"] = str(self.workdir / "data" / f"{app_id}-{index}")
        python = str(self.compiled / "bin" / "python") if self.compiled else sys.executable
        return self._start(f"{app_id}-{index}", [python, "-m", "streams.cli.main",
                                                 "worker", "--loglevel", "warning"], env, port)

    def noop(self, loaded: Loaded, app_id: str, handover: str = "faust") -> Proc:
        """The no-op Faust agent with the worker's consumer settings, on the same topics
        (``handover``: faust-streaming's per-record hand-over, or the worker's inline one)."""
        port = free_port()
        env = self.env(loaded.prefix, app_id, port, compiled=False)
        return self._start(app_id, [sys.executable, str(ROOT / "bench" / "noop_agent.py"),
                                    "--handover", handover], env, port)

    def confluent(self, loaded: Loaded, group: str, timeout: float) -> dict[str, Any]:
        """The confluent-kafka consume-and-orjson loop, in its own process; its result."""
        cmd = [sys.executable, str(ROOT / "bench" / "confluent_loop.py"),
               "--bootstrap", self.bootstrap, "--group", group,
               "--topics", ",".join(loaded.input_topics), "--expected", str(loaded.records),
               "--timeout", str(timeout)]
        env = self.env(loaded.prefix, group, 0, compiled=False)
        out = subprocess.run(cmd, env=env, capture_output=True, check=False, timeout=timeout + 60)
        if out.returncode != 0:
            raise RuntimeError(f"confluent loop failed:\n{out.stderr.decode()[-3000:]}")
        return dict(orjson.loads(out.stdout.splitlines()[-1]))

    def forget(self, proc: Proc) -> None:
        proc.stop()
        if proc in self._procs:
            self._procs.remove(proc)


def worker_done(loaded: Loaded) -> Callable[[str], float]:
    """Input records a worker has finished (processed, duplicate or dead-lettered),
    counting only the scenario's input topics (not the internal network facts)."""
    topics = set(loaded.input_topics)
    return lambda text: metric_sum(text, "brandguard_events_total", topics)


def noop_done(text: str) -> float:
    return metric_sum(text, "noop_events_total")


def run_alone(prefix: str, args: Any, measure: Callable[[Lab, Any], dict[str, Any]],
              report: Callable[[dict[str, Any]], list[str]]) -> int:
    """A benchmark run on its own: its own broker (``Lab``) in a temporary folder,
    the report printed, and the results written to ``args.json`` if given."""
    import tempfile

    compiled = Path(args.compiled) if args.compiled else None
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp, Lab(Path(tmp), compiled) as lab:
        results = measure(lab, args)
    print("\n".join(report(results)))
    if args.json:
        args.json.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    return 0
