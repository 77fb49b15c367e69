import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { globMatches } from '../config/monitor-gate.js';
import { errorMessage } from '../errors.js';
import { parseSamplerOutput, type ContainerSeries, type MonitorTarget } from '../results/monitor-parse.js';
import type { MonitorData } from '../results/monitor.js';
import type { SwarmClient } from '../swarm/api.js';
import { inertLine } from '../util/text.js';
import { serviceName, type RunContext } from './context.js';
import { logLines } from './logs.js';
import { CGROUP_MOUNT, SAMPLER_SCRIPT } from './monitor-script.js';

/**
 * --monitor: the system under test's CPU and memory on every node, without the Docker socket anywhere. ATQ
 * resolves the monitored services' running containers (each task's container id and node) when the run
 * starts, and creates one short-lived global service of the run (removed with it) that mounts each node's
 * cgroup tree read-only and prints those containers' counters (monitor-script.ts). At the end ATQ reads each
 * node's sampler output through the manager and keeps, per node, only the containers that run there.
 * Containers that start after the run started (a scale-up, a restart) are not sampled: the notes say how
 * many containers were.
 */
export const MONITOR_INTERVAL_SECONDS = 2;
/** Containers one run samples at most (their ids travel in one environment variable). */
export const MAX_MONITORED_CONTAINERS = 200;
const CONTAINER_ID = /^[0-9a-f]{64}$/;

export interface Monitor {
  serviceId?: string;
  /** Node id → (full container id → whose it is). */
  targets: Map<string, Map<string, MonitorTarget>>;
  services: string[];
  /** The monitored services' ids, to tell at the end which of their containers came too late to be sampled. */
  serviceIds: string[];
  notes: string[];
}

/** Resolves --monitor and starts the samplers; undefined without --monitor. A failure is a note, not the run's end. */
export async function startMonitor(ctx: RunContext): Promise<Monitor | undefined> {
  const patterns = ctx.options.monitor;
  if (!patterns.length) return undefined;
  const monitor: Monitor = { targets: new Map(), services: [], serviceIds: [], notes: [] };
  try {
    await resolveTargets(ctx, patterns, monitor);
    const ids = [...monitor.targets].flatMap(([node, m]) => [...m.keys()].map((id) => `${node}:${id}`));
    if (!ids.length) return monitor;
    const name = serviceName(ctx.runId, 'monitor');
    monitor.serviceId = await ctx.client.createService({
      name,
      image: ctx.options.workerImage,
      labels: ctx.resources.labels('monitor'),
      command: ['sh', '-c', SAMPLER_SCRIPT],
      env: {
        ATQ_MONITOR_IDS: ids.join(' '),
        ATQ_MONITOR_NODE: '{{.Node.ID}}',
        ATQ_MONITOR_INTERVAL: String(MONITOR_INTERVAL_SECONDS),
      },
      replicas: 0,
      global: true,
      networks: [],
      configs: [],
      secrets: [],
      mounts: [{ source: '/sys/fs/cgroup', target: CGROUP_MOUNT, readOnly: true }],
    });
    ctx.resources.track('service', monitor.serviceId, name);
    ctx.logger.info(
      `monitor: sampling ${ids.length} container(s) of ${monitor.services.join(', ')} every ${MONITOR_INTERVAL_SECONDS} s on their nodes`,
    );
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    note(ctx, monitor, `could not start sampling the monitored services: ${errorMessage(e)}`);
  }
  return monitor;
}

function note(ctx: Pick<RunContext, 'logger'>, monitor: Monitor, text: string): void {
  ctx.logger.warn(`monitor: ${text}`);
  monitor.notes.push(text);
}

async function resolveTargets(ctx: RunContext, patterns: string[], monitor: Monitor): Promise<void> {
  const ours = `atq-${ctx.runId}-`;
  const all = (await ctx.client.listServices()).filter(
    (s) => !s.name.startsWith(ours) && mayMonitor(s.name, ctx.options.limits?.monitorAllow),
  );
  for (const p of patterns.filter((p) => !all.some((s) => globMatches(p, s.name))))
    note(ctx, monitor, `--monitor ${p}: no service of that name is on the swarm; nothing of it is sampled`);
  const chosen = all.filter((s) => patterns.some((p) => globMatches(p, s.name)));
  const nodeNames = new Map((await ctx.client.nodes()).map((n) => [n.id, n.hostname]));
  let count = 0;
  for (const s of chosen.sort((a, b) => a.name.localeCompare(b.name))) {
    monitor.services.push(s.name);
    monitor.serviceIds.push(s.id);
    const running = (await ctx.client.tasks(s.id)).filter(
      (t) => t.state === 'running' && CONTAINER_ID.test(t.containerId ?? ''),
    );
    if (!running.length) note(ctx, monitor, `service ${s.name} has no running container to sample`);
    for (const t of running) {
      if (++count > MAX_MONITORED_CONTAINERS) continue;
      const node = monitor.targets.get(t.nodeId) ?? new Map<string, MonitorTarget>();
      node.set(t.containerId as string, { service: s.name, node: nodeNames.get(t.nodeId) ?? t.nodeId });
      monitor.targets.set(t.nodeId, node);
    }
  }
  if (count > MAX_MONITORED_CONTAINERS)
    note(ctx, monitor, `${count} containers match; only the first ${MAX_MONITORED_CONTAINERS} are sampled`);
}

