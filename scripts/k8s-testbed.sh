#!/usr/bin/env bash
# Berth's Kubernetes test bed: a real control plane (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler) with kwok fake nodes and metrics-server, all built from the Go module proxy.
#
#   scripts/k8s-testbed.sh build    build (or reuse) the binaries in the cache
#   scripts/k8s-testbed.sh up       build if needed, start the cluster, wait until it is usable
#   scripts/k8s-testbed.sh env      print `export KUBECONFIG=...` and `export PATH=...`
#   scripts/k8s-testbed.sh status   is it up? nodes, component processes
#   scripts/k8s-testbed.sh down     stop everything and remove the cluster's temp dir
#   scripts/k8s-testbed.sh verify   smoke test: Deployment, Service, PDB, metrics, HPA up/down
#
# Environment (all optional):
#   BERTH_K8S_CACHE    cache root (Go caches + binaries)  default: $HOME/.cache/berth-k8s
#   BERTH_K8S_NAME     kwokctl cluster name                default: berth
#   BERTH_K8S_WORKDIR  runtime dir of the cluster (removed by `down`; holds kubeconfig.yaml)
#                      default: ${TMPDIR:-/tmp}/berth-k8s-$UID-$BERTH_K8S_NAME
#   BERTH_K8S_NODES    number of fake nodes                default: 2
#   BERTH_K8S_BUILD_JOBS  parallel build lanes (1 or 2)    default: 2
#
# Versions live in scripts/k8s/versions.env; the wrapper Go modules in scripts/k8s/*/ pin them.
# `build` also builds kubelet and kube-proxy for the real-node mode, scripts/k8s-real-node.sh (one
# node whose pods run real containers). See docs/k8s-testbed.md.
set -euo pipefail

# ---------------------------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------------------------
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
K8S_DIR="$REPO_ROOT/scripts/k8s"
# shellcheck disable=SC1091
source "$K8S_DIR/versions.env"

CACHE_ROOT="${BERTH_K8S_CACHE:-$HOME/.cache/berth-k8s}"
BIN_DIR="$CACHE_ROOT/$K8S_VERSION/bin"
LOG_DIR="$CACHE_ROOT/$K8S_VERSION/logs"
CLUSTER_NAME="${BERTH_K8S_NAME:-berth}"
WORKDIR="${BERTH_K8S_WORKDIR:-${TMPDIR:-/tmp}/berth-k8s-$(id -u)-$CLUSTER_NAME}"
NODE_COUNT="${BERTH_K8S_NODES:-2}"
BUILD_JOBS="${BERTH_K8S_BUILD_JOBS:-2}"
KUBECONFIG_PATH="$WORKDIR/kubeconfig.yaml"
CLUSTER_DIR="$WORKDIR/kwok/clusters/$CLUSTER_NAME"
READY_MARKER="$WORKDIR/ready"
SENTINEL=".created-by-berth-k8s-testbed"

K8S_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy)
OTHER_BINARIES=(etcd kwok kwokctl metrics-server)

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
log() { printf '[k8s-testbed] %s\n' "$*" >&2; }
die() { printf '[k8s-testbed] ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s; }

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//'
}

# Go environment shared by every build: one module cache and one build cache under the cache root,
# static binaries, no VCS stamping, no edits to the committed go.mod/go.sum.
go_env() {
  export GOMODCACHE="$CACHE_ROOT/gomodcache"
  export GOCACHE="$CACHE_ROOT/gocache"
  export GOFLAGS="-trimpath -mod=readonly -buildvcs=false"
  export CGO_ENABLED=0
  export GOWORK=off
}

require_go() {
  command -v go >/dev/null 2>&1 || die "go is not on PATH; install Go >= 1.26 (the wrapper modules need it)"
  local v
  v="$(go env GOVERSION)"
  case "$v" in
    go1.2[6-9]* | go1.[3-9][0-9]* | go[2-9]*) ;;
    *) die "Go $v is too old; Kubernetes $K8S_VERSION needs Go >= 1.26" ;;
  esac
}

# Timestamp of a module version from the module cache (.info), used as a reproducible buildDate.
module_time() {
  local info="$GOMODCACHE/cache/download/$1/@v/$2.info"
  if [[ -f "$info" ]]; then
    sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$info"
  else
    echo "1970-01-01T00:00:00Z"
  fi
}

# ---------------------------------------------------------------------------------------------
# build
# ---------------------------------------------------------------------------------------------

