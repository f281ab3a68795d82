#!/usr/bin/env bash
# The Kubernetes test bed's real-node mode: one node whose pods really run containers. A real
# kubelet and kube-proxy (iptables), Debian's containerd + runc + CNI plugins, and a container
# registry (Debian's docker-registry, the CNCF distribution registry), with etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler and metrics-server built from the Go module proxy like
# the rest of the test bed. The whole cluster lives in one network namespace, so nothing it runs
# can reach or be reached from outside the machine, and the host's iptables stay untouched.
#
#   scripts/k8s-real-node.sh up        build what is missing, start the cluster, wait until usable
#   scripts/k8s-real-node.sh down      stop everything, remove all it made; fails if anything is left
#   scripts/k8s-real-node.sh status    components and node
#   scripts/k8s-real-node.sh env       variables for tests: kubeconfig, kubectl, registry, namespace
#   scripts/k8s-real-node.sh exec CMD  run CMD in the cluster's network namespace, with KUBECONFIG
#                                      and kubectl on PATH (the apiserver, Services and the
#                                      registry are reachable only there)
#   scripts/k8s-real-node.sh shell     an interactive shell there
#   scripts/k8s-real-node.sh leftovers what a stopped cluster left behind (nothing, normally)
#
# Environment: BERTH_REAL_NODE_NAME (default berth; names the namespace, directories and cgroups),
# BERTH_K8S_CACHE (as scripts/k8s-testbed.sh). Needs root, and Debian's containerd, runc,
# containernetworking-plugins, docker-registry, iptables, conntrack, podman, openssl (see
# scripts/ci/install-system-packages.sh). See docs/k8s-testbed.md, "Real node".
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RN_LIB="$REPO_ROOT/scripts/k8s/real-node"
# shellcheck source=k8s/real-node/layout.sh
source "$RN_LIB/layout.sh"
# shellcheck source=k8s/real-node/processes.sh
source "$RN_LIB/processes.sh"
# shellcheck source=k8s/real-node/pki.sh
source "$RN_LIB/pki.sh"
# shellcheck source=k8s/real-node/configs.sh
source "$RN_LIB/configs.sh"
# shellcheck source=k8s/real-node/teardown.sh
source "$RN_LIB/teardown.sh"

# podman's flags on these hosts (docs/base-image.md): runc, not crun; cgroupfs without systemd.
PODMAN=(podman --runtime runc --cgroup-manager cgroupfs)
RN_PAUSE_IMAGE="$RN_PAUSE_REPOSITORY:$(cat "$RN_LIB/pause/go.mod" "$RN_LIB/pause/main.go" "$RN_LIB/pause/Containerfile" | sha256sum | cut -c1-12)"

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//'; }

