# brandguard developer entry points. `make run` and `make test` each do their
# own set-up (venv, packages, Kafka jars, promtool) on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BG := $(VENV)/bin/brandguard
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

# tests/reliability (kill -9, frozen broker, rebalance, lost state...) takes minutes: `make reliability`.
test: install promtool openssl lint compiled
	BRANDGUARD_REQUIRE_COMPILED=1 BRANDGUARD_EXPECT_BUILD=python $(PY) -m pytest -q \
	  --ignore=tests/reliability $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -U pip setuptools wheel
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# Debian's prometheus package gives promtool and the server for rule and scrape tests.
promtool:
	@command -v promtool >/dev/null 2>&1 || { \
	  echo "installing Debian's prometheus package (promtool + server)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null) \
	  || echo "warning: could not install prometheus; rule tests will fail"; }

# openssl makes the throw-away certificates of the secured-broker tests.
openssl:
	@command -v openssl >/dev/null 2>&1 || { \
	  echo "installing Debian's openssl package"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssl >/dev/null) \
	  || echo "warning: could not install openssl; the secured-broker tests will fail"; }

# The mypyc-compiled copy of signals, rebuilt whenever a source changes; it lives
# apart from the sources so an edit is never shadowed by an old compiled module.
COMPILED := build/compiled
COMPILED_STAMP := $(COMPILED)/SOURCES.sha256
SIGNALS_SOURCES := $(shell find signals -name '*.py' -o -name '*.json')

compiled: $(COMPILED_STAMP)

$(COMPILED_STAMP): $(STAMP) $(SIGNALS_SOURCES) scripts/build_compiled.py pyproject.toml
	$(PY) scripts/build_compiled.py --out $(COMPILED)

# Everything on plain Python (which also checks the compiled copy's replays against
# it), then the unit tests and a live worker on a real broker on the compiled copy.
# PYTHONSAFEPATH keeps the working directory, and so the plain sources, off sys.path;
# --import-mode=append keeps pytest from putting the repository root (tests/ is a
# package) ahead of the compiled copy.
ON_COMPILED := PYTHONSAFEPATH=1 PYTHONPATH=$(COMPILED)

# tests/reliability (kill -9, frozen broker, rebalance, lost state...) takes minutes: `make reliability`.
test: install promtool openssl lint compiled
	BRANDGUARD_REQUIRE_COMPILED=1 BRANDGUARD_EXPECT_BUILD=python $(PY) -m pytest -q \
	  --ignore=tests/reliability $(PYTEST_ARGS)
	$(ON_COMPILED) BRANDGUARD_EXPECT_BUILD=compiled $(VENV)/bin/pytest -q --import-mode=append \
	  tests/unit tests/integration/test_worker.py::test_live_worker_matches_replay

unit: install
	$(PY) -m pytest -q tests/unit signals $(PYTEST_ARGS)

integration: install
	$(PY) -m pytest -q tests/integration $(PYTEST_ARGS)

# Live workers through faults (kill -9, a frozen broker, a rebalance, a wiped or stale
# state folder, hostile records), each against replay (about 20 minutes; -s prints
# the figures).
reliability: install
	$(PY) -m pytest -q -s tests/reliability $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check signals streams tests bench scripts
	$(VENV)/bin/mypy

# Not part of `make test`: live catch-up, scale-out, latency and memory on a local
# broker, then replay; ~15 minutes on two cores, one table, bench/results/latest.json.
# Every figure is a ratio to a baseline of the same run. BENCH_ARGS=--full for the
# issue's sizes (hours); each bench/bench_*.py also runs on its own (--help).
BENCH_ARGS ?=

bench: install compiled
	$(PY) bench/run_all.py --compiled $(COMPILED) $(BENCH_ARGS)

run: install compiled
	$(ON_COMPILED) $(BG) run

kafka-up: install
	$(BG) kafka start

kafka-down: install
	$(BG) kafka stop

kafka-status: install
	$(BG) kafka status

# Regenerate the pinned versions after changing dependency ranges.
constraints: install
	$(PY) -m pip freeze --exclude-editable | grep -v '^brandguard' > constraints.txt

clean:
	-$(BG) kafka stop 2>/dev/null
	rm -rf $(VENV) .run build *.egg-info
