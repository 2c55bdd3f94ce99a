# Landstock — `make run` serves the Qidong sample at http://127.0.0.1:8000, `make test` runs every
# test on SpatiaLite and PostGIS. Both install what is missing first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Debian/Ubuntu packages: what the service needs, and what the tests add (PostGIS, GDAL's
# ogrinfo for the OGC API tests, a headless Chromium for the page tests).
# The pages' JS/CSS come from the npm registry (package-lock.json) into node_modules/, served by
# Landstock itself: npm is installed only where it is missing. WeasyPrint draws the PDF reports
# with Pango, in a CJK font embedded in each PDF (and shown by the test browser's screenshots).
RUN_PACKAGES := libsqlite3-mod-spatialite libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-microhei
NODE_PACKAGES := $(if $(shell command -v npm 2>/dev/null),,nodejs npm)
TEST_PACKAGES := $(RUN_PACKAGES) postgresql postgresql-postgis gdal-bin chromium chromium-driver

.PHONY: run test lint bench bench-import bench-web sample lock assets system-run system-test clean

run: system-run $(VENV)/.installed node_modules/.installed
	$(BIN)/landstock demo
	$(BIN)/landstock serve --host $(HOST) --port $(PORT)

test: system-test $(VENV)/.installed node_modules/.installed lint
	$(BIN)/python -m pytest -n 2 --durations=15

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: system-test $(VENV)/.installed node_modules/.installed
	$(BIN)/python -m bench.inventory $(BENCH_ARGS)
	$(BIN)/python -m bench.import_export
	$(BIN)/python -m bench.match
	$(BIN)/python -m bench.web
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.ogc

bench-import: system-test $(VENV)/.installed
	$(BIN)/python -m bench.import_export $(BENCH_ARGS)

bench-web: system-test $(VENV)/.installed node_modules/.installed
	$(BIN)/python -m bench.web $(BENCH_ARGS)

sample: $(VENV)/.installed
	$(BIN)/python -m data.generate

system-run:
	@sh .ci/system-packages.sh $(RUN_PACKAGES) $(NODE_PACKAGES)

system-test:
	@sh .ci/system-packages.sh $(TEST_PACKAGES) $(NODE_PACKAGES)

# Browser assets, exactly as package-lock.json pins them; no install scripts run.
assets: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

$(VENV)/.installed: pyproject.toml requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Landstock needs Python 3.11 or newer (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3"
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

# Re-pin every dependency, with hashes, after editing pyproject.toml.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv && .lock-venv/bin/python -m pip install --quiet "uv==0.13.9"
	.lock-venv/bin/uv pip compile --quiet --python-version 3.11 --generate-hashes pyproject.toml -o requirements.lock
	.lock-venv/bin/uv pip compile --quiet --python-version 3.11 --generate-hashes pyproject.toml --group dev -o requirements-dev.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache test-artifacts
