# rops: the two commands of the quickstart are `make demo` and `make test`.
SWIFT      ?= swift
ROPS_DEBUG := .build/debug/rops
ROPS       := .build/release/rops
DATAGEN    := .build/release/rops-datagen
# Demo size; `make demo TRANSACTIONS=13305915` for the full volume.
TRANSACTIONS ?= 1000000

VENV       := .venv-dashboard

.PHONY: all build release test test-dashboard test-citus demo dashboard bench clean db-stop

all: build

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release --product rops
	$(SWIFT) build -c release --product rops-datagen

## test: build and run every test suite (unit + integration against a real PostgreSQL), then the
## dashboard's tests (AppTest and headless chromium against a database built from generated data).
test:
	$(SWIFT) build --build-tests
	$(SWIFT) test
	dashboard/tests/run

## test-citus: the platform on a local Citus cluster (built from ../shared/vendor on first use) must
## serve the same rows as on one PostgreSQL; skipped with a message where Citus cannot be built.
test-citus:
	bash .ci/test-citus

test-dashboard:
	$(SWIFT) build
	dashboard/tests/run

$(VENV)/bin/streamlit: dashboard/requirements.txt dashboard/requirements-test.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q -r dashboard/requirements-test.txt
	touch $@

## dashboard: the Streamlit app over the queries views of the database `make demo` built.
dashboard: $(VENV)/bin/streamlit
	$(VENV)/bin/streamlit run dashboard/app.py

## demo: the whole pipeline on the embedded PostgreSQL: generate data (if data/raw is empty),
## load, build (seeds, models, tests), docs.
demo: release
	@bash .ci/demo "$(ROPS)" "$(DATAGEN)" "$(TRANSACTIONS)"

bench: release
	bash bench/copy_throughput

db-stop:
	@[ -x $(ROPS) ] && $(ROPS) db stop || [ ! -x $(ROPS_DEBUG) ] || $(ROPS_DEBUG) db stop

clean:
	rm -rf .build target
