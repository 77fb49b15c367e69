#!/usr/bin/env bash
# Builds the test target image (a static Go HTTP server, see main.go). Idempotent. Prints the image name.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sum=$(cat "$here/main.go" "$here/go.mod" | sha256sum | cut -c1-10)
image=${ATQ_TEST_TARGET_IMAGE:-atq-test-target:$sum}
if docker image inspect "$image" >/dev/null 2>&1; then echo "$image"; exit 0; fi
command -v go >/dev/null || { echo "atq-env: Go is needed to build the target image" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$here" && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$work/target" .)
tar -C "$work" -cf "$work/image.tar" target
docker import --change 'ENTRYPOINT ["/target"]' --change 'EXPOSE 8080' "$work/image.tar" "$image" >/dev/null
echo "$image"