require() {
  [[ "$(id -u)" == 0 ]] || rn_die "the real node needs root (network namespace, containerd, cgroups)"
  local program missing=()
  for program in containerd containerd-shim-runc-v2 runc ctr docker-registry iptables conntrack ip nsenter openssl podman; do
    command -v "$program" >/dev/null 2>&1 || missing+=("$program")
  done
  [[ -x /usr/lib/cni/bridge ]] || missing+=("/usr/lib/cni/bridge (containernetworking-plugins)")
  ((${#missing[@]} == 0)) || rn_die "missing: ${missing[*]}; run scripts/ci/install-system-packages.sh"
}

# The test bed's binaries (kubelet and kube-proxy among them), built or checked by its build.
ensure_built() {
  if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then export PATH="/usr/local/go/bin:$PATH"; fi
  if command -v go >/dev/null 2>&1; then
    QUIET_CACHED=1 "$REPO_ROOT/scripts/k8s-testbed.sh" build
  fi
  local b
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl metrics-server; do
    [[ -x "$RN_BIN/$b" ]] || rn_die "$RN_BIN/$b is missing (run scripts/k8s-testbed.sh build; needs Go >= 1.26)"
  done
}

network_up() {
  ip netns list | grep -qx "$RN_NETNS\( (id: [0-9]*)\)\?" || ip netns add "$RN_NETNS"
  rn_ns ip link set lo up
  if ! rn_ns ip link show "$RN_NODE_BRIDGE" >/dev/null 2>&1; then
    # A bridge without ports holds the node IP (some kernels have no dummy device), and the
    # default route through it is a black hole: the namespace has no way out.
    rn_ns ip link add "$RN_NODE_BRIDGE" type bridge
    rn_ns ip addr add "$RN_NODE_IP/24" dev "$RN_NODE_BRIDGE"
    rn_ns ip link set "$RN_NODE_BRIDGE" up
    rn_ns ip route add default dev "$RN_NODE_BRIDGE"
  fi
  rn_ns sysctl -qw net.ipv4.ip_forward=1
  rn_ns sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null || true
}

# The pods' cgroup root in every v1 hierarchy (and the unified one); the kubelet requires it to
# exist. cpuset children start empty, so the root gets the parent's CPUs and memory nodes.
cgroups_up() {
  local h
  for h in /sys/fs/cgroup/*/; do
    [[ -e "$h/cgroup.procs" ]] || continue
    mkdir -p "$h$RN_CGROUP_ROOT"
  done
  if [[ -f "/sys/fs/cgroup/cpuset/$RN_CGROUP_ROOT/cpuset.cpus" ]]; then
    cat /sys/fs/cgroup/cpuset/cpuset.cpus >"/sys/fs/cgroup/cpuset/$RN_CGROUP_ROOT/cpuset.cpus"
    cat /sys/fs/cgroup/cpuset/cpuset.mems >"/sys/fs/cgroup/cpuset/$RN_CGROUP_ROOT/cpuset.mems"
  fi
}

# The pod sandbox image: a static Go program FROM scratch, pushed to the cluster's registry.
pause_image() {
  local dir="$RN_LIB/pause" out="$RN_STATE/pause"
  mkdir -p "$out"
  if ! "${PODMAN[@]}" image exists "$RN_PAUSE_IMAGE"; then
    command -v go >/dev/null 2>&1 || rn_die "go is needed once to build the pause image"
    (cd "$dir" && CGO_ENABLED=0 GOFLAGS="-trimpath -mod=readonly -buildvcs=false" GOWORK=off \
      GOCACHE="$RN_CACHE/gocache" go build -ldflags "-s -w" -o "$out/pause" .) ||
      rn_die "could not build the pause program"
    cp "$dir/Containerfile" "$out/"
    "${PODMAN[@]}" build --pull=never --network none --quiet --tag "$RN_PAUSE_IMAGE" "$out" >/dev/null ||
      rn_die "podman could not build $RN_PAUSE_IMAGE"
  fi
  rn_ns "${PODMAN[@]}" push --quiet --tls-verify=false "$RN_PAUSE_IMAGE" >/dev/null 2>>"$RN_LOGS/pause-push.log" ||
    rn_die "could not push $RN_PAUSE_IMAGE to the registry (see $RN_LOGS/pause-push.log)"
}

registry_answers() { rn_ns bash -c "exec 3<>/dev/tcp/${RN_REGISTRY%:*}/${RN_REGISTRY#*:}"; }
apiserver_ready() { rn_kubectl get --raw /readyz; }
node_ready() { rn_kubectl wait --for=condition=Ready "node/$RN_NODE_NAME" --timeout=2s; }
metrics_available() { rn_kubectl get --raw "/apis/metrics.k8s.io/v1beta1/nodes/$RN_NODE_NAME"; }

cmd_up() {
  local t0=$SECONDS t
  require
  if [[ -f "$RN_READY" ]] && rn_alive kube-apiserver && apiserver_ready >/dev/null 2>&1; then
    rn_log "cluster '$RN_NAME' is already up"
    cmd_env
    return 0
  fi
  if [[ -e "$RN_STATE" || -e "$RN_RUN" || -e "/run/netns/$RN_NETNS" ]]; then
    rn_log "a previous cluster '$RN_NAME' did not finish; removing it first"
    rn_down
  fi
  ensure_built
  t=$SECONDS
  mkdir -p "$RN_STATE" "$RN_RUN" "$RN_LOGS" "$RN_PIDS" "$RN_ETC" "$RN_KUBELET_ROOT" "$RN_POD_LOGS" "$RN_STATE/etcd"
  chmod 700 "$RN_STATE"
  rn_pki
  rn_configs
  network_up
  cgroups_up
  rn_log "cluster '$RN_NAME': namespace $RN_NETNS, node IP $RN_NODE_IP, registry $RN_REGISTRY, state $RN_STATE"

  rn_start containerd containerd --config "$RN_ETC/containerd.toml"
  rn_start registry docker-registry serve "$RN_ETC/registry.yml"
  rn_start etcd "$RN_BIN/etcd" --name berth --data-dir "$RN_STATE/etcd" --unsafe-no-fsync \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster berth=http://127.0.0.1:2380 --listen-metrics-urls http://127.0.0.1:2381
  rn_wait_for "containerd socket" 30 test -S "$RN_CONTAINERD_SOCK" || rn_die "containerd did not start (log: $RN_LOGS/containerd.log)"
  rn_wait_for "registry on $RN_REGISTRY" 30 registry_answers || rn_die "the registry did not start (log: $RN_LOGS/registry.log)"
  pause_image
  rn_log "  pause image $RN_PAUSE_IMAGE in the registry"

  rn_start kube-apiserver "$RN_BIN/kube-apiserver" --etcd-servers=http://127.0.0.1:2379 \
    --bind-address=0.0.0.0 --secure-port="$RN_APISERVER_PORT" --advertise-address="$RN_NODE_IP" \
    --service-cluster-ip-range="$RN_SERVICE_CIDR" --service-node-port-range=30000-32767 \
    --tls-cert-file="$RN_PKI/apiserver.crt" --tls-private-key-file="$RN_PKI/apiserver.key" \
    --client-ca-file="$RN_PKI/ca.crt" \
    --kubelet-client-certificate="$RN_PKI/apiserver-kubelet-client.crt" \
    --kubelet-client-key="$RN_PKI/apiserver-kubelet-client.key" --kubelet-preferred-address-types=InternalIP \
    --service-account-key-file="$RN_PKI/sa.pub" --service-account-signing-key-file="$RN_PKI/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --requestheader-client-ca-file="$RN_PKI/ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="$RN_PKI/front-proxy-client.crt" --proxy-client-key-file="$RN_PKI/front-proxy-client.key" \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction
  rn_wait_for "kube-apiserver /readyz" 180 apiserver_ready || rn_die "kube-apiserver is not ready (log: $RN_LOGS/kube-apiserver.log)"
  # The HPA controller syncs every 5 s instead of 15 s, so scaling tests wait less.
  rn_start kube-controller-manager "$RN_BIN/kube-controller-manager" \
    --kubeconfig="$RN_PKI/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$RN_PKI/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$RN_PKI/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file="$RN_PKI/sa.key" --root-ca-file="$RN_PKI/ca.crt" \
    --cluster-signing-cert-file="$RN_PKI/ca.crt" --cluster-signing-key-file="$RN_PKI/ca.key" \
    --service-cluster-ip-range="$RN_SERVICE_CIDR" --allocate-node-cidrs=false \
    --horizontal-pod-autoscaler-sync-period=5s
  rn_start kube-scheduler "$RN_BIN/kube-scheduler" --kubeconfig="$RN_PKI/scheduler.kubeconfig" \
    --authentication-kubeconfig="$RN_PKI/scheduler.kubeconfig" \
    --authorization-kubeconfig="$RN_PKI/scheduler.kubeconfig" --bind-address=127.0.0.1 --leader-elect=false
  rn_start kubelet "$RN_BIN/kubelet" --config="$RN_ETC/kubelet.yaml" --kubeconfig="$RN_PKI/kubelet.kubeconfig" \
    --hostname-override="$RN_NODE_NAME" --node-ip="$RN_NODE_IP" --root-dir="$RN_KUBELET_ROOT" --v=1
  rn_start kube-proxy "$RN_BIN/kube-proxy" --config="$RN_ETC/kube-proxy.yaml"
  rn_start metrics-server "$RN_BIN/metrics-server" --secure-port="$RN_METRICS_PORT" --bind-address=127.0.0.1 \
    --cert-dir="$RN_STATE/metrics-server" --kubeconfig="$RN_KUBECONFIG" \
    --authentication-kubeconfig="$RN_KUBECONFIG" --authorization-kubeconfig="$RN_KUBECONFIG" \
    --kubelet-insecure-tls --kubelet-preferred-address-types=InternalIP --metric-resolution=15s
  rn_wait_for "node $RN_NODE_NAME Ready" 180 node_ready || rn_die "the node did not become Ready (log: $RN_LOGS/kubelet.log)"
  rn_wait_for "default ServiceAccount" 60 rn_kubectl -n default get serviceaccount default ||
    rn_die "kube-controller-manager made no default ServiceAccount (log: $RN_LOGS/kube-controller-manager.log)"
  rn_kubectl apply -f "$RN_ETC/metrics-server.yaml" >/dev/null || rn_die "could not register metrics-server's APIService"
  rn_wait_for "metrics API serves the node's usage (metrics-server reads the kubelet)" 120 metrics_available ||
    rn_die "no node metrics (logs: $RN_LOGS/metrics-server.log, $RN_LOGS/kubelet.log)"
  rn_netns_id >"$RN_RUN/netns-id"
  date -u +%FT%TZ >"$RN_READY"
  rn_log "cluster '$RN_NAME' up in $((SECONDS - t0))s (components $((SECONDS - t))s); try: $0 exec kubectl get nodes"
  cmd_env
}

cmd_down() {
  [[ "$(id -u)" == 0 ]] || rn_die "the real node needs root"
  if [[ ! -e "$RN_STATE" && ! -e "$RN_RUN" && ! -e "/run/netns/$RN_NETNS" ]]; then
    rn_log "no cluster '$RN_NAME'; checking that nothing of one is left"
  else
    rn_log "stopping cluster '$RN_NAME'"
  fi
  rn_down
}

cmd_env() {
  cat <<EOF
export K8S_REAL_NODE_NETNS=$RN_NETNS
export K8S_REAL_NODE_REGISTRY=$RN_REGISTRY
export K8S_REAL_NODE_NAME=$RN_NODE_NAME
export K8S_REAL_NODE_CGROUP_ROOT=$RN_CGROUP_ROOT
export K8S_TESTBED_KUBECONFIG=$RN_KUBECONFIG
export K8S_TESTBED_KUBECTL=$RN_BIN/kubectl
EOF
}

cmd_status() {
  local n
  for n in "${RN_COMPONENTS[@]}"; do
    if rn_alive "$n"; then echo "$n: running (pid $(rn_pid "$n"))"; else echo "$n: stopped"; fi
  done
  if rn_alive kube-apiserver; then
    rn_kubectl get nodes -o wide
    rn_kubectl get pods -A -o wide
  fi
}

cmd_exec() {
  [[ -e "/run/netns/$RN_NETNS" ]] || rn_die "cluster '$RN_NAME' is not up (run: $0 up)"
  KUBECONFIG="$RN_KUBECONFIG" PATH="$RN_BIN:$PATH" rn_ns "$@"
}

cmd_leftovers() {
  local left
  left="$(rn_leftovers "$(cat "$RN_RUN/netns-id" 2>/dev/null)")"
  [[ -z "$left" ]] || { echo "$left"; return 1; }
}

main() {
  local command="${1:-}"
  shift || true
  case "$command" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    env) cmd_env ;;
    exec) (($# > 0)) || rn_die "usage: $0 exec COMMAND..."; cmd_exec "$@" ;;
    shell) cmd_exec bash -i ;;
    leftovers) cmd_leftovers ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
