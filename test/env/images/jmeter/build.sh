#!/usr/bin/env bash
# Builds the test JMeter image: Apache JMeter 5.6.3 assembled from its Maven Central artifacts on a Debian
# bookworm root filesystem with OpenJDK 17. Idempotent. Prints the image name.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=5.6.3
# The tag carries a hash of this recipe, so a changed recipe builds a new image instead of reusing a stale one.
sum=$(cat "$here/build.sh" "$here/pom.xml" | sha256sum | cut -c1-8)
image=${ATQ_TEST_JMETER_IMAGE:-atq-test-jmeter:$version-$sum}
if docker image inspect "$image" >/dev/null 2>&1; then echo "$image"; exit 0; fi

rootfs=$("$here/../rootfs.sh" jmeter openjdk-17-jre-headless,ca-certificates,procps)
command -v unzip >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unzip >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "atq-env: resolving JMeter $version from Maven Central" >&2
(cd "$here" && mvn -q -B dependency:copy-dependencies -DoutputDirectory="$work/deps" >&2)
home="$work/opt/apache-jmeter-$version"
mkdir -p "$home/bin" "$home/lib/ext" "$home/lib/junit"
for jar in "$work"/deps/*.jar; do
  case $(basename "$jar") in
    ApacheJMeter-$version.jar) cp "$jar" "$home/bin/ApacheJMeter.jar" ;;
    ApacheJMeter_config-*) unzip -q -o "$jar" 'bin/*' -d "$home" ;;
    ApacheJMeter_*) cp "$jar" "$home/lib/ext/" ;;
    *) cp "$jar" "$home/lib/" ;;
  esac
done
# Maven Central has no launch scripts; these do what JMeter's bin/jmeter and bin/jmeter-server do.
cat >"$home/bin/jmeter" <<'SH'
#!/bin/sh
home=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
exec java ${HEAP:--Xms256m -Xmx1g} ${JVM_ARGS:-} -jar "$home/bin/ApacheJMeter.jar" "$@"
SH
cat >"$home/bin/jmeter-server" <<'SH'
#!/bin/sh
dir=$(dirname "$(readlink -f "$0")")
exec "$dir/jmeter" -Dserver_port="${SERVER_PORT:-1099}" -s -j jmeter-server.log "$@"
SH
chmod 0755 "$home/bin/jmeter" "$home/bin/jmeter-server"
mkdir -p "$work/usr/local/bin"
ln -s "/opt/apache-jmeter-$version/bin/jmeter" "$work/usr/local/bin/jmeter"
ln -s "/opt/apache-jmeter-$version/bin/jmeter-server" "$work/usr/local/bin/jmeter-server"
cp "$rootfs" "$work/image.tar"
tar -C "$work" -rf "$work/image.tar" "./opt/apache-jmeter-$version" ./usr/local/bin/jmeter ./usr/local/bin/jmeter-server
docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["jmeter","--version"]' "$work/image.tar" "$image" >/dev/null
echo "$image"
