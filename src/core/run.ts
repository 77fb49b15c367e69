import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { packBundle } from '../bundle/pack.js';
import { selectFiles } from '../bundle/select.js';
import type { RunOptions } from '../config/options.js';
import { AtqError, isAtqError, errorMessage, AbortedError } from '../errors.js';
import { createRmiKeystore } from '../jmeter/keystore.js';
import { findFatalLine, tail } from '../jmeter/log-check.js';
import { PATHS } from '../jmeter/ports.js';
import { countJtlRecords } from '../results/count.js';
import { analyseJtl, loadBaseline, type Summary } from '../results/summary.js';
import { verdictLines } from '../results/verdict-table.js';
import { writeReports } from '../results/write.js';
import type { SwarmClient } from '../swarm/client.js';
import type { TaskInfo } from '../swarm/types.js';
import { sleep } from '../util/abort.js';
import { formatDuration } from '../util/duration.js';
import type { Logger } from '../util/log.js';
import { RunResources } from './cleanup.js';
import { collectLogs, collectMasterFiles } from './collect.js';
import { serviceName, type Mount, type RunContext } from './context.js';
import { readLogs } from './logs.js';
import { followMaster, startMaster, waitForMaster } from './master.js';
import { newRunId } from './run-id.js';
import { runWaitCommand } from './wait-command.js';
import { startWorkers, waitForWorkers, WorkerWatch } from './workers.js';

export interface PlanResult {
  plan: string;
  outDir: string;
  exitCode?: number;
  samples?: number;
  status: 'succeeded' | 'failed' | 'not-run';
  /** Verdict of the performance gates on this plan's results (when it ran). */
  verdict?: Summary['verdict'];
}

export interface RunReport {
  runId: string;
  status: 'succeeded' | 'failed' | 'aborted';
  outDir: string;
  plans: PlanResult[];
  masterImage: string;
  workerImage: string;
  workersRequested: number;
  workerAddresses: string[];
  /** Where each worker ran: slot, overlay address, node hostname. */
  workers: { slot: number; address: string; node: string }[];
  startedAt: string;
  endedAt?: string;
  /** Wall time per stage, in milliseconds. */
  stages: Record<string, number>;
  cleanup?: { removed: number; failed: string[]; kept: boolean };
  /** 'failed' when a gate failed on any plan; fronts exit 3 then. */
  verdict?: Summary['verdict'];
  error?: { code: string; message: string };
}

export interface RunDeps {
  connect: () => Promise<SwarmClient>;
  logger: Logger;
  signal?: AbortSignal;
  runId?: string;
}

/**
 * One distributed JMeter run, start to finish. Never throws for a failed run: the error is in the
 * report (and run.json) so each front turns it into its exit code in one place. Whatever happens,
 * everything created on the cluster is removed before this returns (unless --keep).
 */
