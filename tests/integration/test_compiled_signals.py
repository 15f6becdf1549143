"""The mypyc-compiled copy of ``signals`` (``make compiled``) behaves exactly as the
plain Python one: same alerts, dead letters and final state, byte for byte, and
the state the worker stores in its tables serialises and reads back the same.

Both builds run in child processes, each importing ``signals`` from its own
directory, over the same simulator files (garbled lines included). ``make
test`` builds the copy first and sets BRANDGUARD_REQUIRE_COMPILED=1, so there a
missing or stale copy fails instead of skipping.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from streams.worker.monitoring.build_info import DIGEST_FILE, source_digest

ROOT = Path(__file__).resolve().parents[2]
COMPILED = Path(os.environ.get("BRANDGUARD_COMPILED_DIR") or ROOT / "build" / "compiled")
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


@pytest.fixture(scope="module")
def compiled_dir() -> Path:
    if not (COMPILED / DIGEST_FILE).exists():
        message = f"no compiled copy of signals in {COMPILED}; `make compiled` builds it"
        if os.environ.get("BRANDGUARD_REQUIRE_COMPILED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return COMPILED


def _replay_in(pythonpath: Path, *args: object) -> dict[str, object]:
    env = dict(os.environ, PYTHONPATH=str(pythonpath), PYTHONSAFEPATH="1")
    done = subprocess.run([sys.executable, "-c", _REPLAY, *map(str, args)], env=env,
                          cwd=pythonpath, capture_output=True, timeout=_CHILD_TIMEOUT_S,
                          check=False)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    result: dict[str, object] = orjson.loads(done.stdout)
    return result


def test_compiled_copy_was_built_from_these_sources(compiled_dir: Path) -> None:
    recorded = (compiled_dir / DIGEST_FILE).read_text().strip()
    assert recorded == source_digest(ROOT / "signals"), (
        "the compiled copy is stale: signals changed since it was built; run `make compiled`")
    assert source_digest(compiled_dir / "signals") == recorded


@pytest.mark.parametrize(("scenario", "seed", "copies"), [
    ("mixed", 1, 1), ("subtle", 2, 1), ("copycat", 3, 1), ("brand_flood", 1, 1),
    ("mixed", 2, 2),  # every event delivered twice
])
def test_compiled_replay_matches_plain(compiled_dir: Path, scenario: str, seed: int,
                                       copies: int) -> None:
    plain = _replay_in(ROOT, scenario, seed, 3, copies)
    compiled = _replay_in(compiled_dir, scenario, seed, 3, copies)
    assert (plain["build"], compiled["build"]) == ("python", "compiled")
    assert isinstance(compiled["compiled"], int) and compiled["compiled"] >= 40
    assert plain["alerts"], "a scenario without alerts would compare nothing"
    for part in ("alerts", "dead", "state", "tables"):
        assert orjson.dumps(compiled[part], option=orjson.OPT_SORT_KEYS) == orjson.dumps(
            plain[part], option=orjson.OPT_SORT_KEYS), f"{part} differ"
