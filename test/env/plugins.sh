#!/usr/bin/env bash
# Resolves the JMeter plugin jars the plugin tests ship in a bundle, idempotently, from Maven Central into
# the git-ignored .atq-env/plugins/<casutg version>/ (kept when every jar is already there):
#   kg.apc:jmeter-plugins-casutg (Concurrency, Ultimate, Stepping and Arrivals thread groups) and its one
#   runtime dependency that JMeter does not ship, kg.apc:jmeter-plugins-cmn-jmeter.
# Not their transitive dependencies: those are JMeter 2.13 itself (ApacheJMeter_core, jorphan), old copies
# of libraries JMeter 5.6.3 ships newer (log4j, commons-*, ...) and jmeter-plugins-charts, whose classes
# cmn-jmeter 0.6 already holds. The jars are never committed: a test copies them into its test dir's plugins/.
# Prints `export NAME=value` lines on stdout (progress goes to stderr):  eval "$(test/env/plugins.sh)"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

# The newest casutg on Maven Central, and the cmn-jmeter its pom names.
casutg_version=2.10
cmn_version=0.6
artifacts=(
  "kg.apc:jmeter-plugins-casutg:$casutg_version"
  "kg.apc:jmeter-plugins-cmn-jmeter:$cmn_version"
)

env_dir=${ATQ_TEST_PLUGINS_DIR:-$repo/.atq-env/plugins}
dir=$env_dir/$casutg_version

complete() {
  local a rest artifact version
  for a in "${artifacts[@]}"; do
    rest=${a#*:}; artifact=${rest%%:*}; version=${rest#*:}
    [ -s "$dir/$artifact-$version.jar" ] || return 1
  done
}

if ! complete; then
  echo "atq-env: resolving JMeter plugin jars ${artifacts[*]} from Maven Central" >&2
  mkdir -p "$env_dir"
  work=$(mktemp -d "$env_dir/.resolve.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  deps=""
  for a in "${artifacts[@]}"; do
    IFS=: read -r group artifact version <<<"$a"
    deps+="<dependency><groupId>$group</groupId><artifactId>$artifact</artifactId><version>$version</version></dependency>"
  done
  cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>atq.test</groupId><artifactId>jmeter-plugins</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>$deps</dependencies>
</project>
POM
  # -C: a jar whose checksum does not match fails the build. excludeTransitive: only the jars named above.
  (cd "$work" && mvn -q -B -C dependency:copy-dependencies -DexcludeTransitive=true -DoutputDirectory="$work/jars" >&2)
  # Swapped in whole, so an interrupted run never leaves a half-filled folder that looks complete.
  rm -rf "$dir"
  mv "$work/jars" "$dir"
  complete || { echo "atq-env: plugin jars missing in $dir after resolving" >&2; exit 1; }
fi

cat <<OUT
export ATQ_TEST_PLUGIN_JARS=$dir
OUT
