#!/usr/bin/env bash
# Regenerate the wrapper Go modules under scripts/k8s/ from scripts/k8s/versions.env.
#
# Each wrapper is a tiny main module whose only job is to pin one upstream release and name the
# commands to build as `tool` directives. They exist because:
#   * k8s.io/kubernetes requires its staging modules (k8s.io/api, k8s.io/apiserver, ...) at
#     v0.0.0 and maps them with `replace => ./staging/...`; `go install k8s.io/kubernetes/...@v1.x`
#     is refused. Our wrapper replaces each staging module with its published v0.X.Y instead
#     (the publishing bot tags k8s.io/<staging> v0.X.Y for Kubernetes v1.X.Y).
#   * go.etcd.io/etcd/server/v3 uses relative replaces (=> ../api), same story.
#   * kwok and metrics-server would `go install` fine; wrapping them too gives one uniform
#     build path and committed go.sum files.
#
# Uses only the Go module proxy (and its checksum database). Run it after editing versions.env,
# then commit scripts/k8s/*/go.mod and go.sum.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck disable=SC1091
source "$HERE/versions.env"

CACHE_ROOT="${BERTH_K8S_CACHE:-$HOME/.cache/berth-k8s}"
export GOMODCACHE="${GOMODCACHE_OVERRIDE:-$CACHE_ROOT/gomodcache}"
export GOFLAGS="-mod=mod"
export GOWORK=off

log() { printf '[update-wrappers] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# gomod_of MODULE@VERSION -> path of the downloaded go.mod file
gomod_of() {
  local json file
  json="$(go mod download -json "$1")" || die "go mod download $1 failed: $json"
  file="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -n "$file" && -f "$file" ]] || die "could not find go.mod of $1 in: $json"
  printf '%s\n' "$file"
}

# fresh_module DIR MODULE_PATH GO_DIRECTIVE
fresh_module() {
  local dir="$1" path="$2" godir="$3"
  mkdir -p "$dir"
  rm -f "$dir/go.mod" "$dir/go.sum"
  (cd "$dir" && go mod init "$path" >/dev/null 2>&1 && go mod edit -go="$godir")
}

go_directive_of() { sed -n 's/^go \([0-9.]*\)$/\1/p' "$1" | head -n1; }

gen_kubernetes() {
  local dir="$HERE/kubernetes" kmod minor patch staging godebug
  log "kubernetes $K8S_VERSION"
  kmod="$(gomod_of "k8s.io/kubernetes@$K8S_VERSION")"
  minor="$(echo "$K8S_VERSION" | cut -d. -f2)"
  patch="$(echo "$K8S_VERSION" | cut -d. -f3)"
  fresh_module "$dir" berth.local/k8s-testbed/kubernetes "$(go_directive_of "$kmod")"
  cd "$dir"
  godebug="$(sed -n 's/^godebug default=\(go[0-9.]*\)$/\1/p' "$kmod")"
  [[ -n "$godebug" ]] && go mod edit -godebug=default="$godebug"
  # The staging list is derived from the release's own go.mod, never hard-coded.
  staging="$(sed -n 's|^[[:space:]]*\(k8s.io/[A-Za-z0-9._-]*\)[[:space:]]*=>[[:space:]]*\./staging/.*|\1|p' "$kmod")"
  [[ -n "$staging" ]] || die "no staging replaces found in $kmod"
  local m
  for m in $staging; do
    go mod edit -replace="$m=$m@v0.$minor.$patch"
  done
  go mod edit -require="k8s.io/kubernetes@$K8S_VERSION"
  go get -tool \
    "k8s.io/kubernetes/cmd/kube-apiserver@$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kube-controller-manager@$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kube-scheduler@$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kubectl@$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kubelet@$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kube-proxy@$K8S_VERSION"
  go mod tidy
  go mod verify >/dev/null
  cd - >/dev/null
}

gen_etcd() {
  local dir="$HERE/etcd" emod
  log "etcd $ETCD_VERSION"
  emod="$(gomod_of "go.etcd.io/etcd/server/v3@$ETCD_VERSION")"
  fresh_module "$dir" berth.local/k8s-testbed/etcd "$(go_directive_of "$emod")"
  cd "$dir"
  go get -tool "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  go mod tidy
  cd - >/dev/null
}

gen_kwok() {
  local dir="$HERE/kwok" mod
  log "kwok $KWOK_VERSION"
  mod="$(gomod_of "sigs.k8s.io/kwok@$KWOK_VERSION")"
  fresh_module "$dir" berth.local/k8s-testbed/kwok "$(go_directive_of "$mod")"
  cd "$dir"
  go get -tool "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" "sigs.k8s.io/kwok/cmd/kwokctl@$KWOK_VERSION"
  go mod tidy
  cd - >/dev/null
}

gen_metrics_server() {
  local dir="$HERE/metrics-server" mod
  log "metrics-server $METRICS_SERVER_VERSION"
  mod="$(gomod_of "sigs.k8s.io/metrics-server@$METRICS_SERVER_VERSION")"
  fresh_module "$dir" berth.local/k8s-testbed/metrics-server "$(go_directive_of "$mod")"
  cd "$dir"
  go get -tool "sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_SERVER_VERSION"
  go mod tidy
  cd - >/dev/null
}

main() {
  local which="${1:-all}"
  case "$which" in
    all) gen_kubernetes; gen_etcd; gen_kwok; gen_metrics_server ;;
    kubernetes) gen_kubernetes ;;
    etcd) gen_etcd ;;
    kwok) gen_kwok ;;
    metrics-server) gen_metrics_server ;;
    *) die "usage: $0 [all|kubernetes|etcd|kwok|metrics-server]" ;;
  esac
  log "done; commit scripts/k8s/*/go.mod and go.sum"
}

main "$@"
