import os from 'node:os';
import { AtqError } from '../errors.js';
import type { SwarmClient } from '../swarm/api.js';
import type { Labels, LabelledObject } from '../swarm/types.js';
import { within } from '../util/abort.js';
import { formatDuration } from '../util/duration.js';
import { formatIdentity, parseIdentity, processGone, processIdentity } from './local-process.js';
import { ROLE_LABEL, RUN_LABEL } from './run-id.js';

/**
 * A run on a shared swarm proves it is alive with a lease: a small Swarm config created before anything
 * else and re-labelled every few seconds. The swarm stamps each change with its own clock (UpdatedAt), so
 * janitors on other machines judge it by the swarm's time, never by two CI runners' clocks.
 */
export const LEASE_ROLE = 'lease';
export const LEASE_LABELS = {
  owner: 'atq.lease.owner',
  started: 'atq.lease.started',
  ttl: 'atq.lease.ttl-seconds',
  beat: 'atq.lease.beat',
  released: 'atq.lease.released',
  /** The holder's process (local-process.ts): a run killed on the janitor's own machine is abandoned at once. */
  process: 'atq.lease.process',
} as const;

export const LEASE_TTL_MS = 60_000;
export const LEASE_BEAT_MS = 5_000;
const BEAT_TIMEOUT_MS = 10_000;

/** Who holds a lease, for the person deciding whether to kill it: user, host, pid, and the CI job. */
export function leaseOwner(env: Record<string, string | undefined> = process.env): string {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (some containers): the host and pid still identify the process
  }
  const ci = env.GITHUB_REPOSITORY
    ? ` (GitHub ${env.GITHUB_REPOSITORY} run ${env.GITHUB_RUN_ID ?? '?'})`
    : env.BUILD_URL
      ? ` (Jenkins ${env.BUILD_URL})`
      : '';
  return `${user}@${os.hostname()} pid ${process.pid}${ci}`;
}

export function leaseLabels(base: Labels, startedAt: Date, beat: number): Labels {
  const holder = processIdentity();
  return {
    ...base,
    ...(holder ? { [LEASE_LABELS.process]: formatIdentity(holder) } : {}),
    [LEASE_LABELS.owner]: leaseOwner(),
    [LEASE_LABELS.started]: startedAt.toISOString(),
    [LEASE_LABELS.ttl]: String(LEASE_TTL_MS / 1000),
    [LEASE_LABELS.beat]: String(beat),
  };
}

/** Renews a lease until stopped; calls onLost once if the lease disappears (someone removed the run). */
export class LeaseKeeper {
  private timer?: NodeJS.Timeout;
  private beats = 0;
  private stopped = false;

  private inFlight?: Promise<void>;

  constructor(
    private readonly client: SwarmClient,
    readonly id: string,
    readonly runId: string,
    private labels: Labels,
    private readonly onLost: (error: AtqError) => void,
    private readonly beatMs = LEASE_BEAT_MS,
  ) {
    this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => (this.inFlight = this.beat()), this.beatMs);
    // A pending heartbeat must never keep a finished CLI alive.
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    if (this.stopped) return;
    this.labels = { ...this.labels, [LEASE_LABELS.beat]: String(++this.beats) };
    try {
      // Bounded: a hung call must not outlive the lease it renews (the next beat tries again).
      const done = await within(BEAT_TIMEOUT_MS, this.client.setConfigLabels(this.id, this.labels));
      if (done?.value === false && !this.stopped) {
        this.stopped = true;
        this.onLost(removedError(this.runId));
        return;
      }
    } catch {
      // An unreachable or busy engine is the run's own polls' business; the next beat tries again.
    }
    if (!this.stopped) this.schedule();
  }

  /** Still there? (false when someone removed the run's objects.) */
  async present(): Promise<boolean> {
    return (await this.client.inspectConfig(this.id).catch(() => 'unknown' as const)) !== undefined;
  }

  /** Ends the heartbeat and marks the lease expired at once (the run's objects are left on purpose). */
  async release(): Promise<void> {
    this.stop();
    // A beat in flight could land after the release and erase its label.
    await this.inFlight;
    await this.client
      .setConfigLabels(this.id, { ...this.labels, [LEASE_LABELS.released]: new Date().toISOString() })
      .catch(() => false);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}

