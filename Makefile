# Every target creates and uses .venv on its own: `make run` and `make test` on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run test suite lint format migrate bench soak worker clean demo browser fonts wrk

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed  ## migrate and serve on http://127.0.0.1:8000 (embedded PostgreSQL without DATABASE_URL)
	$(BIN)/dukaan serve

demo: $(VENV)/.installed  ## a demo shop with three months of history in the database `make run` uses; prints its login
	$(BIN)/dukaan demo

migrate: $(VENV)/.installed
	$(BIN)/dukaan migrate

worker: $(VENV)/.installed  ## send the outbox (run with DISPATCHER=off on the API; any number of workers)
	$(BIN)/dukaan worker

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check app tests benchmarks migrations
	$(BIN)/ruff format --check app tests benchmarks migrations
	$(BIN)/mypy app
	$(BIN)/lint-imports

test: lint suite  ## lint, type-check, layer contracts, then the suite on real PostgreSQL

suite: $(VENV)/.installed-dev browser fonts  ## the test suite alone (TEST_DATABASE_URL picks the server)
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

# Optional Debian packages, installed when missing and we can (root with apt-get); otherwise, or
# if the install fails, what needs them says so and does without:
# $(call apt_install,what,packages,what happens without them)
define apt_install
if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
  echo "installing $(1)"; \
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2); } \
    >/dev/null 2>&1 || echo "could not install $(1): $(3)"; \
else \
  echo "no $(1) and no root apt-get: $(3)"; \
fi
endef

# The browser tests (tests/web/test_docs_offline.py) drive Debian's Chromium through Playwright;
# Playwright's own browser download is not used.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  $(call apt_install,Debian's chromium for the browser tests,chromium,the browser tests will skip); }

# The sales load comes from wrk when it is there (it costs the 2-core machine less CPU per
# request than the asyncio client, which the bench uses otherwise and says so).
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  $(call apt_install,wrk for the sales load,wrk,the bench uses its asyncio client); }

# The generated bill corpus (tests/bill_corpus) draws with Debian's fonts when they are there
# (printed, monospace and handwriting faces); without them it uses fewer fonts and says so.
FONT_PACKAGES := fonts-urw-base35 fonts-freefont-ttf fonts-liberation2 fonts-comic-neue fonts-humor-sans
fonts:
	@fc-list 2>/dev/null | grep -q "Nimbus Mono PS" && fc-list | grep -q "FreeMono" \
	  && fc-list | grep -q "Liberation Mono" && fc-list | grep -q "Comic Neue" \
	  && fc-list | grep -q "Humor Sans" || { \
	  $(call apt_install,Debian fonts for the bill corpus,$(FONT_PACKAGES),the bill corpus uses fewer fonts); }

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix app tests benchmarks migrations
	$(BIN)/ruff format app tests benchmarks migrations

bench: $(VENV)/.installed-dev fonts wrk
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.sale_writes
	$(BIN)/python -m benchmarks.imports
	$(BIN)/python -m benchmarks.ocr

soak: $(VENV)/.installed-dev  ## 10 minutes of sales at half the bench rate: errors, p99 per minute, RSS
	$(BIN)/python -m benchmarks.soak

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
