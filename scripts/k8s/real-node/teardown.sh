# shellcheck shell=bash
# Sourced by scripts/k8s-real-node.sh: stop the cluster and remove everything it made, then list
# what is left (nothing, or `down` fails). What a real node leaves behind when stopped carelessly:
# pod processes under their shims, overlay and pod-netns mounts, the kubelet's tmpfs volumes, pod
# cgroups, the network namespace, CNI result files and /var/log/containers links.

# Pods first, through the API and the kubelet, so the CRI stops the sandboxes and runs CNI DEL.
rn_delete_pods() {
  rn_alive kube-apiserver && rn_alive kubelet || return 0
  local namespace
  rn_log "deleting workloads and pods through the kubelet"
  for namespace in $(rn_kubectl get namespaces -o name 2>/dev/null | sed 's|namespace/||'); do
    rn_kubectl -n "$namespace" delete deployments,replicasets,statefulsets,daemonsets,jobs,hpa --all --wait=false >/dev/null 2>&1 || true
    rn_kubectl -n "$namespace" delete pods --all --grace-period=1 --wait=false >/dev/null 2>&1 || true
  done
  rn_wait_for "no container left running" 90 rn_no_tasks || rn_log "  containers still running; stopping them through containerd"
}

rn_no_tasks() {
  local tasks
  tasks="$(rn_ctr tasks ls -q)" || return 1
  [[ -z "$tasks" ]]
}

# Whatever the kubelet did not stop: kill the tasks through containerd, remove the containers.
rn_kill_tasks() {
  rn_alive containerd && [[ -S "$RN_CONTAINERD_SOCK" ]] || return 0
  local t c
  for t in $(rn_ctr tasks ls -q 2>/dev/null); do rn_ctr tasks kill --signal SIGKILL "$t" >/dev/null 2>&1 || true; done
  sleep 1
  for t in $(rn_ctr tasks ls -q 2>/dev/null); do rn_ctr tasks delete --force "$t" >/dev/null 2>&1 || true; done
  for c in $(rn_ctr containers ls -q 2>/dev/null); do rn_ctr containers delete "$c" >/dev/null 2>&1 || true; done
}

# Mount points under the cluster's directories (pod netns binds, overlay rootfs, kubelet volumes).
rn_mounts() {
  awk -v s="$RN_STATE/" -v r="$RN_RUN/" -v n="/run/netns/$RN_NETNS" \
    'index($5, s) == 1 || index($5, r) == 1 || $5 == n {print $5}' /proc/self/mountinfo
}

rn_cgroups() {
  local d
  for d in /sys/fs/cgroup/*/"$RN_CGROUP_ROOT"; do [[ -d "$d" ]] && echo "$d"; done
}

# What is left of the cluster, one line per thing; nothing when it is gone entirely.
rn_leftovers() {
  local netns="${1:-}" pids f
  pids="$(rn_cluster_pids "$netns" | tr '\n' ' ')"
  # shellcheck disable=SC2086
  [[ -z "${pids// /}" ]] || echo "processes: $(rn_describe_pids $pids)"
  rn_mounts | sed 's/^/mount: /'
  rn_cgroups | sed 's/^/cgroup: /'
  [[ ! -e "/run/netns/$RN_NETNS" ]] || echo "network namespace: $RN_NETNS"
  for f in /var/log/containers/*.log; do
    [[ -L "$f" && "$(readlink "$f")" == "$RN_POD_LOGS/"* ]] && echo "log link: $f"
  done
  compgen -G "/var/lib/cni/results/$RN_CNI_NETWORK-*" | sed 's/^/CNI result: /'
  [[ ! -e "$RN_STATE" ]] || echo "directory: $RN_STATE"
  [[ ! -e "$RN_RUN" ]] || echo "directory: $RN_RUN"
}

rn_down() {
  local netns pids p d m
  netns="$(rn_netns_id)"
  rn_delete_pods
  rn_stop kube-proxy
  rn_stop kubelet
  rn_kill_tasks
  rn_stop metrics-server
  rn_stop kube-scheduler
  rn_stop kube-controller-manager
  rn_stop kube-apiserver
  rn_stop etcd
  rn_stop registry
  rn_stop containerd
  # Left over after that (a kubelet or containerd that died early): the cluster's own processes,
  # found by namespace, cgroup root or containerd socket. SIGTERM, then SIGKILL.
  pids="$(rn_cluster_pids "$netns")"
  if [[ -n "$pids" ]]; then
    # shellcheck disable=SC2086
    rn_log "stopping leftover processes: $(rn_describe_pids $pids)"
    for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
    sleep 3
    for p in $(rn_cluster_pids "$netns"); do kill -KILL "$p" 2>/dev/null || true; done
    sleep 1
  fi
  for m in $(rn_mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || rn_log "  cannot unmount $m"
  done
  # Pod cgroups are empty once their processes are gone; rmdir removes only empty ones.
  for d in $(rn_cgroups); do find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true; done
  if [[ -e "/run/netns/$RN_NETNS" ]]; then ip netns delete "$RN_NETNS" || rn_log "  cannot delete network namespace $RN_NETNS"; fi
  for p in /var/log/containers/*.log; do
    [[ -L "$p" && "$(readlink "$p")" == "$RN_POD_LOGS/"* ]] && rm -f "$p"
  done
  rm -f /var/lib/cni/results/"$RN_CNI_NETWORK"-*
  rm -rf "$RN_STATE" "$RN_RUN"
  rmdir /var/lib/berth-real-node /run/berth-real-node 2>/dev/null || true
  # containerd 1.6 keeps its shims' sockets in /run/containerd/s whatever its state dir is.
  rmdir /run/containerd/s /run/containerd 2>/dev/null || true
  local left
  left="$(rn_leftovers "$netns")"
  if [[ -n "$left" ]]; then
    rn_log "left behind after down:"
    sed 's/^/  /' <<<"$left" >&2
    return 1
  fi
  rn_log "cluster '$RN_NAME' is down: no process, mount, network namespace, cgroup or directory left"
}
