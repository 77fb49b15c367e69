import { errorMessage } from '../errors.js';
import type { SwarmClient } from '../swarm/client.js';
import type { LabelledObject, ObjectKind } from '../swarm/types.js';
import { sleep } from '../util/abort.js';
import { silentLogger, type Logger } from '../util/log.js';
import { ROLE_LABEL, RUN_LABEL } from './run-id.js';

/** Services first (their containers go with them), then what they used, the network last. */
const ORDER: ObjectKind[] = ['service', 'container', 'secret', 'config', 'network'];

export interface SweepResult {
  removed: LabelledObject[];
  failed: { object: LabelledObject; error: string }[];
}

/**
 * Removes objects in dependency order. Docker releases a service's containers, configs and network
 * endpoints asynchronously, so "in use" answers are retried until `patienceMs` runs out.
 */
export async function removeAll(
  client: SwarmClient,
  objects: LabelledObject[],
  logger: Logger,
  patienceMs = 90_000,
): Promise<SweepResult> {
  const result: SweepResult = { removed: [], failed: [] };
  const deadline = Date.now() + patienceMs;
  for (const kind of ORDER) {
    let pending = objects.filter((o) => o.kind === kind);
    let delay = 250;
    while (pending.length) {
      const errors = new Map<string, string>();
      const settled = await Promise.all(
        pending.map(async (o) => {
          try {
            return (await client.remove(o.kind, o.id)) ? o : undefined;
          } catch (e) {
            errors.set(o.id, errorMessage(e));
            return undefined;
          }
        }),
      );
      result.removed.push(...settled.filter((o): o is LabelledObject => o !== undefined));
      pending = pending.filter((o) => errors.has(o.id));
      if (!pending.length) break;
      if (Date.now() + delay > deadline) {
        for (const o of pending) result.failed.push({ object: o, error: errors.get(o.id) ?? 'unknown' });
        break;
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 3000);
    }
  }
  for (const f of result.failed)
    logger.warn(`could not remove ${f.object.kind} ${f.object.name}: ${f.error}`);
  return result;
}

export interface SweepFilter {
  runId?: string;
  olderThanMs?: number;
}

/** The janitor: finds objects by label (one run, or all of ATQ's) and removes them. */
export async function sweep(client: SwarmClient, filter: SweepFilter, logger: Logger): Promise<SweepResult> {
  const label = filter.runId ? `${RUN_LABEL}=${filter.runId}` : RUN_LABEL;
  const cutoff = filter.olderThanMs === undefined ? Infinity : Date.now() - filter.olderThanMs;
  const list = async () =>
    (await listOrWarn(client, label, logger)).filter(
      (o) => !o.createdAt || Date.parse(o.createdAt) <= cutoff,
    );
  return untilGone(client, list, await removeAll(client, await list(), logger), logger);
}

/**
 * Docker finishes some removals in the background (a swarm network lingers on a node for a moment, a
 * service's containers go after it): done means nothing matching is listed any more.
 */
async function untilGone(
  client: SwarmClient,
  list: () => Promise<LabelledObject[]>,
  result: SweepResult,
  logger: Logger,
): Promise<SweepResult> {
  const deadline = Date.now() + 30_000;
  let left = await list();
  while (left.length && Date.now() < deadline) {
    await sleep(500);
    await removeAll(client, left, silentLogger, 10_000);
    left = await list();
  }
  const errors = new Map(result.failed.map((f) => [f.object.id, f.error]));
  result.failed = left.map((o) => ({
    object: o,
    error: errors.get(o.id) ?? 'still listed 30 s after removal',
  }));
  if (left.length)
    logger.warn(`still on the swarm after cleanup: ${left.map((o) => `${o.kind} ${o.name}`).join(', ')}`);
  return result;
}

async function listOrWarn(client: SwarmClient, label: string, logger: Logger): Promise<LabelledObject[]> {
  try {
    return await client.listLabelled(label);
  } catch (e) {
    logger.warn(`could not list objects labelled ${label}: ${errorMessage(e)}`);
    return [];
  }
}

/**
 * Knows every object one run created. dispose() is idempotent and runs from `finally` (which the signal
 * handlers reach by aborting the run): it removes what it tracked plus anything else labelled with the
 * run id (an object whose create call timed out after Docker made it), until none is listed.
 */
export class RunResources {
  private readonly tracked: LabelledObject[] = [];
  private disposing?: Promise<SweepResult>;

  constructor(
    private readonly client: SwarmClient,
    readonly runId: string,
    private readonly logger: Logger,
  ) {}

  labels(role: string): Record<string, string> {
    return { [RUN_LABEL]: this.runId, [ROLE_LABEL]: role };
  }

  track(kind: ObjectKind, id: string, name: string): void {
    this.tracked.push({ kind, id, name, labels: this.labels(kind) });
  }

  dispose(): Promise<SweepResult> {
    this.disposing ??= (async () => {
      const list = () => listOrWarn(this.client, `${RUN_LABEL}=${this.runId}`, this.logger);
      const ids = new Set(this.tracked.map((o) => o.id));
      const all = [...this.tracked, ...(await list()).filter((o) => !ids.has(o.id))];
      return untilGone(this.client, list, await removeAll(this.client, all, this.logger), this.logger);
    })();
    return this.disposing;
  }
}
