#!/usr/bin/env bash
# A two-node swarm inside this one machine: a manager and a worker, each a docker-in-docker container
# (a host-manager + dind-worker pair does not pass overlay traffic here). The manager's TLS API is
# published on 127.0.0.1:$ATQ_TEST_TWO_NODE_PORT. Idempotent. Prints the manager's DOCKER_HOST.
# dockerd runs under a small loop, so tests can stop a node's engine without losing the node (its
# /var/lib/docker is a tmpfs, gone with the container): touch /atq-hold and kill dockerd to stop it,
# remove /atq-hold to let it start again (test/helpers/engine.ts).
# Usage: two-node.sh CERT_DIR IMAGE...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
certs=$1
shift
port=${ATQ_TEST_TWO_NODE_PORT:-23760}
net=atq-test-dind
manager=atq-test-dind-manager
worker=atq-test-dind-worker

rootfs=$("$here/images/rootfs.sh" dind docker.io,iproute2,iptables,ca-certificates,procps)
sum=$(sha256sum "$rootfs" "$0" | sha256sum | cut -c1-8)
image=atq-test-dind:$sum
docker image inspect "$image" >/dev/null 2>&1 || docker import "$rootfs" "$image" >/dev/null

# Nodes serve this checkout's certificates; a node made with others (another clone) is made again.
ca=$(sha256sum "$certs/ca.pem" | cut -c1-12)

node_ok() { docker exec "$1" docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null; }

start_node() { # name bip [extra docker run args...]
  local name=$1 bip=$2
  shift 2
  # --privileged fails here (no CAP_SYS_RESOURCE); this set of options is what works.
  docker run -d --name "$name" --hostname "$name" --network "$net" --label "atq.ca=$ca" \
    --cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
    --device-cgroup-rule 'a *:* rwm' -v /sys/fs/cgroup:/sys/fs/cgroup --tmpfs /var/lib/docker:exec \
    -v "$certs:/certs:ro" "$@" "$image" \
    sh -c "while :; do [ -e /atq-hold ] || dockerd --bip $bip -H unix:///var/run/docker.sock -H tcp://0.0.0.0:2376 \
      --tlsverify --tlscacert /certs/ca.pem --tlscert /certs/server-cert.pem --tlskey /certs/server-key.pem; sleep 1; done" >/dev/null
  for _ in $(seq 1 60); do node_ok "$name" >/dev/null && return; sleep 1; done
  echo "atq-env: dockerd in $name did not start:" >&2
  docker logs --tail 20 "$name" >&2
  exit 1
}

current() { [ "$(docker inspect -f '{{.State.Running}} {{.Config.Image}} {{index .Config.Labels "atq.ca"}}' "$1" 2>/dev/null)" = "true $image $ca" ]; }

docker network inspect "$net" >/dev/null 2>&1 || docker network create "$net" >/dev/null
# Both nodes or neither: a worker left from an old manager would still think it is in a swarm.
if ! current "$manager" || ! current "$worker"; then
  docker rm -f "$manager" "$worker" >/dev/null 2>&1 || true
  start_node "$manager" 10.199.0.1/24 -p "127.0.0.1:$port:2376"
  start_node "$worker" 10.199.1.1/24
fi

if [ "$(node_ok "$manager")" != active ]; then
  addr=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$net\").IPAddress}}" "$manager")
  echo "atq-env: two-node swarm: init on $addr" >&2
  docker exec "$manager" docker swarm init --advertise-addr "$addr" >/dev/null
fi
if [ "$(node_ok "$worker")" != active ]; then
  addr=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$net\").IPAddress}}" "$manager")
  token=$(docker exec "$manager" docker swarm join-token -q worker)
  docker exec "$worker" docker swarm join --token "$token" "$addr:2377" >/dev/null
fi
for img in "$@"; do
  for node in "$manager" "$worker"; do
    if ! docker exec "$node" docker image inspect "$img" >/dev/null 2>&1; then
      echo "atq-env: loading $img into $node" >&2
      docker save "$img" | docker exec -i "$node" docker load >/dev/null
    fi
  done
done
for _ in $(seq 1 30); do
  [ "$(docker exec "$manager" docker node ls --filter role=worker --format '{{.Status}}' | grep -c Ready)" -ge 1 ] && break
  sleep 1
done
echo "tcp://127.0.0.1:$port"
