import { gzipSync } from 'node:zlib';
import { releaseGateScript, resultsClosedScript, shutdownScript } from '../../src/jmeter/commands.js';
import { BARRIER_SCRIPT, FRAME } from '../../src/jmeter/engine-script.js';
import { PATHS } from '../../src/jmeter/ports.js';
import type { FakeContainer, Program } from './fake-container.js';

/**
 * How the fake JMeter image behaves; everything optional. Times are in real milliseconds (keep them small).
 */
export interface JmeterBehaviour {
  /** When worker `slot` says it is ready, after its container starts (default 5); undefined: never. */
  workerReadyMs?: (slot: number) => number | undefined;
  /** Worker `slot` ends by itself `afterMs` after its start (an engine: into its test) with exit `code` (137: OOM). */
  workerDies?: (slot: number) => { afterMs: number; code: number } | undefined;
  /** How long a plan's test runs (default 40), in steps of 10 ms, each adding a sample per worker. */
  testMs?: (plan: string) => number;
  /**
   * JMeter cannot run the plan (it does not load, a remote is unreachable): the master (or engine `slot`)
   * prints its error and exits with this code before any sample (default 0: it runs).
   */
  exitCode?: (plan: string, slot?: number) => number;
  /** The master's JVM is killed `afterMs` into the test (OOM: 137), before it has closed its results file. */
  masterDies?: (plan: string) => { afterMs: number; code: number } | undefined;
  /** A line JMeter writes in its jmeter.log when it cannot run the plan as written. */
  fatalLine?: (plan: string) => string | undefined;
  /** JMeter's pause between "Tidying up remote" and its exit (default 20). */
  exitPauseMs?: number;
  /** Attempts before the wait command succeeds (default 1); 0: never. */
  waitAttempts?: number;
  /** Samples from this many ms into the test on fail (500: the target went down). */
  failFromMs?: number;
}

/** What the fake image's runs left: when each plan started and ended, and what its master was told. */
export interface JmeterLog {
  started: { plan: string; at: number; by: string }[];
  shutdowns: number;
}

export const JTL_HEADER =
  'timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,' +
  'sentBytes,grpThreads,allThreads,URL,Latency,Hostname,IdleTime,Connect';

/**
 * A stand-in for ATQ's JMeter image: it does what the scripts the core gives each container make the real
 * image do (jmeter/commands.ts, engine-script.ts), reading them the way the shell would — its role from
 * ATQ_ROLE, the plan from -t, the start gate, -X, server.exitaftertest, the go barrier's name — and prints
 * JMeter's lines, writes /atq/out/results.jtl and jmeter.log, and answers the gate, results-closed and
 * shutdown commands the core runs in the master.
 */
export function fakeJmeter(b: JmeterBehaviour = {}, log: JmeterLog = { started: [], shutdowns: 0 }): Program {
  /** Workers' RMI registries by address: ready, and told the test ended (exitaftertest / -X). */
  const registry = new Map<string, { ended: boolean }>();
  return async (c) => {
    const role = c.env.ATQ_ROLE;
    if (role === 'worker') return worker(c, b, registry);
    if (role === 'master') return master(c, b, registry, log);
    if (role === 'engine') return engine(c, b, log);
    if (c.script === BARRIER_SCRIPT) return c.serve();
    if (c.script.includes('atq-wait:')) return waitCommand(c, b.waitAttempts ?? 1);
    c.print(`sh: cannot run ${c.script.slice(0, 40)}`, 'stderr');
    return 127;
  };
}

async function worker(c: FakeContainer, b: JmeterBehaviour, registry: Map<string, { ended: boolean }>) {
  const slot = c.slot;
  c.print(
    `atq: worker ${slot} of ${c.env.ATQ_WORKER_COUNT} at ${c.ip} starting JMeter server (/opt/jmeter/bin/jmeter)`,
  );
  const readyMs = b.workerReadyMs ? b.workerReadyMs(slot) : 5;
  const dies = b.workerDies?.(slot);
  const started = Date.now();
  const exitsAfterTest = c.script.includes('server.exitaftertest=true');
  if (readyMs !== undefined) {
    await c.sleep(Math.min(readyMs, dies?.afterMs ?? Infinity));
    if (!dies || Date.now() - started < dies.afterMs) {
      c.print(`Created remote object: UnicastServerRef2 [liveRef: [endpoint:[${c.ip}:1099]]]`);
      c.print(`atq: worker ${slot} ready at ${c.ip}`);
      registry.set(c.ip, { ended: false });
    }
  }
  for (;;) {
    if (dies && Date.now() - started >= dies.afterMs) {
      registry.delete(c.ip);
      c.print('Killed', 'stderr');
      return dies.code;
    }
    const state = registry.get(c.ip);
    if (state?.ended && exitsAfterTest) {
      c.print('Finished remote host: ' + c.ip);
      return 0;
    }
    await c.sleep(2);
  }
}

