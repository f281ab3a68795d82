#!/usr/bin/env bash
# `npm run test:cluster`: Berth's deploy path against real Kubernetes, in two parts.
#
#   1. Simulated nodes (kwok): builds the test bed's binaries if needed (scripts/k8s-testbed.sh
#      build; cold ~12-25 min, warm ~2 s), starts a cluster of its own (kube-apiserver,
#      controller-manager, scheduler, etcd, kwok nodes, metrics-server on 127.0.0.1) and runs
#      test/cluster/*.test.ts against it, the files in parallel, each one's progress prefixed with
#      its name. Many nodes, GPUs and HPA ranges beyond this machine's cores are simulated there.
#   2. A real node (scripts/k8s-real-node.sh): a kubelet, containerd and a registry in a network
#      namespace of their own; test/cluster/real-node/*.test.ts run one after the other inside
#      that namespace, on real containers (probes, rollouts under load, memory limits, the HPA on
#      real CPU, image pulls and rollbacks). Needs root; skipped without it (a failure in CI).
#   3. Always tears both down (trap on EXIT/INT/TERM) and fails if any of their processes, mounts,
#      network namespaces, cgroups or work dirs are left behind.
#
# Environment: as scripts/k8s-testbed.sh (BERTH_K8S_CACHE, BERTH_K8S_BUILD_JOBS, ...). The clusters
# get names of their own (berth-test-<pid>, t<pid>) unless BERTH_K8S_NAME / BERTH_REAL_NODE_NAME
# are set, so they never collide with a test bed someone started by hand. BERTH_TEST_CLUSTER_PARTS
# (default "kwok real-node") chooses the parts, BERTH_TEST_CLUSTER_ONLY (file names without
# .test.ts, e.g. "hpa memory-limits") the files. Needs Go >= 1.26 on PATH for a cold build, and the
# Debian packages of scripts/ci/install-system-packages.sh for the real node. See
# docs/k8s-testbed.md, section CI.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
TESTBED="$REPO_ROOT/scripts/k8s-testbed.sh"
REAL_NODE="$REPO_ROOT/scripts/k8s-real-node.sh"
# shellcheck disable=SC1091
source "$REPO_ROOT/scripts/k8s/versions.env"

export BERTH_K8S_NAME="${BERTH_K8S_NAME:-berth-test-$$}"
export BERTH_REAL_NODE_NAME="${BERTH_REAL_NODE_NAME:-t$$}"
PARTS="${BERTH_TEST_CLUSTER_PARTS:-kwok real-node}"
ONLY="${BERTH_TEST_CLUSTER_ONLY:-}"
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

KWOK_STARTED=0
REAL_NODE_STARTED=0
TEARDOWN_DONE=0
TEST_PIDS=()
STAGES=()

# stage NAME SECONDS: logs how long a stage took, and keeps the line for the summary at the end.
stage() {
  log "stage done: $1 in $2 s"
  STAGES+=("$(printf '%-44s %5ss' "$1" "$2")")
}

kwok_state() {
  "$BIN_DIR/kubectl" --kubeconfig "$WORKDIR/kubeconfig.yaml" get deploy,rs,pods,hpa,pdb -A -o wide 2>&1 | grep -v ' kube-system ' >&2 || true
  "$BIN_DIR/kubectl" --kubeconfig "$WORKDIR/kubeconfig.yaml" get events -A --sort-by=.lastTimestamp 2>&1 | tail -n 40 >&2 || true
}

real_node_state() {
  local logs="/var/lib/berth-real-node/$BERTH_REAL_NODE_NAME/logs" f
  "$REAL_NODE" exec kubectl get deploy,rs,pods,hpa,pdb -A -o wide 2>&1 | grep -v ' kube-system ' >&2 || true
  "$REAL_NODE" exec kubectl get events -A --sort-by=.lastTimestamp 2>&1 | tail -n 40 >&2 || true
  for f in kubelet containerd kube-apiserver metrics-server; do
    [[ -f "$logs/$f.log" ]] && { log "last lines of $f.log:"; tail -n 15 "$logs/$f.log" >&2; }
  done
}