# ldflags for the Kubernetes binaries. kwokctl runs `<binary> --version` and picks flags by the
# version it reads, so the version variables must be set (otherwise: v0.0.0-master+$Format:%H$).
k8s_ldflags() {
  local minor date v c
  minor="$(echo "$K8S_VERSION" | cut -d. -f2)"
  date="$(module_time k8s.io/kubernetes "$K8S_VERSION")"
  v="-X k8s.io/component-base/version"
  c="-X k8s.io/client-go/pkg/version"
  printf '%s' "-s -w" \
    " $v.gitVersion=$K8S_VERSION $v.gitMajor=1 $v.gitMinor=$minor $v.gitTreeState=clean $v.buildDate=$date" \
    " $c.gitVersion=$K8S_VERSION $c.gitMajor=1 $c.gitMinor=$minor $c.gitTreeState=clean $c.buildDate=$date"
}

metrics_server_ldflags() {
  local date
  date="$(module_time sigs.k8s.io/metrics-server "$METRICS_SERVER_VERSION")"
  printf '%s' "-s -w -X k8s.io/client-go/pkg/version.gitVersion=$METRICS_SERVER_VERSION" \
    " -X k8s.io/client-go/pkg/version.buildDate=$date"
}

# The stamp identifies what a cached binary was built from: wrapper go.mod/go.sum, package,
# ldflags and Go version. A binary is rebuilt only when its stamp changes.
build_stamp() {
  local wrapper="$1" pkg="$2" ldflags="$3"
  {
    cat "$wrapper/go.mod" "$wrapper/go.sum"
    printf '%s\n%s\n%s\n%s\n' "$pkg" "$ldflags" "$(go env GOVERSION)" "$GOFLAGS"
  } | sha256sum | cut -d' ' -f1
}

is_built() {
  local name="$1" wrapper="$2" pkg="$3" ldflags="$4"
  [[ -x "$BIN_DIR/$name" && -f "$BIN_DIR/.$name.stamp" ]] &&
    [[ "$(cat "$BIN_DIR/.$name.stamp")" == "$(build_stamp "$wrapper" "$pkg" "$ldflags")" ]]
}

# build_one NAME WRAPPER_DIR PACKAGE LDFLAGS
build_one() {
  local name="$1" wrapper="$2" pkg="$3" ldflags="$4" t0 rc=0
  if is_built "$name" "$wrapper" "$pkg" "$ldflags"; then
    [[ -n "${QUIET_CACHED:-}" ]] || log "  $name: cached ($BIN_DIR/$name)"
    return 0
  fi
  log "  $name: building $pkg ..."
  t0="$(now)"
  (cd "$wrapper" && go build -ldflags "$ldflags" -o "$BIN_DIR/.$name.tmp" "$pkg") \
    >"$LOG_DIR/build-$name.log" 2>&1 || rc=$?
  if [[ $rc -ne 0 ]]; then
    log "  $name: FAILED after $(($(now) - t0))s; last lines of $LOG_DIR/build-$name.log:"
    tail -n 30 "$LOG_DIR/build-$name.log" >&2
    return 1
  fi
  mv -f "$BIN_DIR/.$name.tmp" "$BIN_DIR/$name"
  build_stamp "$wrapper" "$pkg" "$ldflags" >"$BIN_DIR/.$name.stamp"
  log "  $name: built in $(($(now) - t0))s ($(du -h "$BIN_DIR/$name" | cut -f1))"
}

# Lane 1: the four Kubernetes commands (they share most packages, so they run in one lane and
# reuse each other's compiled packages from GOCACHE).
build_lane_kubernetes() {
  local ldf b
  ldf="$(k8s_ldflags)"
  for b in "${K8S_BINARIES[@]}"; do
    build_one "$b" "$K8S_DIR/kubernetes" "k8s.io/kubernetes/cmd/$b" "$ldf" || return 1
  done
}

# Lane 2: etcd, kwok, kwokctl, metrics-server (separate module graphs).
build_lane_others() {
  build_one etcd "$K8S_DIR/etcd" go.etcd.io/etcd/server/v3 "-s -w" || return 1
  build_one kwok "$K8S_DIR/kwok" sigs.k8s.io/kwok/cmd/kwok "-s -w" || return 1
  build_one kwokctl "$K8S_DIR/kwok" sigs.k8s.io/kwok/cmd/kwokctl "-s -w" || return 1
  build_one metrics-server "$K8S_DIR/metrics-server" sigs.k8s.io/metrics-server/cmd/metrics-server \
    "$(metrics_server_ldflags)" || return 1
}

# Download the modules of every wrapper first (network-bound; done in parallel) so that the
# .info files used for buildDate exist and the compile lanes do not stall on the network.
download_modules() {
  local t0 w pids=() rc=0
  t0="$(now)"
  log "downloading modules into $GOMODCACHE ..."
  for w in kubernetes etcd kwok metrics-server; do
    (cd "$K8S_DIR/$w" && go mod download >"$LOG_DIR/download-$w.log" 2>&1) &
    pids+=($!)
  done
  for w in "${pids[@]}"; do wait "$w" || rc=1; done
  if [[ $rc -ne 0 ]]; then
    tail -n 20 "$LOG_DIR"/download-*.log >&2
    die "module download failed (only the Go module proxy is used: $(go env GOPROXY))"
  fi
  log "modules ready in $(($(now) - t0))s ($(du -sh "$GOMODCACHE" 2>/dev/null | cut -f1))"
}