/** The lease among a run's objects: a config with the lease role. */
export function isLease(o: LabelledObject): boolean {
  return o.kind === 'config' && o.labels[ROLE_LABEL] === LEASE_ROLE;
}

export function leaseName(runId: string): string {
  return `atq-${runId}-lease`;
}

export function removedError(runId: string, what = `its lease ${leaseName(runId)} is gone`): AtqError {
  return new AtqError(
    'RUN_REMOVED',
    `This run's objects on the swarm were removed by someone else while it ran (${what}): another ` +
      'pipeline\'s "atq cleanup --force", a "docker service rm", or a janitor that found the lease expired ' +
      "because this run's heartbeats did not reach the engine for a minute. If a scheduled janitor did it, " +
      'run it without --force: it then leaves live runs alone.',
    { runId },
  );
}

export interface RunOnSwarm {
  runId: string;
  objects: LabelledObject[];
  live: boolean;
  /** Why the run counts as live or not, for doctor and cleanup. */
  why: string;
  owner?: string;
  startedAt?: string;
}

/**
 * Groups labelled objects by run and judges each run's lease by the engine's clock `now`; `gone` says
 * whether a lease's holder process has certainly ended (default: it ran on this machine and is no more).
 */
export function runStates(
  objects: LabelledObject[],
  now: number,
  gone: (holder: string | undefined) => boolean = (h) => processGone(parseIdentity(h)),
): RunOnSwarm[] {
  const byRun = new Map<string, LabelledObject[]>();
  for (const o of objects) {
    const id = o.labels[RUN_LABEL];
    if (id) byRun.set(id, [...(byRun.get(id) ?? []), o]);
  }
  return [...byRun].map(([runId, objs]) => judge(runId, objs, now, gone));
}

function judge(
  runId: string,
  objects: LabelledObject[],
  now: number,
  gone: (holder: string | undefined) => boolean,
): RunOnSwarm {
  const lease = objects.find(isLease);
  if (!lease) {
    // Runs create their lease first; a run without one is from an older atq or half removed. Give a
    // run that is just being created the benefit of the doubt for one lease period.
    const newest = Math.max(...objects.map((o) => Date.parse(o.createdAt ?? '') || 0));
    const age = now - newest;
    return {
      runId,
      objects,
      live: age < LEASE_TTL_MS,
      why: `no lease; newest object ${formatDuration(Math.max(0, age))} old`,
    };
  }
  const owner = lease.labels[LEASE_LABELS.owner];
  const startedAt = lease.labels[LEASE_LABELS.started];
  const ttl = Number(lease.labels[LEASE_LABELS.ttl]) * 1000 || LEASE_TTL_MS;
  const released = lease.labels[LEASE_LABELS.released];
  const beatAge = now - (Date.parse(lease.updatedAt ?? lease.createdAt ?? '') || 0);
  const base = { runId, objects, owner, startedAt };
  if (released) return { ...base, live: false, why: `released by its run at ${released} (kept with --keep)` };
  const ago = formatDuration(Math.max(0, beatAge));
  if (beatAge < ttl && gone(lease.labels[LEASE_LABELS.process]))
    return {
      ...base,
      live: false,
      why: `abandoned: its atq process on this machine has ended (last heartbeat ${ago} ago)`,
    };
  return beatAge < ttl
    ? { ...base, live: true, why: `in progress: last heartbeat ${ago} ago` }
    : { ...base, live: false, why: `lease expired: last heartbeat ${ago} ago` };
}

export function describeRun(r: RunOnSwarm): string {
  const who = r.owner ? `, owner ${r.owner}` : '';
  const since = r.startedAt ? `, started ${r.startedAt}` : '';
  return `run ${r.runId} (${r.objects.length} object(s)${who}${since}): ${r.why}`;
}