teardown() {
  local rc=$? left p c leftover=0 t image
  [[ $TEARDOWN_DONE -eq 0 ]] || return 0
  TEARDOWN_DONE=1
  trap - EXIT INT TERM
  # Interrupted while tests ran: stop them and the berth/kubectl commands they started (our own
  # processes, by PID) before the clusters go.
  for p in "${TEST_PIDS[@]}"; do
    for c in $(descendants "$p"); do kill "$c" 2>/dev/null || true; done
    kill "$p" 2>/dev/null && log "stopped test process $p and its children" || true
  done
  if [[ $KWOK_STARTED -eq 1 ]]; then
    [[ $rc -eq 0 || ! -f "$WORKDIR/kubeconfig.yaml" ]] || { log "simulated cluster at failure:"; kwok_state; }
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
  fi
  if [[ $REAL_NODE_STARTED -eq 1 ]]; then
    [[ $rc -eq 0 ]] || { log "real node at failure:"; real_node_state; }
    log "teardown: scripts/k8s-real-node.sh down"
    t=$SECONDS
    # down lists anything left (process, mount, network namespace, cgroup, directory) and fails.
    "$REAL_NODE" down || { log "ERROR: the real node left something behind (above)"; leftover=1; }
    # The images the tests built for the registry, from podman's store (by their names: ours only).
    for image in $(podman images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep '^127\.0\.0\.1:5000/berth-test/'); do
      podman --runtime runc --cgroup-manager cgroupfs rmi "$image" >/dev/null 2>&1 || log "could not remove image $image"
    done
    stage "real node: down + leftover check" $((SECONDS - t))
  fi
  rm -rf "$RUN_TMP"
  if [[ $leftover -eq 0 ]]; then
    log "teardown: nothing left running (no process, mount, network namespace, cgroup or work dir of either cluster)"
  elif [[ $rc -eq 0 ]]; then
    rc=1
  fi
  log "stages:"
  for t in "${STAGES[@]}"; do printf '    %s\n' "$t" >&2; done
  log "done in $((SECONDS - T0)) s, exit $rc"
  exit "$rc"
}
trap teardown EXIT
trap 'log "interrupted"; exit 130' INT TERM

# selected FILE...: the files BERTH_TEST_CLUSTER_ONLY names (all when it is empty).
selected() {
  local f
  for f in "$@"; do
    [[ -z "$ONLY" || " $ONLY " == *" $(basename "$f" .test.ts) "* ]] && echo "$f"
  done
}

# run_file TAG COMMAND...: one test file's process, its output prefixed with TAG; PID in TEST_PIDS.
run_file() {
  local tag="$1"
  shift
  "$@" > >(sed -u "s/^/[$tag] /") 2>&1 &
  TEST_PIDS+=($!)
}

# wait_files FILE...: waits for the processes of run_file in order; 1 if any failed.
wait_files() {
  local i rc=0
  for i in "${!TEST_PIDS[@]}"; do
    if wait "${TEST_PIDS[$i]}"; then log "PASS $1"; else log "FAIL $1"; rc=1; fi
    unset "TEST_PIDS[$i]" # reaped: never signal that PID again
    shift
  done
  return $rc
}

build_binaries() {
  local t=$SECONDS
  # Go's tarball install (/usr/local/go) is on PATH only through shell profiles; a bare CI shell
  # may not have read them.
  if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
    export PATH="/usr/local/go/bin:$PATH"
    log "go was not on PATH; using /usr/local/go/bin/go"
  fi
  if command -v go >/dev/null 2>&1; then
    "$TESTBED" build
    stage "binaries (build or cache check)" $((SECONDS - t))
  else
    log "go is not on PATH: using the binaries already in $BIN_DIR (up fails if they are missing)"
  fi
}

