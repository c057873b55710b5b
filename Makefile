# The two commands: `make run` starts everything on this machine,
# `make test` is what CI runs.
GO        ?= go
DATA      ?= ./data
LDFLAGS   := -X main.version=$(shell git describe --always --dirty 2>/dev/null || echo dev)

.PHONY: run test build vet bench load clean contracts web fuzz

run: build
	./bin/livegate dev --data $(DATA)

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/livegate ./cmd/livegate

test: vet
	$(GO) test -race -count=1 -timeout 20m ./...

vet:
	@test -z "$$(gofmt -l .)" || (echo "gofmt needed:"; gofmt -l .; exit 1)
	$(GO) vet ./...

# Every Go fuzz target for FUZZTIME (default 5m) each; `make test`
# replays their corpora (testdata/fuzz) as regression tests. See .ci/fuzz.
fuzz:
	.ci/fuzz

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# The load tool against a real livegate serve process (see BENCHMARKS.md).
load: build
	$(GO) run ./cmd/lgload --livegate ./bin/livegate

# Recompile the Solidity contracts and regenerate the Go bindings (needs
# `npm ci` once). The outputs are committed: `go build` never needs Node.
contracts: node_modules/.package-lock.json
	$(GO) run ./contracts/gen

# Bundle the pages' scripts (hls.js, ethers) with esbuild (needs `npm ci`
# once). The bundles are committed and embedded: `make run` needs no Node.
web: node_modules/.package-lock.json
	cmd/livegate/web/build.sh

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund

clean:
	rm -rf bin
