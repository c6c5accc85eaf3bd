# Everything runs through the Go workspace (go.work): shared/ and cli/.
SHELL := /bin/bash
GO    ?= go
BIN   := bin/inventory
DB    ?= inventory.db
PKGS  := ./shared/... ./cli/...

.PHONY: all build demo test vet bench fmt clean

all: build

build:
	$(GO) build -trimpath -o $(BIN) ./cli

# Collect a synthetic organization of a few dozen accounts (one account denies
# the member role, one is suspended, one region is not opted in: the demo
# shows how those are reported), then summarise it. Exit status 3 from
# collect means "some items failed, see the replay hint", which is the point.
demo: build
	$(BIN) collect --demo --db $(DB) --no-progress; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 3 ]
	$(BIN) summary --db $(DB)

vet:
	$(GO) vet $(PKGS)
	@unformatted=$$(gofmt -l shared cli); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi

test: vet
	$(GO) test -count=1 $(PKGS)

# Benchmarks: a 200-account × 4-region synthetic organization with AWS-like
# rate limits and 20 ms per call (see README, "Performance").
bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x -benchmem ./shared/pipeline/
	$(GO) test -run '^$$' -bench . -benchmem ./shared/store/sqlite/

fmt:
	gofmt -w shared cli

clean:
	rm -rf bin $(DB) $(DB)-wal $(DB)-shm