async function master(
  c: FakeContainer,
  b: JmeterBehaviour,
  registry: Map<string, { ended: boolean }>,
  log: JmeterLog,
) {
  const plan = /'\/atq\/test\/([^']+)'/.exec(c.script)?.[1] ?? '?';
  const remotes = (c.env.ATQ_WORKERS ?? '').split(',').filter(Boolean);
  const gated = c.script.includes(`'-q' '${PATHS.masterGate}'`);
  let shutdown = false;
  let jtlOpen = false;
  c.onExec(([, , script]) => {
    if (script === releaseGateScript()) {
      c.write(PATHS.masterGate, '# atq: the workers are ready\n');
      return { exitCode: 0, output: '' };
    }
    if (script === resultsClosedScript())
      return { exitCode: !jtlOpen && c.files.has(`${PATHS.outDir}/results.jtl`) ? 0 : 1, output: '' };
    if (script === shutdownScript()) {
      shutdown = true;
      log.shutdowns++;
      return { exitCode: 0, output: 'Sending Shutdown request to port 4445' };
    }
    return undefined;
  });
  c.print(
    gated
      ? `atq: master ${c.ip} ready to run ${plan} on ${remotes.length} worker(s) once they are up`
      : `atq: master ${c.ip} running ${plan} on ${remotes.length} worker(s)`,
  );
  if (gated) await c.until(() => c.files.has(PATHS.masterGate));
  c.print('Creating summariser <summary>');
  const failing = b.exitCode?.(plan) ?? 0;
  if (failing) {
    c.print(
      `Error in NonGUIDriver java.lang.IllegalArgumentException: Problem loading XML from:'/atq/test/${plan}'`,
    );
    c.write(`${PATHS.outDir}/jmeter.log`, `ERROR o.a.j.JMeter: Error in NonGUIDriver\n`);
    return failing;
  }
  const missing = remotes.filter((r) => !registry.has(r));
  if (missing.length) {
    c.print(`Exception creating connection: ${missing[0]}; nested exception is: java.rmi.ConnectException`);
    c.write(
      `${PATHS.outDir}/jmeter.log`,
      `ERROR o.a.j.JMeter: Error in NonGUIDriver java.lang.RuntimeException\n`,
    );
    return 1;
  }
  c.print(`Starting distributed test with remote engines: [${remotes.join(', ')}] @ now`);
  log.started.push({ plan, at: Date.now(), by: c.hostname });
  const rows: string[] = [];
  jtlOpen = true;
  const writeJtl = () => c.write(`${PATHS.outDir}/results.jtl`, [JTL_HEADER, ...rows].join('\n') + '\n');
  writeJtl();
  const testMs = b.testMs?.(plan) ?? 40;
  const dies = b.masterDies?.(plan);
  // The live follower (jmeter/live-script.ts), when the script has it: the header, then each step's rows.
  const live = c.script.includes('atq-live');
  if (live) c.print(`atq-live h ${JTL_HEADER}`);
  for (let t = 0; t < testMs && !shutdown; t += 10) {
    await c.sleep(10);
    if (dies && t >= dies.afterMs) return dies.code;
    const ok = b.failFromMs === undefined || t < b.failFromMs;
    const step: string[] = [];
    for (const r of remotes) if (registry.has(r)) step.push(sample(r, `atq-worker-${r}`, ok));
    rows.push(...step);
    if (live && step.length) c.print(`atq-live b ${step.map(liveRow).join('\x1e')}`);
    writeJtl();
    c.print(
      `summary +     ${remotes.length} in 00:00:01 =    1.0/s Avg:   10 Min:   10 Max:   10 Err:     0 (0.00%)`,
    );
  }
  if (shutdown) c.print('Command: Shutdown received from /127.0.0.1');
  const fatal = b.fatalLine?.(plan);
  c.write(`${PATHS.outDir}/jmeter.log`, `INFO o.a.j.JMeter: Version 5.6.3\n${fatal ? fatal + '\n' : ''}`);
  jtlOpen = false;
  c.print(
    `summary =    ${rows.length} in 00:00:01 =    1.0/s Avg:   10 Min:   10 Max:   10 Err:     0 (0.00%)`,
  );
  c.print('Tidying up remote @ now');
  const exitRemotes = c.script.includes("'-X'");
  for (const r of remotes) {
    const w = registry.get(r);
    if (w) w.ended = true;
    if (exitRemotes) registry.delete(r);
  }
  await c.sleep(b.exitPauseMs ?? 20);
  c.print('... end of run');
  if (!exitRemotes) for (const r of remotes) registry.get(r)!.ended = false;
  return 0;
}

