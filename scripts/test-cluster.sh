#!/usr/bin/env bash
# `npm run test:cluster`: Berth's deploy path against a real Kubernetes control plane.
#
#   1. builds the test bed's binaries if needed (scripts/k8s-testbed.sh build; cold ~12-25 min,
#      warm ~2 s) and starts a cluster of its own (kube-apiserver, controller-manager, scheduler,
#      etcd, kwok nodes, metrics-server on 127.0.0.1);
#   2. runs test/cluster/*.test.ts against it, the files in parallel, each one's progress prefixed
#      with its name;
#   3. always tears the cluster down (trap on EXIT/INT/TERM) and fails if any of its processes or
#      its work dir is left behind.
#
# Environment: as scripts/k8s-testbed.sh (BERTH_K8S_CACHE, BERTH_K8S_BUILD_JOBS, ...). The cluster
# gets a name of its own (berth-test-<pid>) unless BERTH_K8S_NAME is set, so it never collides
# with a test bed someone started by hand. Needs Go >= 1.26 on PATH for a cold build, nothing else
# beyond `npm ci`. See docs/k8s-testbed.md, section CI.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
TESTBED="$REPO_ROOT/scripts/k8s-testbed.sh"
# shellcheck disable=SC1091
source "$REPO_ROOT/scripts/k8s/versions.env"

export BERTH_K8S_NAME="${BERTH_K8S_NAME:-berth-test-$$}"
CACHE_ROOT="${BERTH_K8S_CACHE:-$HOME/.cache/berth-k8s}"
BIN_DIR="$CACHE_ROOT/$K8S_VERSION/bin"
WORKDIR="${BERTH_K8S_WORKDIR:-${TMPDIR:-/tmp}/berth-k8s-$(id -u)-$BERTH_K8S_NAME}"
RUN_TMP="$(mktemp -d "${TMPDIR:-/tmp}/berth-test-cluster-XXXXXX")"
T0=$SECONDS

log() { printf '[test-cluster %4ss] %s\n' "$((SECONDS - T0))" "$*" >&2; }

# shellcheck source=k8s/cluster-pids.sh
source "$(dirname "${BASH_SOURCE[0]}")/k8s/cluster-pids.sh"

# Children, grandchildren... of a PID, from /proc (procps may not be installed).
descendants() {
  local p stat ppid
  for p in /proc/[0-9]*; do
    stat="$(cat "$p/stat" 2>/dev/null)" || continue
    # Field 4 is the parent PID; field 2, the command name in parentheses, may contain spaces.
    read -r _ ppid _ <<<"${stat##*) }"
    [[ "$ppid" == "$1" ]] || continue
    echo "${p#/proc/}"
    descendants "${p#/proc/}"
  done
}

TEARDOWN_DONE=0
TEST_PIDS=()
teardown() {
  local rc=$? left p c leftover=0
  [[ $TEARDOWN_DONE -eq 0 ]] || return 0
  TEARDOWN_DONE=1
  trap - EXIT INT TERM
  # Interrupted while tests ran: stop them and the berth/kubectl commands they started (our own
  # processes, by PID) before the cluster goes.
  for p in "${TEST_PIDS[@]}"; do
    for c in $(descendants "$p"); do kill "$c" 2>/dev/null || true; done
    kill "$p" 2>/dev/null && log "stopped test process $p and its children" || true
  done
  # A failure: what the cluster looked like, for the CI log (the cluster's own logs go with it).
  if [[ $rc -ne 0 && -f "$WORKDIR/kubeconfig.yaml" ]]; then
    log "cluster state at failure:"
    "$BIN_DIR/kubectl" --kubeconfig "$WORKDIR/kubeconfig.yaml" get deploy,rs,pods,hpa,pdb -A -o wide 2>&1 | grep -v ' kube-system ' >&2 || true
    "$BIN_DIR/kubectl" --kubeconfig "$WORKDIR/kubeconfig.yaml" get events -A --sort-by=.lastTimestamp 2>&1 | tail -n 40 >&2 || true
  fi
  log "teardown: scripts/k8s-testbed.sh down"
  "$TESTBED" down || { log "ERROR: down failed"; leftover=1; }
  left="$(cluster_pids | tr '\n' ' ')"
  if [[ -n "${left// /}" ]]; then
    log "ERROR: cluster processes still running after down: $left"
    leftover=1
  fi
  if [[ -e "$WORKDIR" ]]; then
    log "ERROR: the cluster's work dir is still there: $WORKDIR"
    leftover=1
  fi
  rm -rf "$RUN_TMP"
  if [[ $leftover -eq 0 ]]; then
    log "teardown: nothing left running (no process of $BIN_DIR for $WORKDIR, work dir removed)"
  elif [[ $rc -eq 0 ]]; then
    rc=1
  fi
  log "done in $((SECONDS - T0)) s, exit $rc"
  exit "$rc"
}
trap teardown EXIT
trap 'log "interrupted"; exit 130' INT TERM

log "Kubernetes $K8S_VERSION test bed '$BERTH_K8S_NAME' (cache $CACHE_ROOT)"
t=$SECONDS
# Go's tarball install (/usr/local/go) is on PATH only through shell profiles; a bare CI shell may
# not have read them.
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
  export PATH="/usr/local/go/bin:$PATH"
  log "go was not on PATH; using /usr/local/go/bin/go"
fi
if command -v go >/dev/null 2>&1; then
  "$TESTBED" build
  log "binaries ready in $((SECONDS - t)) s"
else
  log "go is not on PATH: using the binaries already in $BIN_DIR (up fails if they are missing)"
fi
t=$SECONDS
"$TESTBED" up >/dev/null
log "cluster up in $((SECONDS - t)) s"

export K8S_TESTBED_KUBECONFIG="$WORKDIR/kubeconfig.yaml"
export K8S_TESTBED_KUBECTL="$BIN_DIR/kubectl"
# kubectl's discovery cache: fresh per run (ports repeat between clusters; never the user's ~/.kube/cache).
export KUBECACHEDIR="$RUN_TMP/kube-cache"
[[ -f "$K8S_TESTBED_KUBECONFIG" ]] || { log "ERROR: no kubeconfig at $K8S_TESTBED_KUBECONFIG"; exit 1; }

# One process per file, in parallel: the HPA file spends minutes waiting for metrics, and the
# files use namespaces of their own. A node:test file run directly (no --test) is one process, so
# teardown can stop it by PID. Output lines are prefixed with the file's name.
files=(test/cluster/*.test.ts)
log "running ${#files[@]} test files in parallel: ${files[*]}"
t=$SECONDS
for f in "${files[@]}"; do
  tag="$(basename "$f" .test.ts)"
  # TMPDIR: the tests' temp dirs live in RUN_TMP, which teardown removes even after an interrupt.
  TMPDIR="$RUN_TMP" node --import tsx --test-reporter=spec "$f" > >(sed -u "s/^/[$tag] /") 2>&1 &
  TEST_PIDS+=($!)
done
rc=0
for i in "${!TEST_PIDS[@]}"; do
  if wait "${TEST_PIDS[$i]}"; then
    log "PASS ${files[$i]}"
  else
    log "FAIL ${files[$i]}"
    rc=1
  fi
  unset "TEST_PIDS[$i]" # reaped: never signal that PID again
done
log "tests finished in $((SECONDS - t)) s"
exit "$rc"
