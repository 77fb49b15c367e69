#!/usr/bin/env bash
# Brings up the real test environment on a fresh machine of this kind, idempotently:
#   Debian's docker.io, dockerd with a TLS-only TCP API on 127.0.0.1:2376, a single-node swarm,
#   the JMeter image, the target image and a busybox image (generic master/worker tests).
# With --two-node: additionally a two-node swarm of docker-in-docker nodes (manager + worker) whose
# manager's TLS API is published on 127.0.0.1:23760 (ATQ_TEST_TWO_NODE_DOCKER_HOST), with every image
# loaded on both nodes. The single-node variables stay as they are.
# Prints `export NAME=value` lines on stdout (progress goes to stderr):  eval "$(test/env/up.sh)"
set -euo pipefail
# These scripts drive the local dockerd through its unix socket: variables a caller's shell still holds (an
# earlier checkout's DOCKER_CERT_PATH, say) must not send them elsewhere with other certificates.
unset DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_CONTEXT
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
mode=single
case "${1:-}" in
  "") ;;
  --two-node) mode=two-node ;;
  *) echo "usage: $0 [--two-node]" >&2; exit 2 ;;
esac

certs=${ATQ_TEST_CERT_DIR:-$repo/.atq-env/certs}
"$here/certs.sh" "$certs"
"$here/dockerd.sh" "$certs"
jmeter_image=$("$here/images/jmeter/build.sh")
target_image=$("$here/images/target/build.sh")
busybox_image=$("$here/images/busybox/build.sh")
two_node=""
if [ "$mode" = two-node ]; then
  two_node=$("$here/two-node.sh" "$certs" "$jmeter_image" "$target_image" "$busybox_image")
fi

cat <<OUT
export DOCKER_HOST=tcp://127.0.0.1:${ATQ_TEST_TLS_PORT:-2376}
export DOCKER_TLS_VERIFY=1
export DOCKER_CERT_PATH=$certs
export ATQ_TEST_JMETER_IMAGE=$jmeter_image
export ATQ_TEST_TARGET_IMAGE=$target_image
export ATQ_TEST_BUSYBOX_IMAGE=$busybox_image
OUT
[ -z "$two_node" ] || echo "export ATQ_TEST_TWO_NODE_DOCKER_HOST=$two_node"
