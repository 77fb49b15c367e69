#!/usr/bin/env bash
# Starts the host's dockerd with a TLS-only TCP API on 127.0.0.1:2376 (plus the local unix socket for the
# env scripts themselves) and makes it a single-node swarm manager. Idempotent.
# Usage: dockerd.sh CERT_DIR
set -euo pipefail
certs=$1
log=/var/log/atq-dockerd.log
port=${ATQ_TEST_TLS_PORT:-2376}

tls_ok() {
  docker --tlsverify --tlscacert "$certs/ca.pem" --tlscert "$certs/cert.pem" --tlskey "$certs/key.pem" \
    -H "tcp://127.0.0.1:$port" version --format '{{.Server.APIVersion}}' >/dev/null 2>&1
}

if ! command -v dockerd >/dev/null 2>&1; then
  echo "atq-env: installing Debian's docker.io" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io iptables iproute2 >&2
fi

if ! tls_ok; then
  # The pid file, not pgrep: docker-in-docker nodes run dockerd processes of their own.
  if pid=$(cat /var/run/docker.pid 2>/dev/null) && kill -0 "$pid" 2>/dev/null; then
    # Running with other certificates (another checkout) or without TLS: restart it with ours.
    echo "atq-env: restarting dockerd (pid $pid) with this checkout's TLS certificates" >&2
    kill "$pid"
    # A swarm manager's dockerd takes >10 s to exit; starting a second one before that fails.
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  fi
  echo "atq-env: starting dockerd (log: $log)" >&2
  setsid nohup dockerd -H unix:///var/run/docker.sock -H "tcp://127.0.0.1:$port" --tlsverify \
    --tlscacert "$certs/ca.pem" --tlscert "$certs/server-cert.pem" --tlskey "$certs/server-key.pem" \
    >"$log" 2>&1 </dev/null &
  for _ in $(seq 1 60); do tls_ok && break; sleep 1; done
  tls_ok || { echo "atq-env: dockerd did not come up; last log lines:" >&2; tail -20 "$log" >&2; exit 1; }
fi

state=$(docker info --format '{{.Swarm.LocalNodeState}}')
if [ "$state" != active ]; then
  addr=$(ip -4 -o addr show scope global | awk '{print $4}' | cut -d/ -f1 | head -n1)
  echo "atq-env: initialising swarm on $addr" >&2
  docker swarm init --advertise-addr "$addr" >/dev/null
fi
