# brandguard developer entry points. `make run` and `make test` each do their
# own set-up (venv, packages, Kafka jars, promtool) on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BG := $(VENV)/bin/brandguard
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: install test unit integration lint typecheck bench run kafka-up kafka-down kafka-status \
        promtool clean constraints

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

test: install promtool lint
	$(PY) -m pytest -q $(PYTEST_ARGS)

unit: install
	$(PY) -m pytest -q tests/unit signals $(PYTEST_ARGS)

integration: install
	$(PY) -m pytest -q tests/integration $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check signals streams tests bench
	$(VENV)/bin/mypy

bench: install
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

run: install
	$(BG) run

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
