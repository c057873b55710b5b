# The two commands: `make run` starts everything on this machine,
# `make test` is what CI runs.
GO        ?= go
DATA      ?= ./data
LDFLAGS   := -X main.version=$(shell git describe --always --dirty 2>/dev/null || echo dev)

.PHONY: run test build vet lint bench load clean contracts web fuzz

run: build
	./bin/livegate dev --data $(DATA)

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/livegate ./cmd/livegate

test: vet lint
	$(GO) test -race -count=1 -timeout 20m ./...

vet:
	@test -z "$$(gofmt -l .)" || (echo "gofmt needed:"; gofmt -l .; exit 1)
	$(GO) vet ./...

# Every Go fuzz target for FUZZTIME (default 5m) each; `make test`
# replays their corpora (testdata/fuzz) as regression tests. See .ci/fuzz.
fuzz:
	.ci/fuzz

# golangci-lint (.golangci.yml): .ci/run installs it; elsewhere, without
# it, lint is skipped with a note (never in CI).
GOLANGCI ?= $(shell command -v golangci-lint || echo $$($(GO) env GOPATH)/bin/golangci-lint)
lint:
	@if [ -x "$(GOLANGCI)" ]; then $(GOLANGCI) run ./...; \
	elif [ "$$CI" = true ]; then echo "golangci-lint is missing: .ci/run installs it"; exit 1; \
	else echo "golangci-lint not installed, lint skipped: go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0"; fi

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
