# rops: the two commands of the quickstart are `make demo` and `make test`.
SWIFT      ?= swift
ROPS_DEBUG := .build/debug/rops
ROPS       := .build/release/rops

.PHONY: all build release test demo bench clean db-stop

all: build

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release --product rops

## test: build and run every test suite (unit + integration against a real PostgreSQL).
test:
	$(SWIFT) build --build-tests
	$(SWIFT) test

## demo: start the embedded PostgreSQL and run the pipeline as far as it exists.
demo: release
	$(ROPS) db start
	$(ROPS) debug
	@echo
	@echo "The embedded database is running. Stop it with: $(ROPS) db stop"

bench: release
	bash bench/copy_throughput

db-stop:
	@[ -x $(ROPS) ] && $(ROPS) db stop || [ ! -x $(ROPS_DEBUG) ] || $(ROPS_DEBUG) db stop

clean:
	rm -rf .build target
