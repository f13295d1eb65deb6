# frontdoor-sim — two commands on a fresh machine with python3, pip and make:
#   make run    set up the locked environment and run the default baseline
#   make test   set up and run every check: lint, types, tests (incl. notebooks)
#   make app    set up (with the app extra) and serve the leaders' page on 127.0.0.1
#   make test-scale   the scale-out engines (Dask, Ray, Slurm/Ray launchers) in venvs of their own
# The environment is installed from uv.lock by uv (itself installed by pip into .tools/).

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
VENV := .venv
UV := $(TOOLS)/bin/uv
BIN := $(VENV)/bin
# Scale-out engines (optional extras; docs/scaling.md) live in venvs of their own, so .venv stays
# lean. hydra-ray-launcher cannot share one with dask (pyproject.toml [tool.uv] conflicts).
SCALE_VENV := .venv-scale
RAY_LAUNCHER_VENV := .venv-ray-launcher
PYTEST_WORKERS ?= 2
APP_PORT ?= 8501
# The leaders' page (Streamlit, Playwright for its browser test) is the optional extra `app`:
# `make app` and `make test` sync it into .venv from uv.lock; `make setup` alone does not.
APP_SYNCED := $(VENV)/.synced-app

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export MPLBACKEND := Agg
# Let Python cache bytecode: every test that starts `frontdoor` would otherwise recompile it all.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help setup run app test test-long test-scale lint typecheck unit verify format bench lock clean

help:
	@echo "make run    - set up and run the default baseline (ARGS='key=value ...' for overrides)"
	@echo "make app    - serve the leaders' page on http://127.0.0.1:$(APP_PORT) (APP_PORT=N)"
	@echo "make test   - set up and run lint, type checks and the test suite (all but -m long)"
	@echo "make test-long - the longest functional tests (CI runs them after make test)"
	@echo "make test-scale - install the Dask/Ray/Slurm extras into .venv-scale (and the Ray"
	@echo "               launcher into .venv-ray-launcher) and run the -m scale tests"
	@echo "make verify - only the queueing-theory verification tests"
	@echo "make bench  - the performance benchmark (benchmarks/)"
	@echo "make format - format the code with ruff"
	@echo "make lock   - refresh uv.lock after changing dependencies"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

# The app extra on top of the locked environment; it also counts as set up.
$(APP_SYNCED): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON) --extra app
	@touch $(VENV)/.synced $@

setup: $(VENV)/.synced

run: setup
	$(BIN)/frontdoor $(ARGS)

app: $(APP_SYNCED)
	$(BIN)/frontdoor-app --port $(APP_PORT) $(ARGS)

lint: setup
	$(BIN)/ruff check sim tests experiments benchmarks notebooks
	$(BIN)/ruff format --check sim tests experiments benchmarks notebooks
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/pytest tests/unit -q

verify: setup
	$(BIN)/pytest tests/verification -q

# The page's AppTest and browser test (tests/app) run here, so the app extra is synced first.
test: $(APP_SYNCED) lint typecheck
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadscope --durations=10 -m "not long and not scale"

# The longest functional tests (paired-run equivalence, experiment commands end to end): CI
# runs them after `make test`, which stays under ten minutes on two cores.
test-long: setup
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadscope --durations=10 -m "long and not scale"

# Dask, Ray and the Hydra launchers (tests/scale): each venv is synced from uv.lock with its extras
# and the dev group; FRONTDOOR_SCALE_EXTRAS turns a missing engine from a skip into a failure.
# `make setup` and .venv are untouched; `make clean` removes these venvs too.
test-scale: | $(UV)
	UV_PROJECT_ENVIRONMENT=$(SCALE_VENV) $(UV) sync --frozen --python $(PYTHON) \
		--extra dask --extra ray --extra slurm
	FRONTDOOR_SCALE_EXTRAS=dask,ray,slurm $(SCALE_VENV)/bin/pytest -n 0 --durations=10 -m scale \
		tests/scale --ignore=tests/scale/test_ray_launcher_sweep.py
	UV_PROJECT_ENVIRONMENT=$(RAY_LAUNCHER_VENV) $(UV) sync --frozen --python $(PYTHON) \
		--extra ray --extra ray-launcher
	FRONTDOOR_SCALE_EXTRAS=ray-launcher $(RAY_LAUNCHER_VENV)/bin/pytest -n 0 --durations=10 \
		-m scale tests/scale/test_ray_launcher_sweep.py

format: setup
	$(BIN)/ruff format sim tests experiments benchmarks notebooks
	$(BIN)/ruff check --fix sim tests experiments benchmarks notebooks

bench: setup
	$(BIN)/python benchmarks/bench_replication.py

lock: $(UV)
	$(UV) lock

clean:
	rm -rf $(VENV) $(SCALE_VENV) $(RAY_LAUNCHER_VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