run_kwok_suite() {
  local t=$SECONDS files f rc=0
  mapfile -t files < <(selected test/cluster/*.test.ts)
  ((${#files[@]} > 0)) || { log "simulated nodes: no test file selected"; return 0; }
  KWOK_STARTED=1
  "$TESTBED" up >/dev/null || { log "ERROR: the simulated cluster did not start"; return 1; }
  stage "simulated nodes: up" $((SECONDS - t))
  export K8S_TESTBED_KUBECONFIG="$WORKDIR/kubeconfig.yaml"
  export K8S_TESTBED_KUBECTL="$BIN_DIR/kubectl"
  # kubectl's discovery cache: fresh per run (ports repeat between clusters; never ~/.kube/cache).
  export KUBECACHEDIR="$RUN_TMP/kube-cache"
  [[ -f "$K8S_TESTBED_KUBECONFIG" ]] || { log "ERROR: no kubeconfig at $K8S_TESTBED_KUBECONFIG"; return 1; }
  # One process per file, in parallel: the HPA file spends minutes waiting for metrics, and the
  # files use namespaces of their own. A node:test file run directly (no --test) is one process,
  # so teardown can stop it by PID.
  log "simulated nodes: running ${#files[@]} test files in parallel: ${files[*]}"
  t=$SECONDS
  for f in "${files[@]}"; do
    # TMPDIR: the tests' temp dirs live in RUN_TMP, which teardown removes even after an interrupt.
    run_file "$(basename "$f" .test.ts)" env TMPDIR="$RUN_TMP" node --import tsx --test-reporter=spec "$f"
  done
  wait_files "${files[@]}" || rc=1
  stage "simulated nodes: tests" $((SECONDS - t))
  t=$SECONDS
  log "simulated nodes: scripts/k8s-testbed.sh down"
  "$TESTBED" down || { log "ERROR: down failed"; return 1; }
  KWOK_STARTED=0
  stage "simulated nodes: down" $((SECONDS - t))
  unset K8S_TESTBED_KUBECONFIG K8S_TESTBED_KUBECTL
  return $rc
}

run_real_node_suite() {
  local t=$SECONDS files f rc=0 images environment
  if [[ "$(id -u)" != 0 ]]; then
    [[ "${CI:-}" != true ]] || { log "ERROR: the real node needs root, and CI must run it"; return 1; }
    log "real node: skipped (needs root: network namespace, containerd, cgroups)"
    return 0
  fi
  # One file at a time: they share the node's two cores, and each one's numbers (failed requests
  # during rollouts, memory peaks, HPA replicas) should not depend on the others. The image file
  # goes first: it builds and pushes the iris image, which the others then find in the registry.
  mapfile -t files < <(selected test/cluster/real-node/image-and-probes.test.ts)
  for f in $(selected test/cluster/real-node/*.test.ts); do [[ "$f" == test/cluster/real-node/image-and-probes.test.ts ]] || files+=("$f"); done
  ((${#files[@]} > 0)) || { log "real node: no test file selected"; return 0; }
  # The cluster's namespace has no way out, so what needs the network happens here first: the
  # base images (a cold build fetches Debian packages) and Berth's production dependencies for
  # the image build context (npm ci into the cache `berth build` uses).
  images="$(bash scripts/base-image/build.sh)" || { log "ERROR: scripts/base-image/build.sh failed"; return 1; }
  export K8S_REAL_NODE_BASE_IMAGE K8S_REAL_NODE_BUILDER_IMAGE
  K8S_REAL_NODE_BASE_IMAGE="$(sed -n 's/^BASE_IMAGE=//p' <<<"$images")"
  K8S_REAL_NODE_BUILDER_IMAGE="$(sed -n 's/^BUILDER_IMAGE=//p' <<<"$images")"
  node --import tsx src/cli/bin.ts build examples/iris --out "$RUN_TMP/dependency-warmup" >/dev/null ||
    { log "ERROR: berth build (to fill the dependency cache) failed"; return 1; }
  rm -rf "$RUN_TMP/dependency-warmup"
  stage "real node: base images + dependency cache" $((SECONDS - t))
  t=$SECONDS
  REAL_NODE_STARTED=1
  environment="$("$REAL_NODE" up)" || { log "ERROR: the real node did not start"; return 1; }
  eval "$environment"
  export K8S_REAL_NODE_NETNS K8S_REAL_NODE_REGISTRY K8S_REAL_NODE_NAME K8S_REAL_NODE_CGROUP_ROOT K8S_TESTBED_KUBECONFIG K8S_TESTBED_KUBECTL
  stage "real node: up" $((SECONDS - t))
  log "real node: running ${#files[@]} test files one by one: ${files[*]}"
  for f in "${files[@]}"; do
    t=$SECONDS
    run_file "real:$(basename "$f" .test.ts)" "$REAL_NODE" exec env TMPDIR="$RUN_TMP" KUBECACHEDIR="$RUN_TMP/kube-cache-real" \
      node --import tsx --test-reporter=spec "$f"
    wait_files "$f" || rc=1
    stage "real node: $(basename "$f" .test.ts)" $((SECONDS - t))
  done
  return $rc
}

log "Kubernetes $K8S_VERSION test bed, parts: $PARTS (cache $CACHE_ROOT)"
build_binaries
rc=0
for part in $PARTS; do
  case "$part" in
    kwok) run_kwok_suite || rc=1 ;;
    real-node) run_real_node_suite || rc=1 ;;
    *) log "ERROR: unknown part '$part' in BERTH_TEST_CLUSTER_PARTS (kwok, real-node)"; rc=1 ;;
  esac
done
log "tests finished"
exit "$rc"