export async function runLoadTest(
  options: RunOptions,
  deps: RunDeps,
): Promise<{ report: RunReport; error?: AtqError }> {
  const { logger } = deps;
  const signal = deps.signal ?? new AbortController().signal;
  const runId = deps.runId ?? newRunId();
  const started = Date.now();
  const report: RunReport = {
    runId,
    status: 'failed',
    outDir: path.join(options.outDir, runId),
    plans: [],
    masterImage: options.masterImage,
    workerImage: options.workerImage,
    workersRequested: options.workers,
    workerAddresses: [],
    workers: [],
    startedAt: new Date(started).toISOString(),
    stages: {},
  };
  const record = (name: string, ms: number) => (report.stages[name] = (report.stages[name] ?? 0) + ms);
  const stage = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await fn();
    } finally {
      record(name, Date.now() - t0);
    }
  };

  let resources: RunResources | undefined;
  let ctx: RunContext | undefined;
  let workersId: string | undefined;
  let workerTasks: TaskInfo[] = [];
  let error: AtqError | undefined;
  await mkdir(report.outDir, { recursive: true });
  logger.info(`run ${runId}: results go to ${report.outDir}`);

  let baseline: Summary | undefined;
  try {
    if (options.baselineFile) {
      const file = options.baselineFile;
      baseline = await loadBaseline(file).catch((e: Error) => {
        throw new AtqError(
          'CONFIG_INVALID',
          `baseline: ${e.message}. Give the summary.json of an earlier run.`,
          { file },
        );
      });
    }
    const selection = await stage('bundle', () =>
      selectFiles(options.testDir, options.plans, options.files, [
        path.relative(options.testDir, options.outDir) + '/**',
      ]),
    );
    const bundle = await stage('bundle', () => packBundle(selection, options.maxBundleBytes));
    for (const w of bundle.warnings) logger.warn(w);
    report.plans = selection.plans.map((p) => ({ plan: p.rel, outDir: '', status: 'not-run' }));
    for (const p of report.plans)
      p.outDir = selection.plans.length > 1 ? path.join(report.outDir, planFolder(p.plan)) : report.outDir;
    logger.info(
      `bundle: ${bundle.fileCount} file(s), ${(bundle.archive.length / 1024).toFixed(1)} KiB in ${bundle.chunks.length} config(s); ` +
        `plan(s): ${report.plans.map((p) => p.plan).join(', ')}`,
    );

    const { client, info } = await stage('connect', async () => {
      const client = await deps.connect();
      const info = await client.info();
      if (info.localNodeState !== 'active' || !info.isManager) {
        throw new AtqError(
          'NOT_SWARM_MANAGER',
          `The engine at ${client.url} is not a swarm manager (swarm state: ${info.localNodeState}` +
            `${info.localNodeState === 'active' ? ', worker node' : ''}). Point DOCKER_HOST at a manager, ` +
            'or run `docker swarm init` on it.',
          { url: client.url, state: info.localNodeState },
        );
      }
      return { client, info };
    });
    logger.info(`connected to ${client.url}: Docker ${info.serverVersion}, swarm of ${info.nodes} node(s)`);
    resources = new RunResources(client, runId, logger);
    const res = resources;

    const attached = await stage('network', async () => {
      const ids: string[] = [];
      for (const name of options.attachNetworks) {
        const n = await client.inspectNetwork(name);
        if (!n || n.scope !== 'swarm' || !n.attachable) {
          throw new AtqError(
            'CONFIG_INVALID',
            n
              ? `--attach-network ${name} is a ${n.scope}-scoped ${n.driver} network${n.attachable ? '' : ', not attachable'}; ` +
                  'it must be an attachable overlay network (docker network create -d overlay --attachable).'
              : `--attach-network ${name}: no such network on this swarm. Create it (overlay, --attachable) or fix the name.`,
            { network: name },
          );
        }
        ids.push(n.id);
      }
      return ids;
    });
    const network = await stage('network', async () => {
      const name = serviceName(runId, 'net');
      const n = await client.createNetwork(name, res.labels('network'), options.networkEncryption);
      res.track('network', n.id, name);
      if (!n.subnet) {
        throw new AtqError(
          'DOCKER_API',
          `Swarm gave network ${name} no subnet within 15 s; is the manager healthy (docker node ls)?`,
        );
      }
      return { ...n, subnet: n.subnet };
    });

    const { configs, secrets } = await stage('ship', async () => {
      const configs: Mount[] = [];
      for (const [i, chunk] of bundle.chunks.entries()) {
        const part = `part-${String(i).padStart(3, '0')}`;
        const name = serviceName(runId, `bundle-${part}`);
        const id = await client.createConfig(name, chunk, res.labels('bundle'));
        res.track('config', id, name);
        configs.push({ id, name, target: `${PATHS.bundleParts}/${part}` });
      }
      const secrets: Mount[] = [];
      if (options.rmiSsl) {
        const ks = createRmiKeystore(runId);
        for (const [suffix, data, target] of [
          ['rmi-keystore', ks.keystore, PATHS.rmiKeystore],
          ['rmi-properties', Buffer.from(ks.properties), PATHS.rmiProperties],
        ] as const) {
          const name = serviceName(runId, suffix);
          const id = await client.createSecret(name, data, res.labels('rmi'));
          res.track('secret', id, name);
          secrets.push({ id, name, target: path.posix.basename(target) });
        }
      }
      return { configs, secrets };
    });

    ctx = {
      runId,
      options,
      client,
      logger,
      signal,
      resources: res,
      nodeId: info.nodeId,
      network,
      networkIds: [network.id, ...attached],
      configs,
      secrets,
      deadline: started + options.timeoutMs,
    };
    const c = ctx;
    workersId = await stage('workers', () => startWorkers(c));
    logger.info(`starting ${options.workers} worker(s) from ${options.workerImage}`);
    const ready = await stage('ready', () => waitForWorkers(c, workersId as string));
    workerTasks = ready.tasks;
    report.workerAddresses = ready.addresses;
    const nodeNames = new Map((await client.nodes()).map((n) => [n.id, n.hostname]));
    report.workers = ready.tasks.map((t, i) => ({
      slot: t.slot,
      address: ready.addresses[i] as string,
      node: nodeNames.get(t.nodeId) ?? t.nodeId,
    }));
    logger.info(`workers ready: ${ready.addresses.join(', ')}`);

    await stage('wait', () => runWaitCommand(c, ready.addresses));
    if (options.delayMs > 0) {
      logger.info(`waiting ${formatDuration(options.delayMs)} before starting the master (--delay)`);
      await stage('delay', () => sleep(options.delayMs, signal));
    }

    for (const [i, plan] of report.plans.entries()) {
      const last = i === report.plans.length - 1;
      await runPlan(c, i, plan, ready, workersId, last, stage, record);
    }
    report.status = 'succeeded';
  } catch (e) {
    error = toAtqError(e, signal);
    report.status = error.code === 'RUN_ABORTED' ? 'aborted' : 'failed';
    report.error = { code: error.code, message: error.message };
  } finally {
    if (ctx && workersId && report.status !== 'aborted') {
      await stage('collect', () =>
        collectLogs(
          ctx as RunContext,
          report.outDir,
          workerTasks.map((t) => ({ name: `worker-${t.slot}`, kind: 'task', id: t.id })),
        ),
      );
    }
    if (resources) {
      if (options.keep) {
        logger.warn(`--keep: leaving run ${runId} on the swarm; remove it with: atq cleanup --run ${runId}`);
        report.cleanup = { removed: 0, failed: [], kept: true };
      } else {
        const r = resources;
        const swept = await stage('cleanup', () => r.dispose());
        report.cleanup = {
          removed: swept.removed.length,
          failed: swept.failed.map((f) => `${f.object.kind} ${f.object.name}: ${f.error}`),
          kept: false,
        };
        logger.info(
          `cleanup: removed ${swept.removed.length} object(s)${swept.failed.length ? `, ${swept.failed.length} failed` : ''}`,
        );
      }
    }
    report.endedAt = new Date().toISOString();
    // Analysis needs no cluster: it runs after cleanup, on every plan that produced results.
    if (report.status !== 'aborted') {
      try {
        await stage('analyse', () => analysePlans(report, options, baseline, logger));
      } catch (e) {
        error ??= new AtqError(
          'RESULTS_INVALID',
          `Could not analyse the results: ${errorMessage(e)}`,
          {},
          { cause: e },
        );
        report.status = 'failed';
        report.error ??= { code: error.code, message: error.message };
      }
    }
    await writeFile(path.join(report.outDir, 'run.json'), JSON.stringify(report, null, 2) + '\n');
  }
  return { report, error };
}

