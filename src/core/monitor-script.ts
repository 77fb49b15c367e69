/**
 * The sampler each node runs for --monitor (core/monitor.ts): a POSIX shell loop (dash, bash or busybox sh)
 * over the node's cgroup tree, mounted read-only at CGROUP_MOUNT. No Docker socket: it reads the kernel's
 * accounting of the containers it is told about ($ATQ_MONITOR_IDS: <node id>:<64-hex container id> pairs; it
 * reads those of its own node, $ATQ_MONITOR_NODE, which Swarm fills in from the template {{.Node.ID}}: nodes
 * sharing a kernel, such as docker-in-docker ones, see each other's cgroups) and prints, every
 * $ATQ_MONITOR_INTERVAL seconds, one line per container found on its node:
 *
 *   atqm <epoch seconds> <uptime seconds> <container id> <CPU µs used so far> <memory bytes>
 *
 * CPU is cumulative (cpu.stat usage_usec on cgroup v2, cpuacct.usage / 1000 on v1): the reader takes deltas
 * over the uptime's (10 ms resolution, never jumps). Memory is what `docker stats` shows: usage less the
 * inactive page cache (memory.current − inactive_file on v2, memory.usage_in_bytes − total_inactive_file on
 * v1), the part the kernel cannot simply drop; it is what gets a container killed at its limit.
 * Both layouts of each version are tried: the cgroupfs driver's docker/<id> and systemd's
 * system.slice/docker-<id>.scope.
 */
export const CGROUP_MOUNT = '/atq-cgroup';

export const SAMPLER_SCRIPT = `set -f
trap 'exit 0' TERM INT
c=${CGROUP_MOUNT}
field() { v=; while read -r k n; do [ "$k" = "$2" ] && v=$n && break; done < "$1"; echo "\${v:-0}"; }
first() { for d in "$@"; do [ -d "$d" ] && echo "$d" && return; done; }
while :; do
  read -r up _ < /proc/uptime
  now=$(date +%s)
  for pair in $ATQ_MONITOR_IDS; do
    [ "\${pair%%:*}" = "$ATQ_MONITOR_NODE" ] || continue
    id=\${pair#*:}
    d=$(first "$c/system.slice/docker-$id.scope" "$c/docker/$id")
    if [ -n "$d" ] && [ -r "$d/cpu.stat" ]; then
      cpu=$(field "$d/cpu.stat" usage_usec)
      read -r cur < "$d/memory.current" || cur=0
      mem=$((cur - $(field "$d/memory.stat" inactive_file)))
    else
      a=$(first "$c/cpuacct/docker/$id" "$c/cpu,cpuacct/docker/$id" "$c/cpuacct/system.slice/docker-$id.scope" "$c/cpu,cpuacct/system.slice/docker-$id.scope")
      m=$(first "$c/memory/docker/$id" "$c/memory/system.slice/docker-$id.scope")
      [ -n "$a" ] && [ -n "$m" ] || continue
      read -r ns < "$a/cpuacct.usage" || continue
      read -r cur < "$m/memory.usage_in_bytes" || cur=0
      cpu=$((ns / 1000))
      mem=$((cur - $(field "$m/memory.stat" total_inactive_file)))
    fi
    echo "atqm $now $up $id $cpu $mem"
  done
  sleep "$ATQ_MONITOR_INTERVAL"
done
`;