async function engine(c: FakeContainer, b: JmeterBehaviour, log: JmeterLog) {
  const plan = /'\/atq\/test\/([^']+)'/.exec(c.script)?.[1] ?? '?';
  const go = /until getent hosts '([^']+)'/.exec(c.script)?.[1] ?? '';
  const stop = /if getent hosts '([^']+)'/.exec(c.script)?.[1];
  c.print(`atq: engine ${c.slot} of ${c.env.ATQ_WORKER_COUNT} ready`);
  await c.until(() => c.resolve(go).length > 0);
  c.print(`atq: engine ${c.slot} starting ${plan}`);
  log.started.push({ plan, at: Date.now(), by: c.hostname });
  const rows: string[] = [];
  const code = b.exitCode?.(plan, c.slot) ?? 0;
  const testMs = code ? 0 : (b.testMs?.(plan) ?? 40);
  const dies = b.workerDies?.(c.slot);
  const live = c.script.includes('atq-live') ? `atq-live:${c.slot}` : undefined;
  if (live) c.print(`${live} h ${JTL_HEADER}`);
  for (let t = 0; t < testMs; t += 10) {
    await c.sleep(10);
    if (dies && t >= dies.afterMs) return dies.code;
    const row = sample(c.ip, c.hostname, b.failFromMs === undefined || t < b.failFromMs);
    rows.push(row);
    if (live) c.print(`${live} b ${liveRow(row)}`);
    if (stop && c.resolve(stop).length) {
      // The stop service's name resolves: JMeter is told Shutdown, ends the test and exits 0 (engine-script.ts).
      c.print(`atq: engine ${c.slot} asked to stop: ending the test (Shutdown)`);
      log.shutdowns++;
      break;
    }
  }
  if (code) c.print('Error in NonGUIDriver java.lang.IllegalArgumentException: Problem loading XML');
  if (live) c.print(`${live} end`);
  const fatal = b.fatalLine?.(plan);
  for (const line of frame('jtl', [JTL_HEADER, ...rows].join('\n') + '\n')) c.print(line);
  for (const line of frame('log', `INFO o.a.j.JMeter: Version 5.6.3\n${fatal ? fatal + '\n' : ''}`))
    c.print(line);
  return code;
}

/** The wait command's loop (waitScript): a line per attempt, exit 0 once it succeeds. */
async function waitCommand(c: FakeContainer, attempts: number) {
  for (let i = 1; attempts === 0 || i < attempts; i++) {
    c.print('atq-wait: not yet (exit 1): connection refused');
    await c.sleep(5);
  }
  c.print('atq-wait: ready: ok');
  return 0;
}

/** A file framed as the engine script prints it: gzip, base64 in 76-character lines. */
function frame(kind: string, text: string): string[] {
  const b64 =
    gzipSync(text)
      .toString('base64')
      .match(/.{1,76}/g) ?? [];
  return [`${FRAME} ${kind} begin`, ...b64.map((l) => `${FRAME}-data ${l}`), `${FRAME} ${kind} end`];
}

let clock = 1_796_590_042_430;
function sample(ip: string, host: string, ok = true): string {
  clock += 7;
  const [code, message, success] = ok ? ['200', 'OK', 'true'] : ['503', 'Service Unavailable', 'false'];
  return `${clock},12,GET target,${code},${message},${ip}-users 1-1,text,${success},,122,135,1,1,http://target/,11,${host},0,1`;
}

/** A JTL row as the live follower cuts it: ts,elapsed,ok,threads,host,label. */
function liveRow(row: string): string {
  const f = row.split(',');
  return [f[0], f[1], f[7] === 'true' ? 1 : 0, f[12], f[15], f[2]].join(',');
}