/** Statistics, gates and reports for each plan that ran; the run's verdict is the worst of them. */
async function analysePlans(
  report: RunReport,
  options: RunOptions,
  baseline: Summary | undefined,
  logger: Logger,
): Promise<void> {
  for (const plan of report.plans) {
    if (!plan.samples) continue;
    const { plans: _plans, ...run } = report;
    const summary = await analyseJtl(path.join(plan.outDir, 'results.jtl'), {
      gates: options.gates,
      baseline,
      run: { ...run, plan: plan.plan },
    });
    await writeReports(plan.outDir, summary);
    plan.verdict = summary.verdict;
    for (const line of verdictLines(summary, plan.plan)) logger.info(line);
  }
  const verdicts = report.plans.map((p) => p.verdict).filter((v) => v !== undefined);
  if (verdicts.length) {
    report.verdict = verdicts.includes('failed')
      ? 'failed'
      : verdicts.includes('passed')
        ? 'passed'
        : 'no-gates';
  }
}

async function runPlan(
  ctx: RunContext,
  index: number,
  plan: PlanResult,
  ready: { tasks: TaskInfo[]; addresses: string[] },
  workersId: string,
  last: boolean,
  stage: <T>(name: string, fn: () => Promise<T>) => Promise<T>,
  record: (name: string, ms: number) => void,
): Promise<void> {
  const { logger, client } = ctx;
  plan.status = 'failed';
  logger.info(`plan ${plan.plan}: starting the master`);
  const created = Date.now();
  let runningAt = created;
  const masterId = await startMaster(ctx, index, plan.plan, ready.addresses, last);
  const stopFollowing = new AbortController();
  const following = followMaster(ctx, masterId, stopFollowing.signal);
  const watch = new WorkerWatch(
    ctx,
    workersId,
    ready.tasks.map((t) => t.id),
    () => last,
  );
  let task: TaskInfo | undefined;
  try {
    task = await waitForMaster(ctx, masterId, watch, () => (runningAt = Date.now()));
  } finally {
    // master-start: create until its container runs (scheduling, JVM not included); master-run: the rest.
    record('master-start', runningAt - created);
    record('master-run', Date.now() - runningAt);
    watch.stop();
    // Let the last lines arrive, then stop following.
    await Promise.race([following, sleep(500)]);
    stopFollowing.abort();
    // Keep whatever the master produced, even when the run failed or timed out.
    const current = task ?? (await client.tasks(masterId).catch(() => [])).at(-1);
    if (current?.containerId && !ctx.signal.aborted) {
      await stage('collect', async () => {
        try {
          await collectMasterFiles(ctx, current, plan.outDir);
        } catch (e) {
          logger.warn(`could not copy the master's results: ${errorMessage(e)}`);
        }
        await collectLogs(ctx, plan.outDir, [{ name: 'master', kind: 'service', id: masterId }]);
      });
    }
  }
  plan.exitCode = task.exitCode;
  await verifyPlan(ctx, plan, task, ready.tasks);
  plan.status = 'succeeded';
  logger.info(`plan ${plan.plan}: ${plan.samples} samples, results in ${plan.outDir}`);
}

