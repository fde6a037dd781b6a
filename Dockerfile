# syntax=docker/dockerfile:1
# opsd's image, for those who have Docker (or BuildKit). It matches what
# `make image` builds without one: the static opsd binary on distroless
# static (CA certificates, time zones, user 65532 "nonroot"), entrypoint
# opsd, command `run --config /etc/opsd/opsd.yaml`.
#
#   docker buildx build --platform linux/arm64 \
#     --build-arg VERSION=$(scripts/version.sh version) \
#     --build-arg COMMIT=$(scripts/version.sh commit) \
#     --build-arg REVISION=$(scripts/version.sh revision) \
#     --build-arg BUILD_DATE=$(scripts/version.sh date) \
#     -t opsd:$(scripts/version.sh version | tr + -) .
#
# scripts/version.sh reads the VERSION file (v0.2.0 from the release commit,
# v0.2.0-dev+abc1234 between releases). Without a VERSION build argument the
# binary says the VERSION file's version as it stands (v0.2.0-dev, with no
# commit: the build context has no .git) and the version label is empty.

ARG GO_VERSION=1.26.8

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS build
ARG TARGETOS=linux
ARG TARGETARCH
ARG VERSION=
ARG COMMIT=unknown
ARG BUILD_DATE=unknown
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    version="${VERSION:-v$(cat VERSION)}" \
 && CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath \
      -ldflags "-s -w -X main.version=${version} -X main.commit=${COMMIT} -X main.date=${BUILD_DATE}" \
      -o /out/opsd ./cmd/opsd \
 && mkdir -p /out/state

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=
ARG REVISION=unknown
LABEL org.opencontainers.image.title="opsd" \
      org.opencontainers.image.description="opsd, the cloud engineering operations daemon for AWS" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="https://github.com/opsd-dev/opsd"
COPY --from=build /out/opsd /usr/local/bin/opsd
COPY deploy/image/opsd.yaml /etc/opsd/opsd.yaml
# opsd's state directory (state.path), which the user must be able to write.
COPY --from=build --chown=65532:65532 --chmod=0700 /out/state /var/lib/opsd
USER 65532
# As in the image make image builds: ask the daemon's /readyz, no shell needed.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/usr/local/bin/opsd", "healthcheck", "--config", "/etc/opsd/opsd.yaml"]
ENTRYPOINT ["/usr/local/bin/opsd"]
CMD ["run", "--config", "/etc/opsd/opsd.yaml"]
