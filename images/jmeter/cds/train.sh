#!/bin/sh
# Image build step (Dockerfile): a class-data sharing archive of a JMeter worker, lib/atq-jmeter.jsa.
# One jmeter-server starts with RMI over SSL, as atq starts its workers, and runs train.jmx for a master on
# loopback; at its exit the JVM writes every class it loaded (JDK, JMeter, TLS) into the archive. A JVM
# started with -XX:SharedArchiveFile maps them instead of loading, verifying and linking them again: at 10
# workers on 2 cores that took ~2 s off atq's readiness (issue 10). atq's container prelude passes it to
# every JMeter JVM of the image (commands.ts). The archive only fits this image's JVM and launcher, which
# is why it is made here; the last step proves that the JVM accepts it (-Xshare:on fails otherwise).
# Usage: train.sh JMETER_HOME
set -eu
home=$1
archive=$home/lib/atq-jmeter.jsa
work=$(mktemp -d)
cd "$work"
cp "$(dirname "$0")/train.jmx" .
keytool -genkeypair -alias rmi -keyalg RSA -keysize 2048 -validity 2 -dname CN=atq-train \
  -keystore rmi.p12 -storetype PKCS12 -storepass atq-train -keypass atq-train >/dev/null 2>&1
for p in keystore truststore; do
  printf 'server.rmi.ssl.%s.type=PKCS12\nserver.rmi.ssl.%s.file=%s/rmi.p12\nserver.rmi.ssl.%s.password=atq-train\n' \
    $p $p "$work" $p >> rmi.properties
done
echo 'server.rmi.ssl.keystore.alias=rmi' >> rmi.properties
prefs="-Djava.util.prefs.userRoot=$work/prefs"
mkdir -p "$work/prefs/.java/.userPrefs/org/apache/jmeter/gui"
JVM_ARGS="$prefs -XX:ArchiveClassesAtExit=$archive" "$home/bin/jmeter" -s -Jserver.exitaftertest=true \
  -Dserver_port=1099 -Dserver.rmi.localport=1099 -Djava.rmi.server.hostname=127.0.0.1 \
  -q rmi.properties -j server.log > server.out 2>&1 &
server=$!
i=0
until grep -q 'Bound to RMI registry' server.log 2>/dev/null; do
  i=$((i + 1))
  if [ $i -gt 600 ] || ! kill -0 $server 2>/dev/null; then cat server.out server.log >&2; exit 1; fi
  sleep 0.2
done
JVM_ARGS="$prefs" "$home/bin/jmeter" -n -t train.jmx -R 127.0.0.1 -q rmi.properties -l train.jtl -j master.log \
  > master.out 2>&1 || { cat master.out master.log >&2; exit 1; }
wait $server || { cat server.out >&2; exit 1; }
java -XX:SharedArchiveFile="$archive" -Xshare:on -jar "$home/bin/ApacheJMeter.jar" --version > /dev/null
chmod 0444 "$archive"
cd / && rm -rf "$work"
echo "atq-image: class-data archive $(du -h "$archive" | cut -f1) at $archive"