all_built() {
  local b
  for b in "${K8S_BINARIES[@]}" "${OTHER_BINARIES[@]}"; do
    [[ -x "$BIN_DIR/$b" ]] || return 1
  done
}

verify_binaries() {
  local b out
  for b in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy; do
    out="$("$BIN_DIR/$b" --version 2>&1)" || die "$b --version failed: $out"
    [[ "$out" == "Kubernetes $K8S_VERSION" ]] || die "$b reports '$out', expected 'Kubernetes $K8S_VERSION'"
  done
  out="$("$BIN_DIR/kubectl" version --client 2>&1)" || die "kubectl version failed: $out"
  [[ "$out" == *"$K8S_VERSION"* ]] || die "kubectl reports '$out'"
  out="$("$BIN_DIR/etcd" --version 2>&1)" || die "etcd --version failed: $out"
  [[ "$out" == *"${ETCD_VERSION#v}"* ]] || die "etcd reports '$out', expected $ETCD_VERSION"
  "$BIN_DIR/kwokctl" --version >/dev/null 2>&1 || die "kwokctl --version failed"
  "$BIN_DIR/kwok" --version >/dev/null 2>&1 || die "kwok --version failed"
  "$BIN_DIR/metrics-server" --version >/dev/null 2>&1 || die "metrics-server --version failed"
}

cmd_build() {
  require_go
  go_env
  mkdir -p "$BIN_DIR" "$LOG_DIR"
  local t0 rc=0 p1 p2
  t0="$(now)"
  log "Kubernetes $K8S_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION, metrics-server $METRICS_SERVER_VERSION"
  log "cache: $CACHE_ROOT   binaries: $BIN_DIR   $(go env GOVERSION), $(nproc) CPUs"
  download_modules
  if [[ -n "${QUIET_CACHED:-}" ]]; then
    log "checking binaries in $BIN_DIR ..."
  fi
  if [[ "$BUILD_JOBS" -ge 2 ]]; then
    build_lane_kubernetes &
    p1=$!
    build_lane_others &
    p2=$!
    wait "$p1" || rc=1
    wait "$p2" || rc=1
  else
    build_lane_kubernetes || rc=1
    [[ $rc -ne 0 ]] || build_lane_others || rc=1
  fi
  [[ $rc -eq 0 ]] || die "build failed (logs in $LOG_DIR)"
  verify_binaries
  log "all binaries ready in $(($(now) - t0))s: $BIN_DIR"
}

# Before `up`: (re)build whatever is missing or stale (about 1 s when everything is cached).
# Without Go, binaries already in the cache (e.g. restored by CI) are used as they are.
ensure_built() {
  if command -v go >/dev/null 2>&1; then
    all_built || log "binaries missing in $BIN_DIR; building (cold: ~10-25 min on 2 cores)"
    QUIET_CACHED=1 cmd_build
  elif all_built; then
    log "go not found; using the binaries in $BIN_DIR without checking that they are current"
  else
    die "binaries missing in $BIN_DIR and go is not on PATH to build them"
  fi
}

# ---------------------------------------------------------------------------------------------
# cluster: shared helpers
# ---------------------------------------------------------------------------------------------

# Environment for every kwokctl call: its whole state (clusters, cache) lives in $WORKDIR/kwok, and
# an unreachable proxy makes any attempted download fail at once instead of reaching the internet
# (loopback traffic, which is all the cluster uses, never goes through a proxy).
kwokctl_env() {
  export KWOK_WORKDIR="$WORKDIR/kwok"
  export KWOK_RUNTIME=binary
  export HTTP_PROXY="http://127.0.0.1:9" HTTPS_PROXY="http://127.0.0.1:9"
  export http_proxy="$HTTP_PROXY" https_proxy="$HTTPS_PROXY"
  export NO_PROXY="127.0.0.1,localhost,::1" no_proxy="127.0.0.1,localhost,::1"
  export PATH="$BIN_DIR:$PATH"
  export KUBECACHEDIR="$WORKDIR/kube-cache"
}

kwokctl() { "$BIN_DIR/kwokctl" --name "$CLUSTER_NAME" "$@"; }
kubectl() { "$BIN_DIR/kubectl" --kubeconfig "$KUBECONFIG_PATH" "$@"; }

cluster_exists() { [[ -f "$CLUSTER_DIR/kwok.yaml" ]]; }

# The apiserver answers /readyz with the admin kubeconfig.
apiserver_ready() {
  [[ -f "$KUBECONFIG_PATH" ]] && kubectl get --raw /readyz >/dev/null 2>&1
}

