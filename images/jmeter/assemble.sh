#!/usr/bin/env bash
# Assembles an Apache JMeter home from its Maven Central artifacts (pom.xml), in the layout the official
# distribution and jmeter-maven-plugin use: bin/ApacheJMeter.jar, bin/ config files, lib/ext/ApacheJMeter_*.jar,
# lib/ third-party jars, plus this recipe's launch scripts. The image build (Dockerfile) copies the result.
# Used by the release workflow and by the test environment alike, so what is tested is what ships.
# Usage: assemble.sh OUT_DIR     (needs mvn, java and unzip)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1
version=$(sed -n 's:.*<jmeter.version>\(.*\)</jmeter.version>.*:\1:p' "$here/pom.xml")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "atq-image: resolving Apache JMeter $version from Maven Central" >&2
(cd "$here" && mvn -q -B dependency:copy-dependencies -DoutputDirectory="$work/deps" >&2)
home="$out/apache-jmeter"
rm -rf "$home"
mkdir -p "$home/bin" "$home/lib/ext" "$home/lib/junit"
for jar in "$work"/deps/*.jar; do
  case $(basename "$jar") in
    ApacheJMeter-"$version".jar) cp "$jar" "$home/bin/ApacheJMeter.jar" ;;
    ApacheJMeter_config-*) unzip -q -o "$jar" 'bin/*' -d "$home" ;;
    ApacheJMeter_*) cp "$jar" "$home/lib/ext/" ;;
    *) cp "$jar" "$home/lib/" ;;
  esac
done
# Maven Central has no launch scripts; these do what JMeter's bin/jmeter and bin/jmeter-server do.
cp "$here/bin/jmeter" "$here/bin/jmeter-server" "$home/bin/"
chmod 0755 "$home/bin/jmeter" "$home/bin/jmeter-server"
echo "$version"
