#!/usr/bin/env bash
# Builds a tiny busybox image (Debian's busybox-static, every applet as a symlink: sh, httpd, wget, ...)
# for the generic master/worker tests. No registry is reachable here, so it is a `docker import`.
# Idempotent. Prints the image name.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x /bin/busybox ] || ! dpkg -s busybox-static >/dev/null 2>&1; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static; } >&2
fi
# The tag follows the binary and this script: a new busybox or recipe makes a new image.
sum=$(cat /bin/busybox "$here/build.sh" | sha256sum | cut -c1-10)
image=${ATQ_TEST_BUSYBOX_IMAGE:-atq-test-busybox:$sum}
if docker image inspect "$image" >/dev/null 2>&1; then echo "$image"; exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/tmp" "$work/etc" "$work/www"
chmod 1777 "$work/tmp"
cp /bin/busybox "$work/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -s busybox "$work/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$work/etc/passwd"
echo 'root:x:0:' >"$work/etc/group"
tar -C "$work" -cf "$work/image.tar" bin tmp etc www
docker import --change 'ENV PATH=/bin' --change 'CMD ["sh"]' "$work/image.tar" "$image" >/dev/null
echo "$image"