# shellcheck source=k8s/cluster-pids.sh
source "$(dirname "${BASH_SOURCE[0]}")/k8s/cluster-pids.sh"

# True when none of the given PIDs is running. With --reaped, zombies (exited, not yet collected
# by their parent) count as still present. kwokctl detaches the components, so after it exits
# their parent is init; in some sandboxes init reaps only every ~30 s.
pids_gone() {
  local zombies_ok=1 p state
  if [[ "${1:-}" == "--reaped" ]]; then
    zombies_ok=0
    shift
  fi
  for p in "$@"; do
    state="$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" || continue
    [[ -n "$state" ]] || continue
    [[ "$state" == "Z" && $zombies_ok -eq 1 ]] || return 1
  done
}

# wait_for DESCRIPTION TIMEOUT_SECONDS COMMAND...
wait_for() {
  local what="$1" timeout="$2" t0
  shift 2
  t0="$(now)"
  until "$@" >/dev/null 2>&1; do
    if (($(now) - t0 >= timeout)); then
      log "timed out after ${timeout}s waiting for: $what"
      return 1
    fi
    sleep 2
  done
  log "  $what ($(($(now) - t0))s)"
}

# ---------------------------------------------------------------------------------------------
# up
# ---------------------------------------------------------------------------------------------

write_kwokctl_config() {
  local cfg="$WORKDIR/kwokctl.yaml" none="$BIN_DIR/not-built"
  # Every binary and manifest kwokctl could want is a local path; the *Prefix options point at the
  # local bin dir too, so an option we did not set can never turn into a download URL.
  cat >"$cfg" <<EOF
kind: KwokctlConfiguration
apiVersion: config.kwok.x-k8s.io/v1alpha1
options:
  runtime: binary
  bindAddress: 127.0.0.1
  kubeVersion: $K8S_VERSION
  etcdVersion: ${ETCD_VERSION#v}
  kwokVersion: $KWOK_VERSION
  metricsServerVersion: $METRICS_SERVER_VERSION
  quietPull: true
  cacheDir: $WORKDIR/kwok/cache
  enable:
  - metrics-server
  # kwok reads these from the API (CRDs) instead of its static config, so tests can create and
  # change ResourceUsage/ClusterResourceUsage objects at run time to drive the HPA.
  enableCRDs:
  - Metric
  - ResourceUsage
  - ClusterResourceUsage
  kubeBinaryPrefix: $BIN_DIR
  kubeApiserverBinary: $BIN_DIR/kube-apiserver
  kubeControllerManagerBinary: $BIN_DIR/kube-controller-manager
  kubeSchedulerBinary: $BIN_DIR/kube-scheduler
  kubectlBinary: $BIN_DIR/kubectl
  etcdBinaryPrefix: $BIN_DIR
  etcdBinary: $BIN_DIR/etcd
  etcdBinaryTar: $none/etcd.tar.gz
  etcdctlBinary: $none/etcdctl
  etcdutlBinary: $none/etcdutl
  kectlBinary: $none/kectl
  kwokBinaryPrefix: $BIN_DIR
  kwokControllerBinary: $BIN_DIR/kwok
  metricsServerBinaryPrefix: $BIN_DIR
  metricsServerBinary: $BIN_DIR/metrics-server
  metricsServerManifests:
  - $K8S_DIR/manifests/metrics-server
  prometheusBinaryPrefix: $none
  jaegerBinaryPrefix: $none
  kindBinaryPrefix: $none
componentsPatches:
# Tests should not wait 15 s per HPA decision.
- name: kube-controller-manager
  extraArgs:
  - key: horizontal-pod-autoscaler-sync-period
    value: 5s
EOF
  append_stages "$cfg"
  echo "$cfg"
}

# kwokctl adds its default stages only when the config names none, so a config that adds a stage
# must list the defaults too: the same files kwokctl embeds for the binary runtime (fast node
# initialize, heartbeat with lease, fast pod ready/complete/delete), from the kwok module, followed
# by Berth's test stages in scripts/k8s/stages/ (e.g. ImagePullBackOff for images named
# *does-not-exist*).
append_stages() {
  local cfg="$1" sdir f
  sdir="$(kwok_module_dir)/kustomize/stage"
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    [[ -f "$sdir/$f" ]] || die "kwok stage $sdir/$f not found (run: $0 build)"
    printf -- '---\n' >>"$cfg"
    cat "$sdir/$f" >>"$cfg"
  done
  for f in "$K8S_DIR"/stages/*.yaml; do
    printf -- '---\n' >>"$cfg"
    cat "$f" >>"$cfg"
  done
}

# Fake nodes managed by kwok. No InternalIP is set, so kwok fills in Hostname=localhost and its
# own port, and metrics-server scrapes kwok on 127.0.0.1 (kwokctl's own node template would use
# 192.0.2.x TEST-NET addresses, which metrics-server cannot reach).
write_nodes() {
  local out="$WORKDIR/nodes.yaml" i name zone
  : >"$out"
  for ((i = 0; i < NODE_COUNT; i++)); do
    name="berth-node-$i"
    zone="zone-$((i % 2))"
    cat >>"$out" <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
    metrics.k8s.io/resource-metrics-path: /metrics/nodes/$name/metrics/resource
  labels:
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: $name
    kubernetes.io/os: linux
    kubernetes.io/role: agent
    node-role.kubernetes.io/agent: ""
    topology.kubernetes.io/zone: $zone
    type: kwok
status:
  allocatable:
    cpu: "16"
    memory: 64Gi
    pods: "110"
    nvidia.com/gpu: "4"
  capacity:
    cpu: "16"
    memory: 64Gi
    pods: "110"
    nvidia.com/gpu: "4"
  nodeInfo:
    architecture: amd64
    operatingSystem: linux
EOF
  done
  echo "$out"
}

kwok_module_dir() { echo "$CACHE_ROOT/gomodcache/sigs.k8s.io/kwok@$KWOK_VERSION"; }

create_cluster() {
  local cfg t0 rc=0
  cfg="$(write_kwokctl_config)"
  t0="$(now)"
  log "creating cluster '$CLUSTER_NAME' (kwokctl, binary runtime, 127.0.0.1) ..."
  # kwokctl gives each component the first free port counting down from 32767, so two clusters
  # created at the same moment get the same ports (and fail with x509 errors against each other's
  # apiserver). One create at a time per cache dir; the lock is held until the components listen.
  local lock_fd
  exec {lock_fd}>>"$CACHE_ROOT/.kwokctl-create.lock"
  if command -v flock >/dev/null 2>&1 && ! flock -n "$lock_fd"; then
    log "  another cluster is being created; waiting for it (ports are chosen one cluster at a time)"
    flock -w 300 "$lock_fd" || log "  WARNING: still locked after 300 s; going ahead"
  fi
  # ({lock_fd}>&-: the components kwokctl leaves running must not inherit, and so hold, the lock.)
  kwokctl create cluster -c "$cfg" --kubeconfig "" --wait 3m --timeout 5m \
    >"$WORKDIR/kwokctl-create.log" 2>&1 {lock_fd}>&- || rc=$?
  exec {lock_fd}>&-
  if [[ $rc -ne 0 ]]; then
    tail -n 40 "$WORKDIR/kwokctl-create.log" >&2
    log "component logs: $CLUSTER_DIR/logs/"
    die "kwokctl create cluster failed (exit $rc); see $WORKDIR/kwokctl-create.log"
  fi
  if grep -qi 'Download' "$WORKDIR/kwokctl-create.log"; then
    die "kwokctl tried to download something (see $WORKDIR/kwokctl-create.log); all paths must be local"
  fi
  kwokctl get kubeconfig >"$KUBECONFIG_PATH.tmp" || die "kwokctl get kubeconfig failed"
  mv -f "$KUBECONFIG_PATH.tmp" "$KUBECONFIG_PATH"
  chmod 600 "$KUBECONFIG_PATH"
  log "  control plane up ($(($(now) - t0))s)"
}

setup_nodes() {
  local nodes
  nodes="$(write_nodes)"
  kubectl apply -f "$nodes" >/dev/null || die "could not create the fake nodes ($nodes)"
  wait_for "$NODE_COUNT fake node(s) Ready" 120 \
    kubectl wait --for=condition=Ready node -l type=kwok --timeout=5s ||
    die "fake nodes did not become Ready; kwok log: $CLUSTER_DIR/logs/kwok-controller.log"
}

# kwok's metrics simulation: the Metric object makes kwok serve kubelet-style
# /metrics/nodes/<node>/metrics/resource, and the ClusterResourceUsage below gives every pod a CPU
# and memory usage (from the pod annotations kwok.x-k8s.io/usage-cpu / usage-memory, else 1m/1Mi).
setup_metrics_simulation() {
  local kdir
  kdir="$(kwok_module_dir)"
  [[ -d "$kdir/kustomize/metrics" ]] || die "kwok module not found at $kdir (run: $0 build)"
  wait_for "kwok CRDs established" 60 kubectl wait --for=condition=Established --timeout=5s \
    crd/metrics.kwok.x-k8s.io crd/resourceusages.kwok.x-k8s.io crd/clusterresourceusages.kwok.x-k8s.io ||
    die "kwok CRDs were not established"
  kubectl apply -f "$kdir/kustomize/metrics/resource/metrics-resource.yaml" >/dev/null ||
    die "could not create the kwok Metric object"
  kubectl apply -f "$kdir/kustomize/metrics/usage/usage-from-annotation.yaml" >/dev/null ||
    die "could not create the kwok ClusterResourceUsage object"
  wait_for "metrics API (APIService v1beta1.metrics.k8s.io) Available" 120 \
    kubectl wait --for=condition=Available apiservice/v1beta1.metrics.k8s.io --timeout=5s ||
    die "metrics-server API not available; log: $CLUSTER_DIR/logs/metrics-server.log"
  # An empty NodeMetricsList is expected here: metrics-server drops nodes whose usage is 0, and a
  # node without pods has 0 usage. Pod metrics appear ~30 s after a pod starts (two scrapes).
  wait_for "metrics API answers through the aggregator" 60 \
    kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods ||
    die "metrics API not answering; log: $CLUSTER_DIR/logs/metrics-server.log"
}

# Namespace "default" needs its ServiceAccount before pods can be created there.
wait_default_serviceaccount() {
  wait_for "default ServiceAccount" 60 kubectl -n default get serviceaccount default ||
    die "kube-controller-manager did not create the default ServiceAccount"
}

cmd_up() {
  local t0
  t0="$(now)"
  ensure_built
  kwokctl_env
  if cluster_exists && apiserver_ready && [[ -f "$READY_MARKER" ]]; then
    log "cluster '$CLUSTER_NAME' is already up"
    cmd_env
    return 0
  fi
  if cluster_exists && ! apiserver_ready; then
    log "cluster '$CLUSTER_NAME' exists but is not healthy; recreating it"
    cmd_down
    kwokctl_env
  fi
  if [[ ! -d "$WORKDIR" ]]; then
    mkdir -p "$WORKDIR"
    chmod 700 "$WORKDIR"
    : >"$WORKDIR/$SENTINEL" # lets `down` remove the whole dir
  fi
  if cluster_exists; then
    log "cluster '$CLUSTER_NAME' is running but its setup did not finish; finishing it"
  else
    create_cluster
  fi
  # The steps below are idempotent (kubectl apply + waits).
  setup_nodes
  wait_default_serviceaccount
  setup_metrics_simulation
  date -u +%FT%TZ >"$READY_MARKER"
  log "cluster '$CLUSTER_NAME' ready in $(($(now) - t0))s; kubeconfig: $KUBECONFIG_PATH"
  log "use it with:  eval \"\$($0 env)\""
  cmd_env
}

# ---------------------------------------------------------------------------------------------
# down / env / status
# ---------------------------------------------------------------------------------------------

cmd_down() {
  kwokctl_env
  local pids p
  if [[ ! -d "$WORKDIR" ]]; then
    log "no cluster work dir ($WORKDIR); nothing to do"
    return 0
  fi
  # PIDs kwokctl recorded for the components, to check below that they are really gone.
  local recorded=""
  if compgen -G "$CLUSTER_DIR/pids/*.pid" >/dev/null; then
    # (awk, not cat: the pid files have no trailing newline)
    recorded="$(awk '{print $1}' "$CLUSTER_DIR"/pids/*.pid 2>/dev/null | tr '\n' ' ')"
  fi
  if [[ -x "$BIN_DIR/kwokctl" ]] && cluster_exists; then
    log "deleting cluster '$CLUSTER_NAME' ..."
    if ! kwokctl delete cluster >"$WORKDIR/kwokctl-delete.log" 2>&1; then
      tail -n 20 "$WORKDIR/kwokctl-delete.log" >&2
      log "kwokctl delete cluster failed (above); cleaning up by hand"
    fi
  fi
  # Anything kwokctl left behind is stopped by PID (only processes of our binaries for this work dir).
  pids="$(cluster_pids)"
  if [[ -n "$pids" ]]; then
    log "stopping leftover processes: ${pids//$'\n'/ }"
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    sleep 2
    for p in $(cluster_pids); do kill -9 "$p" 2>/dev/null || true; done
    sleep 1
  fi
  pids="$(cluster_pids)"
  [[ -z "$pids" ]] || die "processes still running after down: ${pids//$'\n'/ }"
  if [[ -n "$recorded" ]]; then
    # shellcheck disable=SC2086
    wait_for "component processes exited" 20 pids_gone $recorded ||
      die "component processes still running: $recorded"
    # shellcheck disable=SC2086
    wait_for "exited components reaped by init (no <defunct> left in ps)" 90 pids_gone --reaped $recorded ||
      log "WARNING: exited components not yet reaped by init (zombies, harmless): $recorded"
  fi
  if [[ -f "$WORKDIR/$SENTINEL" ]]; then
    rm -rf "$WORKDIR"
  else
    # Not created by `up` (e.g. BERTH_K8S_WORKDIR points at an existing dir): remove only our files.
    rm -rf "$WORKDIR/kwok" "$WORKDIR/kube-cache" "$KUBECONFIG_PATH" "$READY_MARKER" \
      "$WORKDIR/kwokctl.yaml" "$WORKDIR/nodes.yaml" "$WORKDIR"/kwokctl-*.log
  fi
  log "cluster '$CLUSTER_NAME' is down; $WORKDIR removed"
}

cmd_env() {
  echo "export KUBECONFIG=$KUBECONFIG_PATH"
  echo "export PATH=$BIN_DIR:\$PATH"
}

cmd_status() {
  kwokctl_env
  if ! cluster_exists; then
    echo "down (no cluster '$CLUSTER_NAME' in $WORKDIR)"
    return 1
  fi
  if ! apiserver_ready; then
    echo "unhealthy: cluster '$CLUSTER_NAME' exists but the apiserver does not answer /readyz"
    return 1
  fi
  echo "up: cluster '$CLUSTER_NAME', Kubernetes $K8S_VERSION, kubeconfig $KUBECONFIG_PATH"
  echo "server: $(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')"
  echo "processes: $(cluster_pids | while read -r p; do printf '%s(%s) ' "$(basename "$(readlink "/proc/$p/exe")")" "$p"; done)"
  kubectl get nodes -o wide
}

# ---------------------------------------------------------------------------------------------
# verify: an end-to-end smoke test of the running cluster
# ---------------------------------------------------------------------------------------------
VERIFY_NS=berth-testbed-verify

# jp RESOURCE JSONPATH: one field of one object in the verify namespace.
jp() { kubectl -n "$VERIFY_NS" get "$1" -o "jsonpath=$2" 2>/dev/null; }

check_deployment_available() {
  [[ "$(jp deploy/web '{.status.availableReplicas}')" == "$1" ]] &&
    [[ "$(jp deploy/web '{.status.updatedReplicas}')" == "$1" ]]
}
check_endpoints() {
  local n
  n="$(kubectl -n "$VERIFY_NS" get endpointslices -l kubernetes.io/service-name=web \
    -o jsonpath='{range .items[*].endpoints[?(@.conditions.ready==true)]}{.addresses[0]}{"\n"}{end}' | grep -c .)"
  [[ "$n" == "$1" ]]
}
check_pdb() {
  [[ "$(jp pdb/web '{.status.currentHealthy}')" == "$1" ]] &&
    [[ "$(jp pdb/web '{.status.disruptionsAllowed}')" == "$2" ]]
}
check_top_pods() {
  local n
  n="$(kubectl -n "$VERIFY_NS" top pods --no-headers 2>/dev/null | grep -c 'm ')"
  [[ "$n" -ge "$1" ]]
}
pod_cpu_millis() {
  kubectl -n "$VERIFY_NS" top pod "$1" --no-headers 2>/dev/null | awk '{sub(/m$/, "", $2); print $2}'
}
check_pod_cpu_at_least() {
  local v
  v="$(pod_cpu_millis "$1")"
  [[ -n "$v" && "$v" -ge "$2" ]]
}
check_pod_cpu_at_most() {
  local v
  v="$(pod_cpu_millis "$1")"
  [[ -n "$v" && "$v" -le "$2" ]]
}
check_hpa_reads_metrics() {
  [[ -n "$(jp hpa/web '{.status.currentMetrics[0].resource.current.averageUtilization}')" ]]
}
check_hpa_replicas() {
  [[ "$(jp hpa/web '{.status.desiredReplicas}')" == "$1" ]] && check_deployment_available "$1"
}

cmd_verify() {
  kwokctl_env
  apiserver_ready || die "cluster is not up (run: $0 up)"
  local t0 pods p
  t0="$(now)"
  log "verify: namespace $VERIFY_NS"
  kubectl delete namespace "$VERIFY_NS" --ignore-not-found --wait=true >/dev/null
  kubectl create namespace "$VERIFY_NS" >/dev/null
  wait_for "namespace ServiceAccount" 60 kubectl -n "$VERIFY_NS" get serviceaccount default || die "no ServiceAccount"
  kubectl -n "$VERIFY_NS" apply --server-side -f - >/dev/null <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: server
        image: berth.invalid/fake-model-server:1   # kwok never pulls it
        ports:
        - {name: http, containerPort: 8000}
        readinessProbe:
          httpGet: {path: /ready, port: http}
        livenessProbe:
          httpGet: {path: /healthz, port: http}
        resources:
          requests: {cpu: 100m, memory: 64Mi}
          limits: {cpu: 500m, memory: 256Mi}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: web}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 4
  metrics:
  - type: Resource
    resource:
      name: cpu
      target: {type: Utilization, averageUtilization: 50}
  behavior:
    scaleUp:
      stabilizationWindowSeconds: 0
      policies: [{type: Percent, value: 100, periodSeconds: 5}]
    scaleDown:
      stabilizationWindowSeconds: 0
      policies: [{type: Percent, value: 100, periodSeconds: 5}]
EOF
  kubectl -n "$VERIFY_NS" rollout status deploy/web --timeout=90s >/dev/null ||
    die "Deployment web did not roll out"
  wait_for "Deployment available (2/2)" 60 check_deployment_available 2 || die "Deployment not available"
  wait_for "Service has 2 ready endpoints" 60 check_endpoints 2 || die "Service has no endpoints"
  wait_for "PDB status currentHealthy=2 disruptionsAllowed=1" 60 check_pdb 2 1 || die "PDB status wrong"
  wait_for "kubectl top pods returns CPU for 2 pods" 120 check_top_pods 2 || die "no pod metrics"
  kubectl -n "$VERIFY_NS" top pods >&2
  wait_for "HPA reads CPU utilization" 120 check_hpa_reads_metrics || die "HPA has no metrics"
  log "  HPA: $(kubectl -n "$VERIFY_NS" get hpa web --no-headers)"

  # ClusterResourceUsage "usage-from-annotation" (installed by `up`): a pod annotation sets that
  # pod's simulated CPU. 60m on one pod keeps the average (30%) below the HPA target (50%).
  p="$(kubectl -n "$VERIFY_NS" get pods -l app=web -o jsonpath='{.items[0].metadata.name}')"
  kubectl -n "$VERIFY_NS" annotate pod "$p" kwok.x-k8s.io/usage-cpu=60m --overwrite >/dev/null
  wait_for "pod $p CPU >= 50m via annotation" 120 check_pod_cpu_at_least "$p" 50 ||
    die "the usage-cpu annotation had no effect"
  kubectl -n "$VERIFY_NS" annotate pod "$p" kwok.x-k8s.io/usage-cpu- >/dev/null
  wait_for "pod $p CPU back to <= 5m" 120 check_pod_cpu_at_most "$p" 5 || die "CPU did not go back down"

  # Editing the ClusterResourceUsage object itself changes every matching pod (then restore it).
  kubectl patch clusterresourceusage usage-from-annotation --type=json -p \
    '[{"op":"replace","path":"/spec/usages/0/usage/cpu","value":{"value":"20m"}}]' >/dev/null
  wait_for "ClusterResourceUsage edit: pod $p CPU >= 15m" 120 check_pod_cpu_at_least "$p" 15 ||
    die "editing the ClusterResourceUsage had no effect"
  kubectl apply -f "$(kwok_module_dir)/kustomize/metrics/usage/usage-from-annotation.yaml" >/dev/null
  wait_for "pod $p CPU back to <= 5m" 120 check_pod_cpu_at_most "$p" 5 || die "CPU did not go back down"
  [[ "$(jp hpa/web '{.status.desiredReplicas}')" == 2 ]] || die "HPA scaled before it should have"

  # ResourceUsage objects (one per pod, same name; they win over any ClusterResourceUsage) drive
  # the HPA up: 2 x 200m on 100m requests = 200% against a 50% target -> maxReplicas (4).
  pods="$(kubectl -n "$VERIFY_NS" get pods -l app=web -o jsonpath='{.items[*].metadata.name}')"
  for p in $pods; do
    kubectl -n "$VERIFY_NS" apply -f - >/dev/null <<EOF
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ResourceUsage
metadata:
  name: $p
spec:
  usages:
  - usage:
      cpu: {value: 200m}
      memory: {value: 80Mi}
EOF
  done
  wait_for "ResourceUsage: pod $p CPU >= 150m" 120 check_pod_cpu_at_least "$p" 150 ||
    die "ResourceUsage had no effect"
  wait_for "HPA scales up to 4 on ResourceUsage CPU" 180 check_hpa_replicas 4 || {
    kubectl -n "$VERIFY_NS" describe hpa web >&2
    die "HPA did not scale up"
  }
  log "  HPA: $(kubectl -n "$VERIFY_NS" get hpa web --no-headers)"
  kubectl -n "$VERIFY_NS" delete resourceusages --all >/dev/null
  wait_for "HPA scales back down to 2" 180 check_hpa_replicas 2 || {
    kubectl -n "$VERIFY_NS" describe hpa web >&2
    die "HPA did not scale down"
  }
  log "  HPA: $(kubectl -n "$VERIFY_NS" get hpa web --no-headers)"
  kubectl delete namespace "$VERIFY_NS" --wait=false >/dev/null
  log "verify passed in $(($(now) - t0))s"
}

# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------
main() {
  local cmd="${1:-}"
  case "$cmd" in
    build) cmd_build ;;
    up) cmd_up ;;
    down) cmd_down ;;
    env) cmd_env ;;
    status) cmd_status ;;
    verify) cmd_verify ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
