#!/usr/bin/env bash
# The main job on an embedded default: brings up the local TLS swarm (test/env/up.sh), starts a target
# service on its own overlay network, and runs examples/quickstart with `atq run` against it.
# Everything the demo starts is removed at the end. Usage: npm run demo [-- extra atq run flags]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
eval "$(bash test/env/up.sh)"
[ -f dist/cli.js ] || npm run bundle >/dev/null
docker network inspect atq-demo-sut >/dev/null 2>&1 ||
  docker network create -d overlay --attachable --label atq.demo=1 atq-demo-sut >/dev/null
docker service inspect atq-demo-target >/dev/null 2>&1 ||
  docker service create -d -q --name atq-demo-target --label atq.demo=1 --endpoint-mode dnsrr \
    --network atq-demo-sut "$ATQ_TEST_TARGET_IMAGE" >/dev/null 2>&1
cleanup() {
  docker service rm atq-demo-target >/dev/null 2>&1 || true
  for _ in $(seq 1 20); do docker network rm atq-demo-sut >/dev/null 2>&1 && break; sleep 0.5; done
}
trap cleanup EXIT
node dist/cli.js run --config examples/quickstart/atq.yml --image "$ATQ_TEST_JMETER_IMAGE" "$@"
