#!/usr/bin/env bash
# Builds ATQ's JMeter image: assemble.sh, then the Dockerfile on BASE (a Java LTS JRE image).
# Usage: build.sh IMAGE_TAG [BASE]      e.g. build.sh ghcr.io/atq/run-load-test/jmeter:5.6.3
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tag=$1
base=${2:-eclipse-temurin:17-jre}
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
version=$("$here/assemble.sh" "$ctx")
cp -R "$here/Dockerfile" "$here/cds" "$ctx/"
# The classic builder uses a local BASE as it is (BuildKit would look it up in a registry first).
DOCKER_BUILDKIT=0 docker build -q --build-arg BASE="$base" --build-arg JMETER_VERSION="$version" -t "$tag" "$ctx" >&2
echo "$tag"
