/**
 * Generator health (issue 24 item 3): each worker and engine samples its own container while JMeter runs
 * and prints what it measured on its output, which the core already saves per task (logs/worker-<n>.log,
 * logs/engine-<n>.log) and reads once the run has ended (core/health.ts). Lines:
 *
 *   atq-health at=<ms> up=<s> cpu=<µs> lim=<cores> cores=<n> mem=<bytes> memlim=<bytes>
 *                              the time (epoch ms: the node's boot time plus its uptime, so no process
 *                              for `date`), the uptime (a clock that never jumps), the container's cgroup CPU
 *                              time so far (v2 cpu.stat usage_usec, v1 cpuacct.usage), its CPU limit
 *                              (v2 cpu.max, v1 cfs quota/period; empty without one), the node's cores,
 *                              its memory as `docker stats` counts it (usage minus inactive file cache)
 *                              and its memory limit. A value it cannot read is left empty.
 *   atq-gc <line>              a new line of the JVM's GC log (-Xlog:gc,gc+init), cut to GC_LINE_CHARS
 *
 * Read inside the container, from its own /sys/fs/cgroup: no Docker socket, no host mount. One awk a
 * tick (and a tail for the GC log), every INTERVAL seconds: measured, under 0.3% of a core (BENCHMARKS.md).
 */
export const HEALTH_PREFIX = 'atq-health';
export const GC_PREFIX = 'atq-gc';

/** Whether a line of a container's output is the sampler's (kept in saved logs, left out of "last output"). */
export function isHealthLine(line: string): boolean {
  return line.startsWith(`${HEALTH_PREFIX} `) || line.startsWith(`${GC_PREFIX} `);
}

/** Seconds between two samples. */
export const HEALTH_INTERVAL_S = 2;

/** The JVM's GC log, outside /atq/out (everything there is copied out with the results). */
export const GC_LOG = '/atq/gc.log';

/** Longest GC log line passed on (a pause line is about 100 characters), and most lines a tick. */
export const GC_LINE_CHARS = 200;
const GC_LINES_PER_TICK = 500;

/**
 * Adds the GC log to JVM_ARGS where java is 9 or later (unified logging; it has lib/modules, which Java 8
 * has not): a Java 8 JVM would refuse to start on -Xlog. `uptime`: seconds since the JVM started.
 */
export const GC_LOG_ARGS = `ATQ_JAVA=$(readlink -f "$(command -v java 2>/dev/null)" 2>/dev/null || true)
if [ -n "$ATQ_JAVA" ] && [ -f "\${ATQ_JAVA%/bin/java}/lib/modules" ]; then
  JVM_ARGS="-Xlog:gc,gc+init:file=${GC_LOG}:uptime $JVM_ARGS"
fi
`;

/**
 * One sample: reads the cgroup files with getline (no process per file), prints the health line, then the
 * GC log's pause and heap-size lines from stdin (what tail passed on since the last tick), at most GC_LINES_PER_TICK of them;
 * the bytes taken go to the state file for the next tick. printf, not print: mawk prints large numbers as 3e+09.
 */
const AWK = `function rd(f,   v) { v = ""; if ((getline v < f) <= 0) v = ""; close(f); return v }
function stat(f, k,   l, a, v) {
  v = ""; while ((getline l < f) > 0) { split(l, a, " "); if (a[1] == k) { v = a[2]; break } }
  close(f); return v
}
BEGIN {
  cg = "/sys/fs/cgroup"; split(rd("/proc/uptime"), u, " ")
  cpu = stat(cg "/cpu.stat", "usage_usec")
  if (cpu == "") {
    v = rd(cg "/cpuacct/cpuacct.usage"); if (v == "") v = rd(cg "/cpu,cpuacct/cpuacct.usage")
    if (v != "") cpu = sprintf("%.0f", v / 1000)
  }
  lim = ""; m = rd(cg "/cpu.max")
  if (m != "") { split(m, q, " "); if (q[1] != "max" && q[2] > 0) lim = q[1] / q[2] }
  else {
    qq = rd(cg "/cpu/cpu.cfs_quota_us"); pp = rd(cg "/cpu/cpu.cfs_period_us")
    if (qq > 0 && pp > 0) lim = qq / pp
  }
  mem = rd(cg "/memory.current"); ina = ""
  if (mem != "") ina = stat(cg "/memory.stat", "inactive_file")
  else { mem = rd(cg "/memory/memory.usage_in_bytes"); ina = stat(cg "/memory/memory.stat", "total_inactive_file") }
  if (mem != "" && ina != "" && ina + 0 < mem + 0) mem = sprintf("%.0f", mem - ina)
  ml = rd(cg "/memory.max"); if (ml == "") ml = rd(cg "/memory/memory.limit_in_bytes")
  bt = stat("/proc/stat", "btime"); at = bt != "" && u[1] != "" ? sprintf("%.0f", (bt + u[1]) * 1000) : ""
  printf "${HEALTH_PREFIX} at=%s up=%s cpu=%s lim=%s cores=%s mem=%s memlim=%s\\n", at, u[1], cpu, lim, cores, mem, ml
  fflush()
  used = off; n = 0
  while (n < ${GC_LINES_PER_TICK} && (getline l) > 0) {
    used += length(l) + 1; n++
    if (l !~ /Pause|Max Capacity/) continue
    printf "${GC_PREFIX} %s\\n", substr(l, 1, ${GC_LINE_CHARS}); fflush()
  }
  printf "%.0f\\n", used > state
}`;

/**
 * Shell that starts the sampler in the background while the process `pid` (a shell expression) runs, with
 * a last sample once it has ended. With `keep`, sets `health` to its pid. POSIX sh, awk, tail, sleep; a failing read only leaves a value empty.
 */
export function healthSampler(pid: string, keep = false): string {
  const state = '/atq/health.state';
  return `${keep ? 'health=\n' : ''}(
  cores=$(nproc 2>/dev/null || echo)
  off=0 last=0
  while :; do
    kill -0 "${pid}" 2>/dev/null || last=1
    { tail -c +$((off + 1)) ${GC_LOG} 2>/dev/null || true; } | LC_ALL=C awk -v cores="$cores" -v off="$off" \\
      -v state=${state} '${AWK}' 2>/dev/null
    read -r off 2>/dev/null < ${state} || off=0
    [ "$last" -eq 0 ] || break
    sleep ${HEALTH_INTERVAL_S}
  done
) &
${keep ? 'health=$!\n' : ''}`;
}
