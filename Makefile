# rops: the two commands of the quickstart are `make demo` and `make test`.
SWIFT      ?= swift
ROPS_DEBUG := .build/debug/rops
ROPS       := .build/release/rops
DATAGEN    := .build/release/rops-datagen
# Demo size; `make demo TRANSACTIONS=13305915` for the full volume.
TRANSACTIONS ?= 1000000

.PHONY: all build release test demo bench clean db-stop

all: build

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release --product rops
	$(SWIFT) build -c release --product rops-datagen

## test: build and run every test suite (unit + integration against a real PostgreSQL).
test:
	$(SWIFT) build --build-tests
	$(SWIFT) test

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
