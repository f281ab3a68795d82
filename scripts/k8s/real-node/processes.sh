# shellcheck shell=bash
# Sourced by scripts/k8s-real-node.sh: start, find and stop the cluster's processes. Components
# are started by this script in the cluster's network namespace and recorded by PID; nothing is
# ever matched by name alone.

rn_log() { printf '[real-node %s] %s\n' "$(date +%T)" "$*" >&2; }
rn_die() { rn_log "ERROR: $*"; exit 1; }

# Run a command in the cluster's network namespace.
rn_ns() { nsenter --net="/run/netns/$RN_NETNS" -- "$@"; }
rn_kubectl() { rn_ns "$RN_BIN/kubectl" --kubeconfig "$RN_KUBECONFIG" "$@"; }
rn_ctr() { ctr --address "$RN_CONTAINERD_SOCK" --namespace k8s.io "$@"; }

rn_pid() { [[ -f "$RN_PIDS/$1.pid" ]] && cat "$RN_PIDS/$1.pid"; }
rn_alive() {
  local pid
  pid="$(rn_pid "$1")" || return 1
  [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" =~ ^[RSDT]$ ]]
}

# rn_start NAME COMMAND...: COMMAND in the background in the namespace, its PID in $RN_PIDS.
# nsenter execs the command, so the recorded PID is the component's own.
rn_start() {
  local name="$1"
  shift
  if rn_alive "$name"; then
    rn_log "  $name already running (pid $(rn_pid "$name"))"
    return 0
  fi
  nohup nsenter --net="/run/netns/$RN_NETNS" -- "$@" >>"$RN_LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RN_PIDS/$name.pid"
}

# rn_stop NAME: SIGTERM, up to 15 s, then SIGKILL.
rn_stop() {
  local name="$1" pid
  pid="$(rn_pid "$name")" || return 0
  if rn_alive "$name"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do rn_alive "$name" || break; sleep 0.5; done
    if rn_alive "$name"; then
      rn_log "  $name (pid $pid) ignored SIGTERM for 15 s; SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$RN_PIDS/$name.pid"
}

# rn_wait_for DESCRIPTION TIMEOUT_SECONDS COMMAND...
rn_wait_for() {
  local what="$1" timeout="$2" t0=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS - t0 >= timeout)); then
      rn_log "timed out after ${timeout}s waiting for: $what"
      return 1
    fi
    sleep 1
  done
  rn_log "  $what ($((SECONDS - t0))s)"
}

# The cluster's network namespace as the kernel names it (net:[inode]), or nothing.
rn_netns_id() {
  [[ -e "/run/netns/$RN_NETNS" ]] && echo "net:[$(stat -L -c %i "/run/netns/$RN_NETNS")]"
}

# PIDs (one per line) of every process that belongs to the cluster: in its network namespace
# (components, containerd's shims, anything run with `exec`), in its cgroup root (the pods'
# processes), or a shim of its containerd. Zombies are left out: they hold nothing.
rn_cluster_pids() {
  local netns="${1:-$(rn_netns_id)}" p pid state
  for p in /proc/[0-9]*; do
    pid="${p#/proc/}"
    [[ "$pid" == "$$" || "$pid" == "$BASHPID" ]] && continue
    state="$(awk '{print $3}' "$p/stat" 2>/dev/null)" || continue
    [[ -n "$state" && "$state" != Z ]] || continue
    if [[ -n "$netns" && "$(readlink "$p/ns/net" 2>/dev/null)" == "$netns" ]] ||
      grep -q ":/$RN_CGROUP_ROOT\(/\|$\)" "$p/cgroup" 2>/dev/null ||
      tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "$RN_CONTAINERD_SOCK"; then
      echo "$pid"
    fi
  done
}

rn_describe_pids() {
  local p
  for p in "$@"; do printf '%s(%s) ' "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-80)" "$p"; done
}
