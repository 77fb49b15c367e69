import {
  classpathArgs,
  JTL_PROPERTIES,
  liveArgs,
  oneLine,
  PRELUDE,
  shQuote,
  TAKE_SLICE,
  tellJmeter,
} from './commands.js';
import { GC_LOG_ARGS, healthSampler } from './health-script.js';
import { LIVE_PREFIX, liveEnd, liveFollower } from './live-script.js';
import { PATHS } from './ports.js';

/**
 * Engine mode: every engine is a standalone `jmeter -n` on the whole plan (no RMI, no master). Its results
 * leave the container through its own output, which the manager serves for tasks on every node: gzip +
 * base64 between frame lines, so no shared filesystem and no node-local archive API is needed.
 */
export const FRAME = 'atq-frame';

/** The line an engine prints once it waits at the barrier, with its task slot. */
export const ENGINE_READY = /^atq: engine (\d+) of \d+ ready/;

export interface EngineCommand {
  /** Plan path inside the test dir (forward slashes). */
  plan: string;
  props: Record<string, string>;
  extraArgs: string[];
  jars: string[];
  /** The start barrier: the engines start JMeter once this name resolves on the run network. */
  go: string;
  /**
   * The graceful stop (core/graceful-stop.ts): once this name resolves on the run network, each engine asks
   * its JMeter to end the test, keeping every sample. The manager cannot exec into an engine on another node.
   */
  stop: string;
  /** The run has --secret-prop values, in PATHS.secretProperties. */
  secretProps?: boolean;
  /** Live statistics: the results file's rows followed onto the output (live-script.ts). */
  live?: boolean;
}

export function engineArgs(cmd: EngineCommand): string[] {
  return [
    '-n',
    '-t',
    `${PATHS.testDir}/${cmd.plan}`,
    '-l',
    `${PATHS.outDir}/results.jtl`,
    '-j',
    `${PATHS.outDir}/jmeter.log`,
    ...Object.entries(JTL_PROPERTIES).map(([k, v]) => `-J${k}=${v}`),
    ...liveArgs(cmd.live),
    ...classpathArgs(cmd.jars),
    ...Object.entries(cmd.props).map(([k, v]) => `-J${k}=${v}`),
    ...(cmd.secretProps ? ['-q', PATHS.secretProperties] : []),
    ...cmd.extraArgs,
  ];
}

/** Prints a file as one frame: `atq-frame <kind> begin`, base64 lines of its gzip, `atq-frame <kind> end`. */
const frame = (kind: string, file: string) =>
  `echo "${FRAME} ${kind} begin"\n` +
  `if [ -f ${file} ]; then gzip -c ${file} | base64 | sed 's/^/${FRAME}-data /'; fi\n` +
  `echo "${FRAME} ${kind} end"\n`;

/** Seconds an engine's JMeter has to end the test after Shutdown before it is told StopTestNow. */
export const STOP_NOW_AFTER_S = 10;

/**
 * Watches for the stop service's name while JMeter ($jm) runs: a lookup a second (the first after a second,
 * so a JMeter that ends at once is never looked up for). Once it resolves: Shutdown; and should the test
 * not have ended STOP_NOW_AFTER_S later (threads stuck in requests to a target that does not answer),
 * StopTestNow. Each step is said on the engine's output, for the run's log.
 */
function stopWatch(stop: string): string {
  const name = shQuote(stop);
  const said = (what: string) => `echo "atq: engine $ATQ_WORKER_INDEX ${what}"`;
  return `{
  while sleep 1 && kill -0 $jm 2>/dev/null; do
    if getent hosts ${name} >/dev/null 2>&1 || nslookup ${name} >/dev/null 2>&1; then
      ${said('asked to stop: ending the test (Shutdown)')}
      ${tellJmeter('Shutdown')}
      n=0
      while sleep 1 && kill -0 $jm 2>/dev/null; do
        n=$((n + 1))
        if [ $n -eq ${STOP_NOW_AFTER_S} ]; then
          ${said(`still running ${STOP_NOW_AFTER_S}s after Shutdown: StopTestNow`)}
          ${tellJmeter('StopTestNow')}
        fi
      done
      break
    fi
  done
} &
watch=$!
`;
}

/** The start barrier's service: a task that only has to run (and stop when told) for its name to resolve. */
export const BARRIER_SCRIPT = 'trap "exit 0" TERM; while :; do sleep 1; done';

/** The engine's slot in its live lines: an engines service's output interleaves all of them. */
const LIVE_TAG = `${LIVE_PREFIX}:$ATQ_WORKER_INDEX`;

export function engineScript(cmd: EngineCommand): string {
  const args = [
    ...engineArgs(cmd).map(shQuote),
    '"-Jatq.worker.index=$ATQ_WORKER_INDEX"',
    '"-Jatq.workers=$ATQ_WORKER_COUNT"',
  ];
  const go = shQuote(cmd.go);
  return (
    PRELUDE +
    GC_LOG_ARGS +
    TAKE_SLICE +
    `echo "atq: engine $ATQ_WORKER_INDEX of $ATQ_WORKER_COUNT ready"\n` +
    // The barrier: getent (glibc images) or nslookup (busybox ones) sees the go service's task once it runs.
    `until getent hosts ${go} >/dev/null 2>&1 || nslookup ${go} >/dev/null 2>&1; do sleep 0.2; done\n` +
    // The plan's name comes from the pull request: printf's argument, never the shell's text.
    `printf 'atq: engine %s starting %s\\n' "$ATQ_WORKER_INDEX" ${shQuote(oneLine(cmd.plan))}\n` +
    'set +e\n' +
    `"$JM" ${args.join(' ')} &\n` +
    'jm=$!\n' +
    stopWatch(cmd.stop) +
    healthSampler('$jm', true) +
    (cmd.live ? liveFollower(LIVE_TAG, '$jm', true) : '') +
    'wait $jm; rc=$?\n' +
    'kill $watch 2>/dev/null\n' +
    // Its last sample is not worth a wait: nothing of it may land inside the frames below.
    'kill $health 2>/dev/null\n' +
    // The follower's last rows come before the frames (and its `end` line says so).
    (cmd.live ? liveEnd(LIVE_TAG) : '') +
    frame('jtl', `${PATHS.outDir}/results.jtl`) +
    frame('log', `${PATHS.outDir}/jmeter.log`) +
    'exit $rc\n'
  );
}
