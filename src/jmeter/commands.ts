import path from 'node:path';
import { SPLIT_DIR } from '../bundle/split-csv.js';
import { GC_LOG_ARGS, healthSampler } from './health-script.js';
import { LIVE_PREFIX, liveFollower } from './live-script.js';
import { PATHS, RMI_REGISTRY_PORT, RMI_SERVER_PORT } from './ports.js';

/** Single-quotes a value for POSIX sh. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A value as shown in a line a container prints: plan and file names come from a pull request, and a
 * newline in one must not start a line of its own (the core reads ready lines from that output).
 */
export function oneLine(value: string): string {
  return value.replace(/\p{Cc}/gu, '?');
}

/**
 * The one argument of a JMeter command line the shell expands: the container's own address, known only once
 * it runs (PRELUDE). RMI embeds it in the stubs it hands out. Every other argument is single-quoted text, so
 * a user's own `$ATQ_IP` in a property stays just text.
 */
const ADDRESS_ARG = '"-Djava.rmi.server.hostname=$ATQ_IP"';

/**
 * Where the image has jmeter: on PATH, or where the official distribution unpacks (prints the path). One
 * command in braces, so that what follows it (`| grep .`, `|| true`) applies to both ways of finding it.
 */
export const FIND_JMETER =
  '{ command -v jmeter 2>/dev/null || for j in /opt/apache-jmeter*/bin/jmeter; do [ -f "$j" ] && echo "$j" && break; done; }';

/**
 * The Java preferences node JMeter 5.6 creates in every JVM (GuiPackage's, also without a GUI). A node that is
 * new to the JVM is written out by the preferences' shutdown hook, and writing prefs.xml looks for an XML
 * transformer, which loads Saxon's signed jar and verifies its signature: 0.3 s and more of a core at every
 * JMeter exit, measured (issue 10). The prelude creates the node's folder under a preferences root of our
 * own, so that JMeter finds it there and the exit writes nothing.
 */
const PREFS_NODE = '.java/.userPrefs/org/apache/jmeter/gui';

/**
 * Shell run first in every JMeter container. Kept to POSIX sh, cat, tar, gzip and awk so that any JMeter
 * image works, not only ours. Exit codes 96/97 mark setup failures the core explains to the user.
 */
export const PRELUDE = `set -e
mkdir -p ${PATHS.testDir} ${PATHS.outDir} ${PATHS.prefs}/${PREFS_NODE}
if ! cat ${PATHS.bundleParts}/part-* | tar -xzf - -C ${PATHS.testDir}; then
  echo "atq: could not unpack the test bundle (the image needs sh, cat, tar and gzip)" >&2; exit 96
fi
cd ${PATHS.testDir}
# atq's JVM flags (the preferences root, --jit) go first: the image's own JVM_ARGS come after them on java's
# command line and win.
JVM_ARGS="-Djava.util.prefs.userRoot=${PATHS.prefs}\${ATQ_JVM_ARGS:+ $ATQ_JVM_ARGS}\${JVM_ARGS:+ $JVM_ARGS}"; export JVM_ARGS
JM=$(${FIND_JMETER} || true)
if [ -z "$JM" ]; then
  echo "atq: no jmeter in this image: it must be on PATH or at /opt/apache-jmeter*/bin/jmeter" >&2; exit 97
fi
# ATQ's image has a class-data archive of a worker's JVM (images/jmeter/cds): every JMeter JVM maps it.
ATQ_CDS="\${JM%/bin/jmeter}/lib/atq-jmeter.jsa"
if [ -f "$ATQ_CDS" ]; then JVM_ARGS="-XX:SharedArchiveFile=$ATQ_CDS $JVM_ARGS"; fi
# RMI embeds this address in the stubs it hands out, so it must be our address on the run network.
ATQ_IP=$(awk -v net="$ATQ_SUBNET" '
  function n(s, a) { split(s, a, "."); return ((a[1] * 256 + a[2]) * 256 + a[3]) * 256 + a[4] }
  BEGIN { split(net, p, "/"); lo = n(p[1]); hi = lo + 2 ^ (32 - p[2]) }
  /32 host/ { v = n(prev); if (v >= lo && v < hi) { print prev; exit } }
  { prev = $2 }' /proc/net/fib_trie)
if [ -z "$ATQ_IP" ]; then echo "atq: no address in $ATQ_SUBNET on this container" >&2; exit 96; fi
`;

