#!/usr/bin/env bash
# Debian packages the end-to-end tests drive for real: podman (image build/run), prometheus
# (scrapes /metrics), chromium (dashboard page), libb64-0d (a library of the perf_analyzer binary
# in the tritonclient wheel). Idempotent; quiet when already installed.
set -euo pipefail
packages=(podman runc debootstrap binutils ca-certificates prometheus chromium libb64-0d)
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
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
