import { AtqError, errorMessage } from '../errors.js';
import type { SwarmClient } from '../swarm/api.js';
import type { LabelledObject, ObjectKind } from '../swarm/types.js';
import { sleep } from '../util/abort.js';
import { silentLogger, type Logger } from '../util/log.js';
import {
  isLease,
  LEASE_BEAT_MS,
  LEASE_ROLE,
  LeaseKeeper,
  leaseLabels,
  leaseName,
  runStates,
  type RunOnSwarm,
} from './lease.js';
import { ENGINE_GRACE_MS, engineDown } from './engine.js';
import { ROLE_LABEL, RUN_LABEL } from './run-id.js';

/** Services first (their containers go with them), then what they used, the network, and the lease last. */
const ORDER: ObjectKind[] = ['service', 'container', 'secret', 'config', 'network'];
const rank = (o: LabelledObject) => (isLease(o) ? ORDER.length : ORDER.indexOf(o.kind));

/** A busy engine ("in use") gets this long; an engine that does not answer at all, much less. */
const BUSY_PATIENCE_MS = 90_000;
const fixed = (ms: number) => {
  const at = Date.now() + ms;
  return () => at;
};

export interface SweepResult {
  removed: LabelledObject[];
  failed: { object: LabelledObject; error: string }[];
  /** Set when the engine stopped answering: the objects in `failed` may all still be there. */
  unreachableSince?: number;
  /** Why the run's labelled objects could not be listed: there may be more than `failed` names. */
  unlisted?: string;
}

/**
 * Removes objects in dependency order. Docker releases a service's containers, configs and network
 * endpoints asynchronously, so "in use" answers are retried until the patience runs out; an engine that
 * does not answer is given up on once engineDown() says so, since retrying cannot help it. `pace` scales
 * the pauses and the engine's grace period (RunControl.pace).
 */
export async function removeInOrder(
  client: SwarmClient,
  objects: LabelledObject[],
  logger: Logger,
  deadline: () => number = fixed(BUSY_PATIENCE_MS),
  pace = 1,
): Promise<SweepResult> {
  const result: SweepResult = { removed: [], failed: [] };
  for (let step = 0; step <= ORDER.length; step++) {
    let pending = objects.filter((o) => rank(o) === step);
    let delay = 250 * pace;
    while (pending.length) {
      const errors = await removeEach(client, pending, result);
      pending = pending.filter((o) => errors.has(o.id));
      if (!pending.length) break;
      const down = engineDown(client, ENGINE_GRACE_MS * pace);
      if (down || Date.now() + delay > deadline()) {
        for (const o of pending) result.failed.push({ object: o, error: errors.get(o.id) ?? 'unknown' });
        if (down) return giveUp(client, objects, result, logger);
        break;
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 3000 * pace);
    }
  }
  for (const f of result.failed)
    logger.warn(`could not remove ${f.object.kind} ${f.object.name}: ${f.error}`);
  return result;
}

async function removeEach(
  client: SwarmClient,
  pending: LabelledObject[],
  result: SweepResult,
): Promise<Map<string, string>> {
  const errors = new Map<string, string>();
  await Promise.all(
    pending.map(async (o) => {
      try {
        if (await client.remove(o.kind, o.id)) result.removed.push(o);
      } catch (e) {
        errors.set(o.id, errorMessage(e));
      }
    }),
  );
  return errors;
}

/** The engine is gone: everything not removed yet stays listed as failed, with that reason. */
function giveUp(
  client: SwarmClient,
  objects: LabelledObject[],
  result: SweepResult,
  logger: Logger,
): SweepResult {
  const done = new Set([...result.removed, ...result.failed.map((f) => f.object)].map((o) => o.id));
  const reason = `not removed: the engine at ${client.url} does not answer`;
  for (const o of objects) if (!done.has(o.id)) result.failed.push({ object: o, error: reason });
  result.unreachableSince = client.unreachableSince;
  logger.warn(
    `the engine at ${client.url} has not answered since ${new Date(client.unreachableSince ?? Date.now()).toISOString()}; ` +
      `${result.failed.length} object(s) could not be removed`,
  );
  return result;
}

export interface SweepFilter {
  runId?: string;
  olderThanMs?: number;
  /** Also remove runs whose lease is live (they are in progress somewhere). */
  force?: boolean;
}

export interface JanitorResult extends SweepResult {
  /** Runs left alone because they are alive (without --force). */
  skipped: RunOnSwarm[];
  /** Live runs removed because of --force. */
  forced: RunOnSwarm[];
}

/**
 * The janitor: finds objects by label (one run, or all of ATQ's) and removes the runs whose lease has
 * expired. A live run (another pipeline's, in progress) is only touched with `force`.
 */
export async function sweep(
  client: SwarmClient,
  filter: SweepFilter,
  logger: Logger,
): Promise<JanitorResult> {
  const label = filter.runId ? `${RUN_LABEL}=${filter.runId}` : RUN_LABEL;
  const [objects, info] = await Promise.all([client.listLabelled(label), client.info()]);
  const cutoff = filter.olderThanMs === undefined ? Infinity : info.systemTime - filter.olderThanMs;
  const old = (o: LabelledObject) => !o.createdAt || Date.parse(o.createdAt) <= cutoff;
  const states = runStates(objects, info.systemTime).filter((r) => r.objects.every(old));
  const skipped = filter.force ? [] : states.filter((r) => r.live);
  const forced = filter.force ? states.filter((r) => r.live) : [];
  const chosen = new Set(states.filter((r) => filter.force || !r.live).map((r) => r.runId));
  const ofChosen = (o: LabelledObject) => chosen.has(o.labels[RUN_LABEL] ?? '');
  const list = async () => (await client.listLabelled(label)).filter((o) => ofChosen(o) && old(o));
  const first = await removeInOrder(client, objects.filter(ofChosen), logger);
  return { ...(await untilGone(client, list, first, logger)), skipped, forced };
}

