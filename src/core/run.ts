import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { packBundle } from '../bundle/pack.js';
import { selectFiles } from '../bundle/select.js';
import type { RunOptions } from '../config/options.js';
import { AtqError, isAtqError, errorMessage, AbortedError } from '../errors.js';
import { createRmiKeystore } from '../jmeter/keystore.js';
import { PATHS } from '../jmeter/ports.js';
import { loadBaseline, type Summary } from '../results/summary.js';
import type { SwarmClient } from '../swarm/client.js';
import type { TaskInfo } from '../swarm/types.js';
import { sleep } from '../util/abort.js';
import { formatDuration } from '../util/duration.js';
import type { Logger } from '../util/log.js';
import { analysePlans } from './analyse.js';
import { RunResources } from './cleanup.js';
import { runPlan } from './plan.js';
import type { PlanResult, RunReport } from './report.js';
import { collectLogs } from './collect.js';
import { serviceName, type Mount, type RunContext } from './context.js';
import { newRunId } from './run-id.js';
import { runWaitCommand } from './wait-command.js';
import { startWorkers, waitForWorkers } from './workers.js';

export type { PlanResult, RunReport };

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

function planFolder(plan: string): string {
  return plan.replace(/\.jmx$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_');
}

function toAtqError(e: unknown, signal: AbortSignal): AtqError {
  if (isAtqError(e)) return e;
  if (signal.aborted) return new AbortedError(String(signal.reason ?? 'aborted'));
  return new AtqError('DOCKER_API', `Unexpected failure: ${errorMessage(e)}`, {}, { cause: e });
}
