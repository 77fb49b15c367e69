#!/usr/bin/env bash
# Builds the test JMeter image from the recipe that ships (images/jmeter: assemble.sh + Dockerfile), on a
# local base: no registry is reachable here, so the JRE base (Debian bookworm, OpenJDK 17 LTS) comes from
# debootstrap. Idempotent. Prints the image name.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
recipe=$(cd "$here/../../../../images/jmeter" && pwd)
# The tag carries a hash of the recipe, so a changed recipe builds a new image instead of reusing a stale one.
sum=$(cat "$here/build.sh" "$recipe"/Dockerfile "$recipe"/*.sh "$recipe"/pom.xml "$recipe"/bin/* \
  $(find "$recipe/rmi-ssl" "$recipe/cds" -type f | sort) | sha256sum | cut -c1-8)
version=$(sed -n 's:.*<jmeter.version>\(.*\)</jmeter.version>.*:\1:p' "$recipe/pom.xml")
image=${ATQ_TEST_JMETER_IMAGE:-atq-test-jmeter:$version-$sum}
if docker image inspect "$image" >/dev/null 2>&1; then echo "$image"; exit 0; fi

rootfs=$("$here/../rootfs.sh" jmeter openjdk-17-jre-headless,ca-certificates,procps)
base=atq-test-jre:bookworm-$(cat "$rootfs.key" | cut -c1-8)
if ! docker image inspect "$base" >/dev/null 2>&1; then
  docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' "$rootfs" "$base" >/dev/null
fi
command -v unzip >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unzip >&2
"$recipe/build.sh" "$image" "$base" >/dev/null
echo "$image"