/**
 * On an ATQ server, only the services its operator allows (--allow-monitor), whatever a task's glob matches;
 * the others are left out as if they did not exist, so a task learns nothing of them.
 */
export function mayMonitor(service: string, allowed: string[] | undefined): boolean {
  return !allowed || allowed.some((a) => globMatches(a, service));
}

/**
 * Each node's samples, read through the manager before the run's objects are removed, into monitor.json in
 * `outDir`. Best effort: what could not be read is a note in the data (and so in every report).
 */
export async function collectMonitor(
  ctx: Pick<RunContext, 'client' | 'logger'>,
  monitor: Monitor,
  outDir: string,
): Promise<MonitorData> {
  const containers: ContainerSeries[] = [];
  if (monitor.serviceId) {
    const read = new Set<string>();
    for (const task of await ctx.client.tasks(monitor.serviceId).catch(() => [])) {
      const mine = monitor.targets.get(task.nodeId);
      if (!mine || read.has(task.nodeId)) continue;
      read.add(task.nodeId);
      const node = [...mine.values()][0]?.node ?? task.nodeId;
      const { series, dropped, stderr } = await readSampler(ctx.client, task.id, mine);
      containers.push(...series);
      if (dropped)
        note(
          ctx,
          monitor,
          `node ${node}: ${dropped} line(s) of the sampler were not samples${stderr ? ` (${stderr})` : ''}`,
        );
      if (!series.length && task.state !== 'running')
        note(
          ctx,
          monitor,
          `node ${node}: the sampler ended (${task.state}${task.error ? `: ${task.error}` : ''})`,
        );
    }
    for (const [nodeId, mine] of monitor.targets) {
      const node = [...mine.values()][0]?.node ?? nodeId;
      if (!read.has(nodeId))
        note(ctx, monitor, `node ${node}: no sampler ran there; its containers have no samples`);
      const missing = [...mine].filter(([id]) => !containers.some((c) => id.startsWith(c.container)));
      if (read.has(nodeId) && missing.length)
        note(
          ctx,
          monitor,
          `node ${node}: ${missing.map(([id, t]) => `${t.service} ${id.slice(0, 12)}`).join(', ')} not found under /sys/fs/cgroup (a container that ended, or a cgroup layout ATQ does not know)`,
        );
    }
  }
  await lateContainers(ctx, monitor);
  const data: MonitorData = {
    intervalSeconds: MONITOR_INTERVAL_SECONDS,
    services: monitor.services,
    containers,
    notes: monitor.notes,
  };
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, 'monitor.json'), JSON.stringify(data, null, 1) + '\n');
  return data;
}

/** Containers of the monitored services that started after the run did: the samplers never knew them. */
async function lateContainers(ctx: Pick<RunContext, 'client' | 'logger'>, monitor: Monitor): Promise<void> {
  const known = new Set([...monitor.targets.values()].flatMap((m) => [...m.keys()]));
  for (const [i, id] of monitor.serviceIds.entries()) {
    const tasks = await ctx.client.tasks(id).catch(() => []);
    // Running ones only: Swarm keeps the tasks that ended before the run (its task history) too.
    const late = tasks.filter((t) => t.state === 'running' && !known.has(t.containerId ?? '')).length;
    if (late)
      note(
        ctx,
        monitor,
        `service ${monitor.services[i]}: ${late} container(s) started after the run started (a scale-up or a restart) were not sampled`,
      );
  }
}

async function readSampler(client: SwarmClient, taskId: string, targets: Map<string, MonitorTarget>) {
  const lines: string[] = [];
  let stderr: string | undefined;
  let other = 0;
  // Every sample the parser could keep, and a little more: a chatty container cannot fill memory.
  const most = targets.size * 20_001 + 100;
  for await (const line of logLines(client, 'task', taskId, { limitMs: 30_000 })) {
    if (line.startsWith('[stderr] ') || line.startsWith('[atq] ')) {
      stderr ??= inertLine(line.slice(0, 160));
      other++;
    } else lines.push(line);
    if (lines.length >= most) break;
  }
  const { series, dropped } = parseSamplerOutput(lines, targets);
  return { series, dropped: dropped + other, stderr };
}
