# shellcheck shell=bash
# Sourced by scripts/k8s-real-node.sh and scripts/test-cluster.sh: names, addresses and paths of
# one real-node cluster. Everything the cluster creates lives under these names, so `down` and
# the leftover check can find it all, and two clusters with different names never meet.
#
# Inputs: REPO_ROOT, and optionally BERTH_REAL_NODE_NAME (default: berth) and BERTH_K8S_CACHE.

# shellcheck disable=SC1091
source "$REPO_ROOT/scripts/k8s/versions.env"

RN_NAME="${BERTH_REAL_NODE_NAME:-berth}"
[[ "$RN_NAME" =~ ^[a-z0-9][a-z0-9-]{0,30}$ ]] || {
  echo "BERTH_REAL_NODE_NAME must be 1-31 lower-case letters, digits or dashes, got '$RN_NAME'" >&2
  exit 2
}

RN_CACHE="${BERTH_K8S_CACHE:-$HOME/.cache/berth-k8s}"
RN_BIN="$RN_CACHE/$K8S_VERSION/bin"

# Persistent state (etcd, containerd's images and snapshots, the kubelet's pods, the registry's
# blobs, PKI, logs) and runtime state (sockets, PIDs, pod network namespaces). `down` removes both.
RN_STATE="/var/lib/berth-real-node/$RN_NAME"
RN_RUN="/run/berth-real-node/$RN_NAME"
RN_LOGS="$RN_STATE/logs"
RN_PKI="$RN_STATE/pki"
RN_ETC="$RN_STATE/etc"
RN_PIDS="$RN_RUN/pids"
RN_KUBECONFIG="$RN_PKI/admin.kubeconfig"
RN_READY="$RN_RUN/ready"

# The whole cluster runs in this network namespace (entered with `nsenter --net` only, so /sys and
# the cgroup mounts stay the host's). Its interfaces: lo; a bridge without ports holding the node
# IP and the default route, so whatever is sent "out" is dropped; the CNI bridge for pods. Fixed
# ports below are inside this namespace and so cannot collide with anything on the host.
RN_NETNS="berth-node-$RN_NAME"
RN_NODE_NAME="berth-real-node"
RN_NODE_IP=10.99.0.2
RN_NODE_BRIDGE=bn-node0
RN_POD_BRIDGE=bn-cni0
RN_POD_CIDR=10.244.0.0/24
RN_SERVICE_CIDR=10.96.0.0/16
RN_APISERVER_SERVICE_IP=10.96.0.1
RN_APISERVER_PORT=6443
RN_METRICS_PORT=4443
RN_REGISTRY=127.0.0.1:5000
RN_CNI_NETWORK="berth-$RN_NAME"

# Pods' cgroups live under this root in every cgroup hierarchy (the kubelet's cgroupRoot).
RN_CGROUP_ROOT="berth-node-$RN_NAME"

RN_CONTAINERD_ROOT="$RN_STATE/containerd"
RN_CONTAINERD_STATE="$RN_RUN/containerd"
RN_CONTAINERD_SOCK="$RN_CONTAINERD_STATE/containerd.sock"
RN_KUBELET_ROOT="$RN_STATE/kubelet"
RN_POD_LOGS="$RN_STATE/pod-logs"

# The pod sandbox image, built by `up` from scripts/k8s/real-node/pause and pulled by containerd
# from the cluster's registry like any other image.
RN_PAUSE_REPOSITORY="$RN_REGISTRY/berth-test-bed/pause"

# Components in start order; `down` stops them in reverse.
RN_COMPONENTS=(containerd registry etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy metrics-server)
