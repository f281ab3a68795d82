# shellcheck shell=bash
# Sourced by scripts/k8s-testbed.sh and scripts/test-cluster.sh; expects BIN_DIR and WORKDIR.
#
# PIDs of component processes started from our binaries for this cluster: their executable is in
# $BIN_DIR and their command line mentions the cluster's work dir. Nothing else is ever matched.
cluster_pids() {
  local p exe
  for p in /proc/[0-9]*; do
    exe="$(readlink "$p/exe" 2>/dev/null)" || continue
    [[ "$exe" == "$BIN_DIR/"* ]] || continue
    tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "$WORKDIR/" || continue
    echo "${p#/proc/}"
  done
}
