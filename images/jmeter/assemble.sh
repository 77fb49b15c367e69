#!/usr/bin/env bash
# Assembles an Apache JMeter home from its Maven Central artifacts (pom.xml), in the layout the official
# distribution and jmeter-maven-plugin use: bin/ApacheJMeter.jar, bin/ config files, lib/ext/ApacheJMeter_*.jar,
# lib/ third-party jars, plus this recipe's launch scripts. The image build (Dockerfile) copies the result.
# Used by the release workflow and by the test environment alike, so what is tested is what ships.
# Usage: assemble.sh OUT_DIR     (needs mvn, a JDK 17+ and unzip)
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
# RMI over SSL as cheap as it can be (rmi-ssl/: JMeter's two SSL socket factories, equal by value and with one
# SSLContext per JVM). In lib/ they come first: JMeter's launcher puts lib/ before lib/ext/ on its classpath.
# Compiled against the core jar just assembled, so a JMeter whose factories changed fails the build here.
mkdir -p "$work/rmi-ssl"
javac -nowarn --release 17 -cp "$home/lib/ext/ApacheJMeter_core-$version.jar:$home/lib/*" -d "$work/rmi-ssl" \
  $(find "$here/rmi-ssl" -name '*.java' | sort)
jar --create --date=1980-02-01T00:00:02Z --file "$home/lib/atq-rmi-ssl.jar" -C "$work/rmi-ssl" .
echo "$version"
