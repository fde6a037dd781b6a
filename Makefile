# opsd — the cloud engineering operations daemon.

GO            ?= go
STATICCHECK   ?= $(shell command -v staticcheck 2>/dev/null || echo $(shell $(GO) env GOPATH)/bin/staticcheck)
# The version from the VERSION file (v0.2.0 built from the release commit,
# v0.2.0-dev+abc1234 between releases), the commit and its day (scripts/version.sh).
VERSION       ?= $(shell scripts/version.sh version)
COMMIT        ?= $(shell scripts/version.sh commit)
BUILD_DATE    ?= $(shell scripts/version.sh date)
LDFLAGS       := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(BUILD_DATE)
PKGS          := ./...
FUZZTIME      ?= 10s
# package:FuzzTarget pairs that `make fuzz` runs, each for FUZZTIME.
FUZZ_TARGETS  := ./shutdown:FuzzSchedulePeriods ./shutdown:FuzzTags ./config:FuzzParse ./dlq:FuzzRecordRoundTrip

.PHONY: all build test test-long fuzz lint fmt vet staticcheck demo bench clean image release

all: lint test build

## build: the opsd binary in ./bin/opsd (static, stripped)
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/opsd ./cmd/opsd

## test: every test, including the integration tests against moto_server.
## The fault-injection tests (internal/faults) run alone, after the rest:
## their call timeouts and retry budgets are real, and other packages'
## tests on the same cores made them fail for want of CPU.
test:
	@[ -x "$${CHROMIUM_BIN:-/usr/bin/chromium}" ] || echo "make test: $${CHROMIUM_BIN:-/usr/bin/chromium} is missing, so the /report page is NOT checked in a browser (apt-get install chromium; CI=true makes it a failure)" >&2
	$(GO) vet $(PKGS)
	$(GO) test -count=1 -timeout 15m $$($(GO) list $(PKGS) | grep -v '/internal/faults$$')
	$(GO) test -count=1 -timeout 15m ./internal/faults/

## test-long: the DLQ kill -9 test against moto at 1,000 messages and 40 kills (10,000 run in make test, against the simulated AWS)
test-long:
	DLQ_KILL_MESSAGES=1000 DLQ_KILLS=40 $(GO) test -count=1 -timeout 60m -run 'TestDLQArchiveSurvivesKillNine' -v ./internal/faults/

## fuzz: every fuzz target for FUZZTIME each (the seed corpora also run in make test)
fuzz:
	@for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; name=$${t##*:}; \
	  echo "fuzz $$pkg $$name for $(FUZZTIME)"; \
	  $(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

## lint: gofmt, go vet and staticcheck
lint: fmt vet staticcheck

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

staticcheck:
	$(STATICCHECK) $(PKGS)

## demo: a small estate in a local emulator; shutdown, patching, backup and dlq run on it
demo: build
	./demo/run.sh

## bench: the benchmarks, written to BENCHMARKS.md
bench:
	./bench/run.sh

clean:
	rm -rf bin .demo

# The image's platform is linux/IMAGE_ARCH (the ECS task definition runs ARM64).
IMAGE_ARCH    ?= $(shell $(GO) env GOARCH)
IMAGE_REPO    ?= opsd

## image: the container image, without Docker: bin/opsd-image.tar (docker load, crane push) and the OCI layout bin/opsd-image.oci
image:
	CGO_ENABLED=0 GOOS=linux GOARCH=$(IMAGE_ARCH) $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/opsd-linux-$(IMAGE_ARCH) ./cmd/opsd
	$(GO) run ./cmd/opsd-image -binary bin/opsd-linux-$(IMAGE_ARCH) -version '$(VERSION)' \
	  -revision '$(shell scripts/version.sh revision)' -created '$(shell scripts/version.sh created)' \
	  -repo '$(IMAGE_REPO)' -o bin/opsd-image.tar -layout bin/opsd-image.oci

## release: dist/opsd_VERSION_linux_{amd64,arm64}, the CycloneDX SBOM of each (cmd/opsd-sbom), and SHA256SUMS
release:
	GO='$(GO)' VERSION='$(VERSION)' COMMIT='$(COMMIT)' BUILD_DATE='$(BUILD_DATE)' ./scripts/release.sh
