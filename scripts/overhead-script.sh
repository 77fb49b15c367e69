#!/usr/bin/env bash
# The distributed JMeter run a user would write by hand with the docker CLI: the baseline for
# `npm run bench:overhead` (scripts/bench-overhead.mjs). Same work as `atq run --rmi-ssl off`, in series:
# the test folder as one Swarm config, an overlay network, a dnsrr service of N jmeter-servers, wait until
# each says its RMI object is up, a master with -R, copy the JTL out, remove everything (also on failure).
# No SSL for RMI, no health checks, no log collection, no analysis.
#
# Usage: overhead-script.sh -d TEST_DIR -p PLAN.jmx -n WORKERS -i IMAGE -a NETWORK -o OUT_DIR [-G key=value]...
#   -a  an existing attachable overlay network the workers also join (where the system under test runs)
#   -G  a JMeter property for the plan (sent to the workers)
# Talks to $DOCKER_HOST (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH). Writes OUT_DIR/results.jtl and
# OUT_DIR/master.log; prints "timings: phase=ms ..." on stderr at the end.
set -euo pipefail

props=()
while getopts d:p:n:i:a:o:G: opt; do
  case $opt in
    d) test_dir=$OPTARG ;;
    p) plan=$OPTARG ;;
    n) workers=$OPTARG ;;
    i) image=$OPTARG ;;
    a) target_net=$OPTARG ;;
    o) out=$OPTARG ;;
    G) props+=("-G$OPTARG") ;;
    *) exit 2 ;;
  esac
done
: "${test_dir:?-d TEST_DIR}" "${plan:?-p PLAN}" "${workers:?-n WORKERS}" "${image:?-i IMAGE}"
: "${target_net:?-a NETWORK}" "${out:?-o OUT_DIR}"

now() { date +%s%3N; }
t0=$(now)
declare -A ms=()
phase() { local t; t=$(now); ms[$1]=$((t - t0)); t0=$t; echo "$1: ${ms[$1]} ms" >&2; }

id=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
name=atq-script-$id
tmp=$(mktemp -d)
mkdir -p "$out"

# Removes a config or network (if it is there), retrying while Docker still says it is in use.
remove() {
  for _ in $(seq 1 60); do
    docker "$1" inspect "$2" >/dev/null 2>&1 || return 0
    docker "$1" rm "$2" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "could not remove $1 $2" >&2
}
# Everything is removed by name (not by label: atq.bench=1 is shared with other benchmarks), even on failure.
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  t0=$(now)
  docker rm -f "$name-master" >/dev/null 2>&1 || true
  docker service rm "$name-workers" >/dev/null 2>&1 || true
  remove config "$name-bundle"
  remove network "$name-net"
  rm -rf "$tmp"
  phase cleanup
  local line="timings:"
  for p in setup ready master collect cleanup; do [ -z "${ms[$p]:-}" ] || line+=" $p=${ms[$p]}"; done
  echo "$line" >&2
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. The test folder as one config (a Swarm config holds up to 500 KB).
tar -czf "$tmp/bundle.tar.gz" -C "$test_dir" .
docker config create --label atq.bench=1 "$name-bundle" "$tmp/bundle.tar.gz" >/dev/null

# 2. The run's network. Each container finds its own address on it by the subnet's prefix (a /24 by default).
docker network create -d overlay --attachable --label atq.bench=1 "$name-net" >/dev/null
subnet=$(docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' "$name-net")
case $subnet in
  */24) prefix=${subnet%.*/24}. ;;
  *) echo "expected a /24 subnet for $name-net, got '$subnet'" >&2; exit 1 ;;
esac
# Run first in every container: unpack the test folder, find our own address for RMI.
# shellcheck disable=SC2016 # expanded in the container
setup='set -e
mkdir -p /atq/test /atq/out
tar -xzf /bundle.tar.gz -C /atq/test
cd /atq/test
ip=$(hostname -I | tr " " "\n" | grep -m1 "^$PREFIX")'

# 3. The workers: jmeter-server announcing its overlay address, RMI without SSL. --no-resolve-image: no
# registry lookup for the image's digest (atq does none either).
docker service create -d -q --no-resolve-image --name "$name-workers" --label atq.bench=1 \
  --mode replicated --replicas "$workers" --endpoint-mode dnsrr --restart-condition none \
  --network "$name-net" --network "$target_net" \
  --config source="$name-bundle",target=/bundle.tar.gz \
  --env PREFIX="$prefix" \
  "$image" sh -c "$setup
exec jmeter-server -Jserver.rmi.ssl.disable=true -Djava.rmi.server.hostname=\$ip" >/dev/null
phase setup

# 4. Wait until every jmeter-server has printed "Created remote object" (its registry is bound right after).
# `timeout`: a `docker service logs` without -f now and then never returns (moby/moby#38640).
deadline=$(($(date +%s) + 180))
until [ "$(timeout 10 docker service logs --raw "$name-workers" 2>/dev/null | grep -c 'Created remote object')" -ge "$workers" ]; do
  if docker service ps --format '{{.CurrentState}}' "$name-workers" | grep -qE '^(Failed|Rejected)'; then
    docker service ps --no-trunc "$name-workers" >&2
    exit 1
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "workers not up after 180 s" >&2
    exit 1
  fi
  sleep 0.5
done
tasks=$(docker service ps -q --filter desired-state=running "$name-workers")
# shellcheck disable=SC2086 # one argument per task
remotes=$(docker inspect --type task \
  --format "{{range .NetworksAttachments}}{{if eq .Network.Spec.Name \"$name-net\"}}{{index .Addresses 0}}{{end}}{{end}}" \
  $tasks | cut -d/ -f1 | paste -sd, -)
phase ready

# 5. The master on the manager (where DOCKER_HOST points), attached to the run network; -X ends the workers.
docker create --name "$name-master" --label atq.bench=1 --network "$name-net" --env PREFIX="$prefix" \
  "$image" sh -c "$setup
exec jmeter -n -t '/atq/test/$plan' -R $remotes -X -l /atq/out/results.jtl \
  -Jserver.rmi.ssl.disable=true -Djava.rmi.server.hostname=\$ip \
  -Jjmeter.save.saveservice.output_format=csv -Jjmeter.save.saveservice.print_field_names=true \
  -Jjmeter.save.saveservice.hostname=true -Jjmeter.save.saveservice.thread_counts=true \
  -Jjmeter.save.saveservice.timestamp_format=ms$(printf ' %q' "${props[@]}")" >/dev/null
docker cp -q "$tmp/bundle.tar.gz" "$name-master:/bundle.tar.gz"
docker start -a "$name-master" >"$out/master.log" 2>&1 || {
  echo "the master failed; its output:" >&2
  tail -n 30 "$out/master.log" >&2
  exit 1
}
phase master

# 6. The results.
docker cp -q "$name-master:/atq/out/results.jtl" "$out/results.jtl"
phase collect