export interface RmiSettings {
  ssl: boolean;
}

/** Folders JMeter searches for plugin classes (and plugin functions: only search_paths is scanned for those). */
const PLUGIN_FOLDERS = ['plugins', 'lib/ext'];

/**
 * Extra jars on JMeter's classpath, read by JMeter.updateClassLoader() after the command line (5.6.3), the same
 * for `jmeter -n` and jmeter-server: search_paths (';'-separated jars or folders, not their subfolders; also
 * scanned for plugin classes) for plugins/ and lib/ext/ and any other shipped jar, user.classpath (':') for
 * lib/. Needed on the master and on every worker: a worker without it fails rconfigure(), the master still
 * exits 0 (log-check catches that). -G is too late: workers build their class loader before it arrives.
 */
export function classpathArgs(jars: string[]): string[] {
  if (!jars.length) return [];
  const inFolder = (jar: string, folder: string) => path.posix.dirname(jar) === folder;
  const elsewhere = jars.filter((j) => ![...PLUGIN_FOLDERS, 'lib'].some((d) => inFolder(j, d)));
  const search = [...PLUGIN_FOLDERS, ...elsewhere].map((p) => `${PATHS.testDir}/${p}`);
  return [`-Jsearch_paths=${search.join(';')}`, `-Juser.classpath=${PATHS.testDir}/lib`];
}

function rmiArgs(rmi: RmiSettings, flag: '-J' | '-q'): string[] {
  if (!rmi.ssl) return ['-Jserver.rmi.ssl.disable=true'];
  return flag === '-q' ? ['-q', PATHS.rmiProperties] : [];
}

/** A worker's or engine's own slice of the --split-csv files (SPLIT_DIR/<index>/), copied over the originals. */
export const TAKE_SLICE = `if [ -d ${SPLIT_DIR}/"$ATQ_WORKER_INDEX" ]; then cp -R ${SPLIT_DIR}/"$ATQ_WORKER_INDEX"/. .; fi\n`;

/**
 * The worker: jmeter-server on fixed ports, announcing its own overlay address. It takes its slice of the
 * --split-csv files (SPLIT_DIR/<index>/, over the originals) and knows its index and the worker count as
 * the properties atq.worker.index and atq.workers, so a plan can divide the load.
 *
 * `exitAfterTest` (a run of one plan): the worker exits as soon as its own part of the test has ended and
 * its last samples have reached the master (JMeter's server.exitaftertest), instead of waiting for the
 * master's -X at the very end. Its container then stops while the others still run, and the cleanup has
 * little left to stop (issue 10). It must be set when jmeter-server starts: JMeter reads it once.
 */
export function workerScript(
  rmi: RmiSettings,
  jars: string[] = [],
  exitAfterTest = false,
  secretProps = false,
): string {
  const args = [
    // Quoted: search_paths holds ';', which would end the command.
    ...classpathArgs(jars).map(shQuote),
    '-s',
    ...(exitAfterTest ? ['-Jserver.exitaftertest=true'] : []),
    '-Jatq.worker.index="$ATQ_WORKER_INDEX"',
    '-Jatq.workers="$ATQ_WORKER_COUNT"',
    `-Dserver_port=${RMI_REGISTRY_PORT}`,
    '-Dserver.rmi.localport="$ATQ_RMI_PORT"',
    ADDRESS_ARG,
    // The worker's log goes to stdout, so service logs carry it (and it survives the container).
    '-j',
    '/dev/stdout',
    ...rmiArgs(rmi, '-q'),
    // Read here, not sent by the master with -G: JMeter logs the properties it sends and applies.
    ...(secretProps ? ['-q', PATHS.secretProperties] : []),
  ];
  return (
    `${PRELUDE}${GC_LOG_ARGS}${TAKE_SLICE}${ENGINE_PORT}echo "atq: worker $ATQ_WORKER_INDEX of $ATQ_WORKER_COUNT at $ATQ_IP starting JMeter server ($JM)"\n` +
    'set +e\n' +
    startServer(`"$JM" ${args.join(' ')}`) +
    SERVE_UNTIL_EXIT
  );
}

/** The worker's ready line (WORKER_READY), said by startServer's relay or by SERVE_UNTIL_EXIT's poll. */
const SAY_READY = 'echo "atq: worker $ATQ_WORKER_INDEX ready at $ATQ_IP"';

