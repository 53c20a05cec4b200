# Two commands set everything up: `make run` and `make test`.
# Both bootstrap .venv on their own; the stamp makes that idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench console wheel deploy-check clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench,webhooks]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/ictdigest run

console: $(STAMP)
	$(BIN)/ictdigest console

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff format --check bot digests tests bench
	$(BIN)/ruff check bot digests tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format bot digests tests bench
	$(BIN)/ruff check --fix bot digests tests bench

bench: $(STAMP)
	$(BIN)/python -m bench

wheel: $(STAMP)
	$(BIN)/python -m build --wheel --outdir dist .

# Builds the wheel, installs it as the Dockerfile does, verifies the systemd unit.
deploy-check: $(STAMP)
	deploy/check-deploy.sh

clean:
	rm -rf $(VENV) dist build *.egg-info .pytest_cache .mypy_cache .ruff_cache
