#!/usr/bin/env bash
# Debian packages the end-to-end tests drive for real: podman (image build/run), prometheus
# (scrapes /metrics), chromium (dashboard page), libb64-0d (a library of the perf_analyzer binary
# in the tritonclient wheel), and the test bed's real node (containerd, runc, the CNI plugins,
# docker-registry, iptables and conntrack for kube-proxy, iproute2 and openssl for its network
# namespace and certificates). Idempotent; quiet when already installed.
set -euo pipefail
packages=(podman runc debootstrap binutils ca-certificates prometheus chromium libb64-0d
  containerd containernetworking-plugins docker-registry iptables conntrack iproute2 openssl)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "system packages present: ${packages[*]}"
  exit 0
fi
echo "installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
# Packages with a daemon (docker-registry would listen on every interface, port 5000) must not
# start it: the tests run their own, inside a network namespace. policy-rc.d(8) says "not now"
# to invoke-rc.d during this install; one already there is left as it is.
policy=/usr/sbin/policy-rc.d
added_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# Written by scripts/ci/install-system-packages.sh for one apt-get install.\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  added_policy=1
fi
trap '[ "$added_policy" -eq 0 ] || $SUDO rm -f "$policy"' EXIT
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