/** What JMeter logs once its engine is in the registry: from then on a master can reach it. */
const BOUND_LINE = 'Bound to RMI registry on port';

/**
 * Starts jmeter-server in the background. Where the image has mkfifo, its output (the JMeter log too) goes
 * through a relay that passes it on and prints the ready line the moment JMeter logs BOUND_LINE, leaves a
 * mark for SERVE_UNTIL_EXIT, and then hands the rest to cat. Polling /proc for that every 200 ms started a
 * grep and a sleep five times a second in every worker: measured, 36 ms of CPU per second per worker, at
 * 10 workers on 2 cores a sixth of the machine for the whole start (issue 10). The relay is the shell's
 * own `read` (byte by byte, so cat loses nothing after it): awk would do, but mawk, Debian's, waits for a
 * full input buffer before it sees a line. Without mkfifo, the poll does the work.
 */
function startServer(command: string): string {
  const { workerOut: out, workerReady: mark } = PATHS;
  return `relay=
if mkfifo ${out} 2>/dev/null; then
  {
    while IFS= read -r line || [ -n "$line" ]; do
      printf '%s\\n' "$line"
      case $line in *'${BOUND_LINE}'*)
        ${SAY_READY}; : > ${mark}; exec cat;;
      esac
    done
  } < ${out} &
  relay=$!
  ${command} > ${out} &
else
  ${command} &
fi
`;
}

/**
 * The port of the worker's remote engine: the registry's own where the image's RMI SSL socket factories are
 * equal by value (ATQ's image, images/jmeter/rmi-ssl). RMI then serves both on one listener, and the master
 * reaches the worker over one connection: one TLS handshake, not two. JMeter's stock SSL factories cannot
 * share a port, so other images keep a port of their own for it.
 */
const ENGINE_PORT = `ATQ_RMI_PORT=${RMI_SERVER_PORT} ATQ_RMI_HEX=${hex(RMI_SERVER_PORT)}
if [ -f "\${JM%/bin/jmeter}/lib/atq-rmi-ssl.jar" ]; then ATQ_RMI_PORT=${RMI_REGISTRY_PORT} ATQ_RMI_HEX=${hex(RMI_REGISTRY_PORT)}; fi
`;

