#!/usr/bin/env bash
# Builds (once) a minimal Debian bookworm root filesystem with the given packages and prints the path of
# its cached tarball. No registry is reachable here, so every image starts from debootstrap.
# Usage: rootfs.sh NAME PKG[,PKG...]
set -euo pipefail
name=$1 pkgs=$2
cache=${ATQ_ENV_CACHE:-/var/cache/atq-env}
tarball="$cache/$name-rootfs.tar"
key=$(printf '%s' "$pkgs" | sha256sum | cut -c1-12)
if [ -s "$tarball" ] && [ "$(cat "$tarball.key" 2>/dev/null)" = "$key" ]; then
  echo "$tarball"
  exit 0
fi
command -v debootstrap >/dev/null || {
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
}
mkdir -p "$cache"
dir=$(mktemp -d "$cache/$name.XXXX")
trap 'rm -rf "$dir"' EXIT
echo "atq-env: debootstrap $name ($pkgs), about 1-2 minutes" >&2
debootstrap --variant=minbase --include="$pkgs" bookworm "$dir" http://deb.debian.org/debian >"$cache/$name-debootstrap.log" 2>&1 || {
  tail -20 "$cache/$name-debootstrap.log" >&2
  exit 1
}
rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
tar -C "$dir" -cf "$tarball.tmp" .
mv "$tarball.tmp" "$tarball"
echo "$key" >"$tarball.key"
echo "$tarball"