/** JMeter may exit 0 when the plan did not run; the JTL and the logs are the truth. */
async function verifyPlan(
  ctx: RunContext,
  plan: PlanResult,
  task: TaskInfo,
  workers: TaskInfo[],
): Promise<void> {
  const jmeterLog = await readFile(path.join(plan.outDir, 'jmeter.log'), 'utf8').catch(() => '');
  const masterOut = await readFile(path.join(plan.outDir, 'logs', 'master.log'), 'utf8').catch(() => '');
  let fatal = findFatalLine(jmeterLog) ?? findFatalLine(masterOut);
  if (!fatal) {
    for (const w of workers) {
      const line = findFatalLine(await readLogs(ctx.client, 'task', w.id));
      if (line) {
        fatal = `worker ${w.slot}: ${line}`;
        break;
      }
    }
  }
  plan.samples = await countJtlRecords(path.join(plan.outDir, 'results.jtl')).catch(() => undefined);
  const where = `See ${path.join(plan.outDir, 'jmeter.log')} and ${path.join(plan.outDir, 'logs')}/.`;
  if (task.exitCode !== 0) {
    throw new AtqError(
      'JMETER_PLAN_FAILED',
      `JMeter failed running ${plan.plan} (exit code ${task.exitCode}${task.exitCode === 96 || task.exitCode === 97 ? ', image setup' : ''}): ` +
        `${fatal ?? tail(masterOut, 8)}\n${where}`,
      { plan: plan.plan, exitCode: task.exitCode },
    );
  }
  if (fatal) {
    throw new AtqError(
      'JMETER_PLAN_FAILED',
      `JMeter could not run ${plan.plan} as written: ${fatal}\n${where}`,
      {
        plan: plan.plan,
      },
    );
  }
  if (plan.samples === undefined || plan.samples === 0) {
    throw new AtqError(
      'RESULTS_MISSING',
      `JMeter ran ${plan.plan} but ${plan.samples === undefined ? 'wrote no results.jtl' : 'recorded no samples'}. ` +
        `Check the plan's thread groups and that its targets are reachable from the workers. ${where}`,
      { plan: plan.plan },
    );
  }
}

function planFolder(plan: string): string {
  return plan.replace(/\.jmx$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_');
}

function toAtqError(e: unknown, signal: AbortSignal): AtqError {
  if (isAtqError(e)) return e;
  if (signal.aborted) return new AbortedError(String(signal.reason ?? 'aborted'));
  return new AtqError('DOCKER_API', `Unexpected failure: ${errorMessage(e)}`, {}, { cause: e });
}