/** A port as /proc/net/tcp writes it. */
function hex(port: number): string {
  return port.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * Readiness without a Docker health check: the worker says `atq: worker <i> ready` once (startServer's
 * relay, or this loop); the core reads that from one service-logs call for all workers. A health check ran a
 * process in every worker every second for the whole run: on a 2-core machine with 10 workers that was
 * measured to cost more than the script's entire readiness (issue 10). The loop checks both RMI ports in
 * /proc: every 200 ms where it is the only way, else once a second as the fallback for a JMeter that does
 * not log BOUND_LINE, and only after the ports have listened twice in a row (JMeter binds a moment after
 * it listens). The generator-health sampler (health-script.ts) follows JMeter. The shell stays as PID 1 to pass on the stop signal and to exit with JMeter's own code, once
 * the relay has passed on JMeter's last line.
 */
const SERVE_UNTIL_EXIT = `pid=$!
${healthSampler('$pid')}trap 'kill -TERM $pid 2>/dev/null' TERM INT
poll=0.2 need=1 seen=0
if [ -n "$relay" ]; then poll=1 need=2; fi
until [ -e ${PATHS.workerReady} ]; do
  kill -0 $pid 2>/dev/null || break
  if ${listeningTest()}; then seen=$((seen + 1)); else seen=0; fi
  [ $seen -ge $need ] && break
  sleep $poll
done
kill -0 $pid 2>/dev/null && [ ! -e ${PATHS.workerReady} ] && ${SAY_READY}
wait $pid; rc=$?
while kill -0 $pid 2>/dev/null; do wait $pid; rc=$?; done
[ -z "$relay" ] || wait $relay
exit $rc
`;

/**
 * Both RMI ports listening (the same one where they share it), read from /proc (the image needs only grep).
 * The engine's port comes in hex from ENGINE_PORT, so the 200 ms loop starts no extra process for it.
 */
function listeningTest(): string {
  const listening = (h: string) => `grep -qsE ":${h} [0-9A-F]+:0000 0A" /proc/net/tcp /proc/net/tcp6`;
  return `${listening(hex(RMI_REGISTRY_PORT))} && ${listening('$ATQ_RMI_HEX')}`;
}

/** The line a worker prints once it listens, with its task slot. */
export const WORKER_READY = /^atq: worker (\d+) ready at /;

export interface MasterCommand {
  /** Plan path inside the test dir (forward slashes). */
  plan: string;
  remotes: string[];
  props: Record<string, string>;
  extraArgs: string[];
  /** Tell the workers to exit when this plan ends (the last plan of the run). */
  exitRemotes: boolean;
  rmi: RmiSettings;
  /** Jars shipped in the bundle (paths in the test dir), for the classpath. */
  jars?: string[];
  /** Start the JVM at once but hold the test at the start gate until releaseGateScript() runs. */
  gate?: boolean;
  /** The run has --secret-prop values (in PATHS.secretProperties): read by the master, and by each worker. */
  secretProps?: boolean;
  /** Live statistics: the results file's rows followed onto the output (live-script.ts). */
  live?: boolean;
}

/** JTL settings every run needs: CSV with a header, and the hostname column to see which worker sent what. */
export const JTL_PROPERTIES: Record<string, string> = {
  'jmeter.save.saveservice.output_format': 'csv',
  'jmeter.save.saveservice.print_field_names': 'true',
  'jmeter.save.saveservice.hostname': 'true',
  'jmeter.save.saveservice.thread_counts': 'true',
  'jmeter.save.saveservice.timestamp_format': 'ms',
};

/**
 * With live statistics, JMeter writes each row at once instead of 8 KB at a time: at 20 samples a second
 * a buffer holds about 40 rows, two seconds of them, and at 1 a second, 40 s (BENCHMARKS.md measures the
 * cost). The user's own -J (after ours on the command line) still wins.
 */
export function liveArgs(live: boolean | undefined): string[] {
  return live ? ['-Jjmeter.save.saveservice.autoflush=true'] : [];
}

export function masterArgs(cmd: MasterCommand): string[] {
  const props = Object.entries(cmd.props);
  return [
    '-n',
    '-t',
    `${PATHS.testDir}/${cmd.plan}`,
    '-R',
    cmd.remotes.join(','),
    ...(cmd.exitRemotes ? ['-X'] : []),
    '-l',
    `${PATHS.outDir}/results.jtl`,
    '-j',
    `${PATHS.outDir}/jmeter.log`,
    // No fixed client.rmi.localport: with RMI over SSL, JMeter 5.6 exports one listener per remote engine
    // on the same fixed port and the second fails ("Listen failed on port"). The run network has no
    // firewall between master and workers, so ephemeral ports cost nothing.
    ...Object.entries(JTL_PROPERTIES).map(([k, v]) => `-J${k}=${v}`),
    ...liveArgs(cmd.live),
    ...rmiArgs(cmd.rmi, '-q'),
    ...classpathArgs(cmd.jars ?? []),
    ...(cmd.gate ? ['-q', PATHS.masterGate] : []),
    ...props.map(([k, v]) => `-G${k}=${v}`),
    ...props.map(([k, v]) => `-J${k}=${v}`),
    // A file, not -G/-J: JMeter logs every -G and -J value ("Setting Global property: k=v"), not a file's,
    // and every property it sends to the workers ("Sending properties {…}"): they read the file themselves.
    ...(cmd.secretProps ? ['-q', PATHS.secretProperties] : []),
    ...cmd.extraArgs,
  ];
}

/**
 * The start gate (issue 10): a master created while its workers still start up boots its JVM at once and
 * then blocks opening the FIFO it was given as a property file (-q is read before JMeter loads the plan or
 * contacts a worker), until releaseGateScript() writes it. That takes the master's container start and most
 * of its JVM start out of the run's critical path. Without mkfifo in the image the shell waits for the file
 * instead (the JVM then starts on release).
 */
const GATE = `if ! mkfifo ${PATHS.masterGate} 2>/dev/null; then
  until [ -s ${PATHS.masterGate} ]; do sleep 0.1; done
fi
`;

/** Opens the master's start gate (run in its container); blocks until JMeter has read it. */
export function releaseGateScript(): string {
  return `printf '# atq: the workers are ready\\n' > ${PATHS.masterGate}`;
}

/**
 * The master: runs one plan against the workers; its exit ends the plan. The plan's name comes from the
 * pull request: printed as printf's argument, never as part of the shell's text.
 */
export function masterScript(cmd: MasterCommand): string {
  const args = [ADDRESS_ARG, ...masterArgs(cmd).map(shQuote)];
  const what = shQuote(oneLine(`${cmd.plan} on ${cmd.remotes.length} worker(s)`));
  const intro = cmd.gate
    ? `printf 'atq: master %s ready to run %s once they are up\\n' "$ATQ_IP" ${what}\n${GATE}`
    : `printf 'atq: master %s running %s\\n' "$ATQ_IP" ${what}\n`;
  // The follower outlives the shell's exec: it follows until JMeter (this process from then on) ends.
  const live = cmd.live ? liveFollower(LIVE_PREFIX, '$$') : '';
  return `${PRELUDE}${intro}${live}exec "$JM" ${args.join(' ')}\n`;
}

/**
 * The wait command runs in a loop until it succeeds (and prints the expected text, when one is set).
 * The deadline is enforced from outside by removing the container.
 */
export function waitScript(command: string, expected: string | undefined): string {
  const check =
    expected === undefined
      ? '[ "$rc" -eq 0 ]'
      : `[ "$rc" -eq 0 ] && [ "$(printf '%s' "$out" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')" = ${shQuote(expected)} ]`;
  return `while :; do
  rc=0; out=$(sh -c ${shQuote(command)} 2>&1) || rc=$?
  if ${check}; then printf 'atq-wait: ready: %s\\n' "$out"; exit 0; fi
  printf 'atq-wait: not yet (exit %s): %s\\n' "$rc" "$out"
  sleep 1
done
`;
}

/**
 * Exits 0 once no process in the container holds the results file open: JMeter's ResultCollector has
 * closed it, so every sample is written (exit 1 while it is still open). The live follower's reads (a
 * moment's `tail -c`) do not count. Prints the file's line count then: what the follower will have printed.
 */
export function resultsClosedScript(): string {
  const file = `${PATHS.outDir}/results.jtl`;
  return (
    `for f in /proc/[0-9]*/fd/*; do [ "$(readlink "$f" 2>/dev/null)" = ${file} ] || continue; ` +
    `p=\${f#/proc/}; [ "$(cat "/proc/\${p%%/*}/comm" 2>/dev/null)" = tail ] || exit 1; done; ` +
    `[ -f ${file} ] && wc -l < ${file}`
  );
}

/**
 * Asks a running non-GUI JMeter to end its test (as bin/shutdown.sh does, on its UDP port 4445): the
 * ShutdownClient class of JMeter's launcher jar, or bash's /dev/udp when there is no java on PATH.
 * "Shutdown", not "StopTestNow": threads finish their current sample, so no request is cut short and
 * recorded as an error the system under test never made.
 */
export function shutdownScript(command: JmeterCommand = 'Shutdown'): string {
  return (
    `JM=$(${FIND_JMETER}); H=$(dirname "$(readlink -f "$JM")"); ` +
    `java -cp "$H/ApacheJMeter.jar" org.apache.jmeter.util.ShutdownClient ${command} 2>&1 || ` +
    `bash -c 'printf ${command} > /dev/udp/127.0.0.1/${JMETER_UDP_PORT}'`
  );
}

/**
 * The commands a non-GUI JMeter takes on its UDP port (JMeter.waitForSignals, 5.6.3), from loopback only:
 * Shutdown lets every thread finish its current sample; StopTestNow interrupts them (a sample cut short is
 * recorded as an error, and threads that do not stop within 10 ms each make JMeter exit 1).
 */
export type JmeterCommand = 'Shutdown' | 'StopTestNow';

/** jmeterengine.nongui.port: JMeter tries up to 4455 if it is taken; one JMeter per container never is. */
export const JMETER_UDP_PORT = 4445;

/**
 * The same from the shell that started JMeter ($JM set), where a JVM start would cost a loaded engine a
 * core for half a second: bash's /dev/udp when the image has bash, else JMeter's ShutdownClient.
 */
export function tellJmeter(command: JmeterCommand): string {
  return (
    `if command -v bash >/dev/null 2>&1; then bash -c 'printf ${command} > /dev/udp/127.0.0.1/${JMETER_UDP_PORT}'; ` +
    `else java -cp "$(dirname "$(readlink -f "$JM")")/ApacheJMeter.jar" org.apache.jmeter.util.ShutdownClient ${command}; fi`
  );
}
