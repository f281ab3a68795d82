# shellcheck shell=bash
# Sourced by scripts/k8s-real-node.sh: the configuration files of containerd, the CNI plugins,
# the registry, the kubelet and kube-proxy, under $RN_ETC.

# rn_put FILE: stdin into FILE, only when the content differs (kube-proxy exits when its config
# file is rewritten, even with the same content).
rn_put() {
  cat >"$1.tmp"
  if cmp -s "$1.tmp" "$1"; then rm -f "$1.tmp"; else mv -f "$1.tmp" "$1"; fi
}

rn_configs() {
  mkdir -p "$RN_ETC/cni" "$RN_ETC/certs.d/$RN_REGISTRY"
  local runc
  runc="$(command -v runc)"

  # containerd 1.6 (Debian): its own root, state and socket; runc with cgroupfs (no systemd here).
  rn_put "$RN_ETC/containerd.toml" <<EOF
version = 2
root = "$RN_CONTAINERD_ROOT"
state = "$RN_CONTAINERD_STATE"
[grpc]
  address = "$RN_CONTAINERD_SOCK"
[plugins."io.containerd.internal.v1.opt"]
  path = "$RN_STATE/containerd-opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$RN_PAUSE_IMAGE"
  disable_apparmor = true
  # pod network namespaces are mounted under the state dir, which down cleans
  netns_mounts_under_state_dir = true
  # Sandboxes without CAP_SYS_RESOURCE cannot lower oom_score_adj, and the kubelet asks -998 for
  # every pod sandbox: runc then fails with "failed to update /proc/self/oom_score_adj:
  # Permission denied". This clamps the score to containerd's own.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        BinaryName = "$runc"
        Root = "$RN_RUN/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$RN_ETC/cni"
    max_conf_num = 1
  # Registry hosts (https://github.com/containerd/containerd/blob/main/docs/hosts.md): the
  # cluster's registry speaks plain HTTP on loopback.
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$RN_ETC/certs.d"
EOF
  rn_put "$RN_ETC/certs.d/$RN_REGISTRY/hosts.toml" <<EOF
server = "http://$RN_REGISTRY"
[host."http://$RN_REGISTRY"]
  capabilities = ["pull", "resolve"]
EOF

  rn_put "$RN_ETC/cni/10-berth.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "$RN_CNI_NETWORK",
  "plugins": [
    {"type": "bridge", "bridge": "$RN_POD_BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$RN_POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}],
              "dataDir": "$RN_RUN/cni-ipam"}},
    {"type": "portmap", "capabilities": {"portMappings": true}},
    {"type": "loopback"}
  ]
}
EOF

  # The CNCF distribution registry (Debian's docker-registry), on loopback in the namespace.
  rn_put "$RN_ETC/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $RN_STATE/registry
  delete:
    enabled: true
http:
  addr: $RN_REGISTRY
  headers:
    X-Content-Type-Options: [nosniff]
EOF

  rn_put "$RN_ETC/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
containerRuntimeEndpoint: unix://$RN_CONTAINERD_SOCK
cgroupDriver: cgroupfs
cgroupRoot: /$RN_CGROUP_ROOT
# Hosts with a hybrid cgroup v1 hierarchy: the kubelet refuses v1 from 1.35 on unless told.
failCgroupV1: false
failSwapOn: false
address: $RN_NODE_IP
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $RN_PKI/ca.crt}
authorization: {mode: Webhook}
clusterDomain: cluster.local
resolvConf: $RN_ETC/resolv.conf
podCIDR: $RN_POD_CIDR
podLogsDir: $RN_POD_LOGS
volumePluginDir: $RN_STATE/volume-plugins
maxPods: 110
rotateCertificates: false
serializeImagePulls: false
imageGCHighThresholdPercent: 99
imageGCLowThresholdPercent: 98
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
fileCheckFrequency: 5s
nodeStatusUpdateFrequency: 5s
# Without CAP_SYS_RESOURCE (see restrict_oom_score_adj in containerd.toml).
oomScoreAdj: 0
EOF
  # Pods get a resolver that points nowhere: nothing in the namespace may reach out.
  printf 'nameserver 127.0.0.1\noptions ndots:1\n' | rn_put "$RN_ETC/resolv.conf"

  rn_put "$RN_ETC/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $RN_PKI/kube-proxy.kubeconfig}
mode: iptables
clusterCIDR: $RN_POD_CIDR
hostnameOverride: $RN_NODE_NAME
bindAddress: $RN_NODE_IP
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: ["127.0.0.0/8", "$RN_NODE_IP/32"]
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
iptables: {localhostNodePorts: true, syncPeriod: 30s, minSyncPeriod: 0s}
oomScoreAdj: 0
EOF

  # metrics-server runs as a process in the namespace; the aggregator reaches it through an
  # ExternalName Service on loopback (as kwokctl's binary runtime does).
  rn_put "$RN_ETC/metrics-server.yaml" <<EOF
apiVersion: v1
kind: Service
metadata: {name: metrics-server, namespace: kube-system, labels: {k8s-app: metrics-server}}
spec:
  type: ExternalName
  externalName: 127.0.0.1
  ports: [{name: https, port: $RN_METRICS_PORT, protocol: TCP}]
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io, labels: {k8s-app: metrics-server}}
spec:
  service: {name: metrics-server, namespace: kube-system, port: $RN_METRICS_PORT}
  group: metrics.k8s.io
  version: v1beta1
  insecureSkipTLSVerify: true
  groupPriorityMinimum: 100
  versionPriority: 100
EOF
}
