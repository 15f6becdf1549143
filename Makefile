# brandguard developer entry points. `make run` and `make test` each do their
# own set-up (venv, packages, Kafka jars, promtool) on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BG := $(VENV)/bin/brandguard
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
.DEFAULT_GOAL := test

install: $(STAMP)

# The development venv: an editable install, which is always plain Python (setup.py),
# so that an edit runs at once.
$(STAMP): pyproject.toml setup.py constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -U pip
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

# kubectl kustomize (or kustomize) renders deploy/k8s in the tests; without either,
# kustomize is built from its Go module.
KUSTOMIZE_VERSION := v5.5.0
kustomize:
	@command -v kubectl >/dev/null 2>&1 || command -v kustomize >/dev/null 2>&1 \
	  || test -x $(VENV)/bin/kustomize || { \
	  echo "installing kustomize $(KUSTOMIZE_VERSION) into $(VENV)/bin"; \
	  GOBIN=$(abspath $(VENV))/bin go install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION) \
	  || echo "warning: could not install kustomize; the kustomize tests will be skipped"; }

# The compiled build as users get it: `pip wheel .` (setup.py compiles the hot modules
# of signals with mypyc), installed into its own venv. `make run` runs it, `make test`
# checks it against the plain build. Rebuilt when a source changes (mypyc: ~2 minutes),
# from a fresh build/lib: a module deleted from the sources must not linger in the wheel.
COMPILED_VENV := .venv-compiled
COMPILED_PY := $(COMPILED_VENV)/bin/python
COMPILED_STAMP := $(COMPILED_VENV)/.installed
WHEELS := build/wheels
PACKAGE_SOURCES := $(shell find signals streams -name '*.py' -o -name '*.json')

compiled: $(COMPILED_STAMP)

$(COMPILED_STAMP): $(PACKAGE_SOURCES) setup.py pyproject.toml constraints.txt README.md
	test -x $(COMPILED_PY) || $(PYTHON) -m venv $(COMPILED_VENV)
	$(COMPILED_PY) -m pip install -q -U pip
	rm -rf $(WHEELS) build/lib.* build/bdist.*
	$(COMPILED_PY) -m pip wheel -q --no-deps -w $(WHEELS) .
	$(COMPILED_PY) -m pip install -q -c constraints.txt "$$(ls $(WHEELS)/brandguard-*.whl)[dev]"
	$(COMPILED_PY) -m pip install -q --force-reinstall --no-deps $(WHEELS)/brandguard-*.whl
	touch $(COMPILED_STAMP)

# Everything on the plain build (which also checks the compiled build's replays against
# it), then the unit tests and a live worker on a real broker on the compiled build.
# The compiled pass imports brandguard from the compiled venv's site-packages:
# --import-mode=append keeps pytest from putting the repository root (tests/ is a
# package) ahead of it, and PYTHONSAFEPATH keeps the working directory off sys.path
# in the workers the tests start (python -m).
# tests/reliability (kill -9, frozen broker, rebalance, lost state...) takes minutes: `make reliability`.
test: install compiled promtool openssl kustomize lint
	BRANDGUARD_REQUIRE_COMPILED=1 BRANDGUARD_EXPECT_BUILD=python $(PY) -m pytest -q \
	  --ignore=tests/reliability $(PYTEST_ARGS)
	PYTHONSAFEPATH=1 BRANDGUARD_EXPECT_BUILD=compiled $(COMPILED_VENV)/bin/pytest -q \
	  --import-mode=append tests/unit tests/integration/test_worker.py::test_live_worker_matches_replay

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
	$(VENV)/bin/ruff check signals streams tests bench scripts setup.py
	$(VENV)/bin/mypy

# Not part of `make test`: live catch-up, scale-out, latency and memory on a local
# broker, then replay; ~15 minutes on two cores, one table, bench/results/latest.json.
# Every figure is a ratio to a baseline of the same run. BENCH_ARGS=--full for the
# issue's sizes (hours); each bench/bench_*.py also runs on its own (--help).
BENCH_ARGS ?=

bench: install compiled
	$(PY) bench/run_all.py --compiled $(COMPILED_VENV) $(BENCH_ARGS)

# Not part of `make test` or `make bench`: one worker (compiled build) fed simulated
# events in real time for SOAK_MINUTES (default 30) at half the rate it catches up at
# (measured first), sellers growing; prints RSS, lag, latency and dead letters over time
# and the pass criteria, and writes bench/results/soak.json. SOAK_ARGS=--help for more.
SOAK_MINUTES ?= 30
SOAK_ARGS ?=

soak: install compiled
	$(PY) bench/soak.py --compiled $(COMPILED_VENV) --minutes $(SOAK_MINUTES) $(SOAK_ARGS)

# the compiled build, installed from its wheel (make compiled)
run: compiled
	$(COMPILED_VENV)/bin/brandguard run

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
	rm -rf $(VENV) $(COMPILED_VENV) .run build *.egg-info