/**
 * Docker finishes some removals in the background (a swarm network lingers on a node for a moment, a
 * service's containers go after it): done means nothing matching is listed any more. A listing that
 * fails proves nothing: then what was last seen (or not removed) is reported as possibly left.
 */
async function untilGone(
  client: SwarmClient,
  list: () => Promise<LabelledObject[]>,
  result: SweepResult,
  logger: Logger,
  deadline: () => number = fixed(30_000),
  pace = 1,
): Promise<SweepResult> {
  if (result.unreachableSince !== undefined) return result;
  const started = Date.now();
  const end = () => Math.min(deadline(), started + 30_000);
  const errors = new Map(result.failed.map((f) => [f.object.id, f.error]));
  let known = result.failed.map((f) => f.object);
  let left = await list().catch(() => undefined);
  // Mostly a swarm network the node drops a moment after its removal: ask again soon, then less often.
  for (
    let wait = 100 * pace;
    left?.length && Date.now() < end() && !engineDown(client, ENGINE_GRACE_MS * pace);
    wait = Math.min(wait * 2, 1000 * pace)
  ) {
    known = left;
    await sleep(wait);
    await removeInOrder(client, left, silentLogger, () => Math.min(end(), Date.now() + 10_000), pace);
    left = await list().catch(() => undefined);
  }
  if (left === undefined) {
    logger.warn(`could not check what is left on the swarm: ${client.url} does not answer`);
    result.unreachableSince = client.unreachableSince ?? Date.now();
  }
  result.failed = (left ?? known).map((o) => ({
    object: o,
    error:
      errors.get(o.id) ??
      (left ? 'still listed after removal' : 'not confirmed removed: the engine does not answer'),
  }));
  if (left?.length)
    logger.warn(`still on the swarm after cleanup: ${left.map((o) => `${o.kind} ${o.name}`).join(', ')}`);
  return result;
}

/**
 * Knows every object one run created. dispose() is idempotent and runs from `finally` (which the signal
 * handlers reach by aborting the run): it removes what it tracked plus anything else labelled with the
 * run id (an object whose create call timed out after Docker made it), until none is listed, the lease
 * last so the run counts as alive until it is gone.
 */
export class RunResources {
  private readonly tracked: LabelledObject[] = [];
  private disposing?: Promise<SweepResult>;
  private lease?: LeaseKeeper;

  /** `pace`: the run's (RunControl.pace), for the heartbeat and the removal's pauses. */
  constructor(
    private readonly client: SwarmClient,
    readonly runId: string,
    private readonly logger: Logger,
    private readonly pace = 1,
  ) {}

  labels(role: string): Record<string, string> {
    return { [RUN_LABEL]: this.runId, [ROLE_LABEL]: role };
  }

  track(kind: ObjectKind, id: string, name: string, role: string = kind): void {
    this.tracked.push({ kind, id, name, labels: this.labels(role) });
  }

  /** Removes one object whose part is over (the wait command's service) and forgets it. */
  async remove(kind: ObjectKind, id: string): Promise<void> {
    await this.client.remove(kind, id);
    const i = this.tracked.findIndex((o) => o.id === id);
    if (i >= 0) this.tracked.splice(i, 1);
  }

  /** The first object of a run: its heartbeat tells janitors elsewhere that the run is alive. */
  async acquireLease(onLost: (error: AtqError) => void): Promise<LeaseKeeper> {
    const name = leaseName(this.runId);
    const labels = leaseLabels(this.labels(LEASE_ROLE), new Date(), 0);
    const id = await this.client.createConfig(name, Buffer.from(`${this.runId}\n`), labels);
    this.track('config', id, name, LEASE_ROLE);
    // Our own removal of the lease at the end of dispose() is not "someone else removed the run".
    this.lease = new LeaseKeeper(
      this.client,
      id,
      this.runId,
      labels,
      (e) => this.disposing || onLost(e),
      LEASE_BEAT_MS * this.pace,
    );
    return this.lease;
  }

  /** Still there? Undefined when this run holds no lease. */
  leasePresent(): Promise<boolean> | undefined {
    return this.lease?.present();
  }

  /** --keep: the objects stay, and the lease says at once that nobody is using them any more. */
  async keep(): Promise<void> {
    await this.lease?.release();
  }

  /** `deadline`: when to stop retrying busy removals (moves closer on a cancel; default 90 s). */
  dispose(deadline?: () => number): Promise<SweepResult> {
    this.disposing ??= (async () => {
      const label = `${RUN_LABEL}=${this.runId}`;
      const list = () => this.client.listLabelled(label);
      let unlisted: string | undefined;
      const listed = await list().catch((e: unknown) => {
        unlisted = errorMessage(e);
        this.logger.warn(`could not list objects labelled ${label}: ${unlisted}`);
        return [];
      });
      const ids = new Set(this.tracked.map((o) => o.id));
      const all = [...this.tracked, ...listed.filter((o) => !ids.has(o.id))];
      // Heartbeats go on during removal (the run is alive until its lease is gone), then stop.
      try {
        const first = await removeInOrder(this.client, all, this.logger, deadline, this.pace);
        const swept = await untilGone(this.client, list, first, this.logger, deadline, this.pace);
        return unlisted === undefined ? swept : { ...swept, unlisted };
      } finally {
        this.lease?.stop();
      }
    })();
    return this.disposing;
  }
}
