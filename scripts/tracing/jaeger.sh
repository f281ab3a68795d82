#!/usr/bin/env bash
# Jaeger (v2, the OpenTelemetry Collector-based all-in-one) as the tracing tests' real backend:
# built once from the Go module proxy, cached by version.
#
#   scripts/tracing/jaeger.sh build   build (or reuse) the binary; prints its path
#   scripts/tracing/jaeger.sh path    prints where the binary is (built or not)
#
# The version is pinned by the wrapper module scripts/tracing/jaeger/go.mod (`tool` directive).
# Environment: BERTH_CACHE (default ~/.cache/berth): the binary goes to
# $BERTH_CACHE/jaeger/<version>/jaeger, Go's module and build caches to $BERTH_CACHE/go/.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WRAPPER="$HERE/jaeger"
PACKAGE=github.com/jaegertracing/jaeger/cmd/jaeger
VERSION="$(sed -n 's#^\s*github.com/jaegertracing/jaeger \(v[^ ]*\).*#\1#p' "$WRAPPER/go.mod" | head -n1)"
CACHE="${BERTH_CACHE:-$HOME/.cache/berth}"
BIN="$CACHE/jaeger/$VERSION/jaeger"

log() { printf '[jaeger] %s\n' "$*" >&2; }

build() {
  if [[ -x "$BIN" ]]; then
    log "cached: $BIN"
  else
    command -v go >/dev/null 2>&1 || { log "go is not on PATH"; exit 1; }
    export GOMODCACHE="$CACHE/go/gomodcache" GOCACHE="$CACHE/go/gocache" GOWORK=off CGO_ENABLED=0
    export GOFLAGS="-trimpath -mod=readonly -buildvcs=false"
    mkdir -p "$(dirname "$BIN")"
    local started=$SECONDS
    log "building $PACKAGE@$VERSION (cold: several minutes) ..."
    (cd "$WRAPPER" && go build -ldflags "-s -w" -o "$BIN.tmp" "$PACKAGE")
    mv -f "$BIN.tmp" "$BIN"
    log "built in $((SECONDS - started))s: $BIN"
  fi
  echo "$BIN"
}

case "${1:-}" in
  build) build ;;
  path) echo "$BIN" ;;
  *) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
