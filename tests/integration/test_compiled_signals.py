"""The compiled build of ``signals`` (the wheel ``pip wheel .`` builds, setup.py) behaves
exactly as the plain Python one: same alerts, dead letters and final state, byte for
byte, and the state the worker stores in its tables serialises and reads back the same.

Both builds run in child processes over the same simulator files (garbled lines
included): the plain build from this checkout, the compiled one from the venv it is
installed in (``make compiled``: .venv-compiled, or BRANDGUARD_COMPILED_PYTHON).
``make test`` builds it first and sets BRANDGUARD_REQUIRE_COMPILED=1, so there a
missing or stale build fails instead of skipping.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from streams.worker.monitoring.build_info import source_digest

ROOT = Path(__file__).resolve().parents[2]
COMPILED_PYTHON = Path(os.environ.get("BRANDGUARD_COMPILED_PYTHON")
                       or ROOT / ".venv-compiled" / "bin" / "python")
_CHILD_TIMEOUT_S = 300

# Runs in the child: says which build it imported, then replays and dumps everything.
_REPLAY = """
import sys, orjson
from signals.contract.alert import alert_to_dict
from signals.contract.deadletter import deadletter_to_dict
from signals.replay import replay_lines
from signals.evaluation.simulator import scenario_config, simulate
from signals.processors.snapshot import order_independent
from streams.worker.monitoring.build_info import running_build

scenario, seed, days, copies = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
lines = [line for line in simulate(scenario_config(scenario, seed=seed, days=days, scale=1.0)).lines
         for _ in range(copies)]
alerts, dead = [], []
_, state = replay_lines(lines, "sim.jsonl", lambda: 0.0,
                        lambda a: alerts.append(alert_to_dict(a)),
                        lambda d: dead.append(deadletter_to_dict(d)))

def stored(kind, value):
    # what the worker writes to its tables, and that reading it back loses nothing
    data = orjson.loads(orjson.dumps(value.to_dict(), default=sorted))
    assert type(value).from_dict(data).to_dict() == value.to_dict(), kind
    return data

tables = {kind: {key: stored(kind, value) for key, value in sorted(part.items())}
          for kind, part in (("sellers", state.sellers), ("brands", state.brands),
                             ("images", state.images))}
tables["learner"] = stored("learner", state.learner)
build = running_build()
sys.stdout.buffer.write(orjson.dumps({
    "build": build.kind, "compiled": len(build.compiled),
    "alerts": alerts, "dead": dead, "state": order_independent(state), "tables": tables},
    option=orjson.OPT_SORT_KEYS))
"""


_BUILD = """
import sys, orjson
from pathlib import Path
from streams.worker.monitoring.build_info import running_build, source_digest
build = running_build(Path(sys.argv[1]))
sys.stdout.buffer.write(orjson.dumps({
    "kind": build.kind, "compiled": build.compiled, "recorded": build.recorded_digest,
    "checkout": build.current_digest, "installed": source_digest(build.package_dir)}))
"""


@pytest.fixture(scope="module")
def compiled_python() -> Path:
    if not COMPILED_PYTHON.exists():
        message = f"no compiled build at {COMPILED_PYTHON}; `make compiled` builds it"
        if os.environ.get("BRANDGUARD_REQUIRE_COMPILED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return COMPILED_PYTHON


def _run(python: Path | str, code: str, *args: object, pythonpath: Path | None = None,
         ) -> dict[str, object]:
    # PYTHONSAFEPATH: neither the working directory nor the checkout is put on sys.path,
    # so each child imports signals only from where it is told (or installed)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONSAFEPATH"] = "1"
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    done = subprocess.run([str(python), "-c", code, *map(str, args)], env=env,
                          cwd=pythonpath or Path(python).parent, capture_output=True,
                          timeout=_CHILD_TIMEOUT_S, check=False)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    result: dict[str, object] = orjson.loads(done.stdout)
    return result


def _setup_compiled_modules() -> list[str]:
    """What setup.py compiles, as dotted module names."""
    spec = importlib.util.spec_from_file_location("brandguard_setup", ROOT / "setup.py")
    assert spec is not None and spec.loader is not None
    setup = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(setup)  # setup() itself only runs as __main__
    return sorted(path.removesuffix(".py").replace("/", ".")
                  for path in setup.compiled_modules(ROOT / "signals"))


def test_compiled_build_was_built_from_these_sources(compiled_python: Path) -> None:
    build = _run(compiled_python, _BUILD, ROOT / "signals")
    assert build["kind"] == "compiled"
    assert build["recorded"] == source_digest(ROOT / "signals"), (
        "the compiled build is stale: signals changed since it was built; run `make compiled`")
    assert build["checkout"] == build["recorded"] == build["installed"]


def test_compiled_build_compiles_exactly_setups_modules(compiled_python: Path) -> None:
    build = _run(compiled_python, _BUILD, ROOT / "signals")
    expected = _setup_compiled_modules()
    assert len(expected) >= 40 and "signals.pipeline" in expected
    assert build["compiled"] == expected


@pytest.mark.parametrize(("scenario", "seed", "copies"), [
    ("mixed", 1, 1), ("subtle", 2, 1), ("copycat", 3, 1), ("brand_flood", 1, 1),
    ("mixed", 2, 2),  # every event delivered twice
])
def test_compiled_replay_matches_plain(compiled_python: Path, scenario: str, seed: int,
                                       copies: int) -> None:
    plain = _run(sys.executable, _REPLAY, scenario, seed, 3, copies, pythonpath=ROOT)
    compiled = _run(compiled_python, _REPLAY, scenario, seed, 3, copies)
    assert (plain["build"], compiled["build"]) == ("python", "compiled")
    assert compiled["compiled"] == len(_setup_compiled_modules())
    assert plain["alerts"], "a scenario without alerts would compare nothing"
    for part in ("alerts", "dead", "state", "tables"):
        assert orjson.dumps(compiled[part], option=orjson.OPT_SORT_KEYS) == orjson.dumps(
            plain[part], option=orjson.OPT_SORT_KEYS), f"{part} differ"
